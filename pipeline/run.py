"""The one place where the stages are composed: read -> markup -> strip -> convert -> extract."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.claim import Claim
from pipeline.rules import RuleSet

if TYPE_CHECKING:
    from spacy.language import Language

#: File endings read as articles when a directory is given.
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")


@dataclass(slots=True)
class Cleaned:
    """The cleaning stages' output for one article."""

    text: str
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def clean_document(raw: str, *, fmt: str, rules: RuleSet) -> Cleaned:
    """Run markup removal, boilerplate stripping and conversion on one decoded article."""
    from pipeline.clean import find_corruptions, strip_boilerplate_report
    from pipeline.convert import to_simplified
    from pipeline.markup import markup_to_text

    text = markup_to_text(raw, fmt)
    kept, dropped = strip_boilerplate_report(text, rules)
    text = to_simplified(kept, rules)
    warnings = [f"corrupted bytes at line {c.line}: {c.text!r}" for c in find_corruptions(text)]
    return Cleaned(text=text, warnings=warnings, dropped=dropped)


def load_nlp(rules: RuleSet) -> Language:
    """Build the spaCy pipeline (jieba tokenizer, entity ruler, claim extraction) for a rule set."""
    from pipeline.nlp import build_nlp

    return build_nlp(rules)


def extract_text(clean_text: str, doc_id: str, nlp: Language) -> list[Claim]:
    """Extract the claims of one clean text."""
    doc = nlp(clean_text)
    claims: list[Claim] = doc._.claims
    for claim in claims:
        claim.doc = doc_id
    return claims


def iter_inputs(paths: Sequence[Path], suffixes: Sequence[str] = ARTICLE_SUFFIXES) -> Iterator[Path]:
    """Files named, and the article files below directories named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
        else:
            yield path


def doc_id(path: Path) -> str:
    """The article's id: its file name without extension (`seeds/000_x.txt` -> `000_x`)."""
    name = path.name
    for suffix in (".clean.txt", *ARTICLE_SUFFIXES):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem
