"""The one place where the stages are composed: read -> markup -> strip -> convert -> extract."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from .claim import Claim
from .rules import RuleSet

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
    from .clean import find_corruptions, strip_boilerplate_report
    from .convert import to_simplified
    from .markup import markup_to_text

    text = markup_to_text(raw, fmt)
    kept, dropped = strip_boilerplate_report(text, rules)
    text = to_simplified(kept, rules)
    warnings = [f"corrupted bytes at line {c.line}: {c.text!r}" for c in find_corruptions(text)]
    return Cleaned(text=text, warnings=warnings, dropped=dropped)


def load_nlp(rules: RuleSet) -> Language:
    """Build the spaCy pipeline (jieba tokenizer, entity ruler, claim extraction) for a rule set."""
    from .nlp import build_nlp

    return build_nlp(rules)


#: Longest piece of text given to the spaCy pipeline at once. Longer texts are cut at line ends
#: (sentences never cross one), so the claims are those of the whole text; this keeps far from
#: spaCy's `max_length` and bounds the cost of the extraction, which grows faster than the text.
CHUNK_CHARS = 10_000

#: Up to this length a chunked text's contexts are recomputed on the whole text (unique in it,
#: as for an unchunked text); beyond it (no news article is that long) a context is unique in
#: its chunk, which keeps a huge input linear in time.
WHOLE_CONTEXT_CHARS = 200_000

_SENTENCE_END = regex.compile(r"[。！？!?]+[”’」』)]*")
_SOFT_BREAK = regex.compile(r"[\p{P}\s]+")
_NUMBER_CHAR = regex.compile(r"[0-9０-９.,．零〇一二三四五六七八九十百千万亿两兩萬億点點%％]")


def split_chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    r"""Spans that cover `text` in order, each at most `limit` characters long.

    A span ends after the last line break within the limit; a longer line is cut after a sentence
    end, else after punctuation or space, else where no number is split, else at the limit.

    >>> split_chunks("一二三\n四五\n六七八九", limit=7)
    [(0, 7), (7, 11)]
    >>> split_chunks("甲乙。丙丁戊己。庚", limit=5)
    [(0, 3), (3, 8), (8, 9)]
    >>> split_chunks("共12345个", limit=4)
    [(0, 1), (1, 5), (5, 7)]
    >>> split_chunks("共1.5个,共2.5个", limit=9)
    [(0, 6), (6, 11)]
    >>> split_chunks("", limit=5)
    []
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window_end = start + limit
        cut = text.rfind("\n", start, window_end) + 1
        if cut <= start:
            cut = _last_break(text, start, window_end)
        spans.append((start, cut))
        start = cut
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _last_break(text: str, start: int, end: int) -> int:
    """Where to cut a line inside text[start:end]: after a sentence end, punctuation, or outside a number."""
    window = text[start:end]
    for pattern in (_SENTENCE_END, _SOFT_BREAK):
        for match in reversed(list(pattern.finditer(window))):
            if not _splits_number(text, start + match.end()):
                return start + match.end()
    cut = end
    while cut > start and _splits_number(text, cut):
        cut -= 1
    return cut if cut > start else end


def _splits_number(text: str, cut: int) -> bool:
    return 0 < cut < len(text) and bool(_NUMBER_CHAR.match(text[cut - 1])) and bool(_NUMBER_CHAR.match(text[cut]))


def extract_text(clean_text: str, doc_id: str, nlp: Language, *, chunk_chars: int = CHUNK_CHARS) -> list[Claim]:
    """Extract the claims of one clean text (offsets into it), in pieces of `chunk_chars` when it is longer."""
    spans = split_chunks(clean_text, chunk_chars)
    if len(spans) <= 1:
        claims: list[Claim] = nlp(clean_text)._.claims
    else:
        from .extract import make_context

        whole = len(clean_text) <= WHOLE_CONTEXT_CHARS
        claims = []
        for start, end in spans:
            for claim in nlp(clean_text[start:end])._.claims:
                claim.start += start
                claim.end += start
                if whole:
                    claim.context = make_context(clean_text, claim.start, claim.end)
                claims.append(claim)
    for claim in claims:
        claim.doc = doc_id
    return claims


def iter_inputs(paths: Sequence[Path], suffixes: Sequence[str] = ARTICLE_SUFFIXES) -> Iterator[Path]:
    """Files named, and the article files below directories named, in a stable order."""
    for path in paths:
        if path.is_dir():
            # a dangling symlink is listed too, so that it is reported as unreadable, not skipped
            yield from sorted(
                p for p in path.rglob("*") if (p.is_file() or p.is_symlink() and not p.exists()) and p.suffix.lower() in suffixes
            )
        else:
            yield path


def doc_id(path: Path) -> str:
    """The article's id: its file name without extension (`seeds/000_x.txt` -> `000_x`)."""
    name = path.name
    for suffix in (".clean.txt", *ARTICLE_SUFFIXES):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem
