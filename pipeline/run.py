"""The one place where the stages are composed: read -> markup -> strip -> convert -> extract.

`process_file` and `process_text` run an article through them; the batch, `score`, `explain`,
the public API (`zhclaims.extract`) and the benchmark all call these, nothing else chains stages.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from .claim import Claim
from .extraction.numbers import numeral_chars
from .rules import RuleSet

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: File endings read as articles when a directory is given.
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")


@dataclass(slots=True)
class Cleaned:
    """The cleaning stages' output for one article: the text, warnings, the dropped lines and why each went."""

    text: str
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)


def clean_document(raw: str, *, fmt: str, rules: RuleSet) -> Cleaned:
    """Run markup removal, boilerplate stripping and conversion on one decoded article."""
    from .text.clean import find_corruptions, strip_lines_report
    from .text.convert import to_simplified
    from .text.markup import markup_to_lines

    kept, dropped = strip_lines_report(markup_to_lines(raw, fmt), rules)
    text = to_simplified(kept, rules)
    warnings = [f"corrupted bytes at line {c.line}: {c.text!r}" for c in find_corruptions(text)]
    return Cleaned(text=text, warnings=warnings, dropped=[d.line for d in dropped], why=[d.why for d in dropped])


@dataclass(slots=True)
class Processed:
    """One article through the stages: its id, clean text and claims, and what cleaning reported."""

    doc: str
    text: str
    claims: list[Claim] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    #: why each dropped line went (the rule, signal or shape)
    why: list[str] = field(default_factory=list)
    #: characters of the decoded article before cleaning
    raw_chars: int = 0


class StageError(Exception):
    """A stage raised on one article: `stage` is read, clean or extract, `error` the exception it raised."""

    def __init__(self, stage: str, error: Exception) -> None:
        super().__init__(f"{stage}: {type(error).__name__}: {error}")
        self.stage = stage
        self.error = error


def process_text(
    raw: str, rules: RuleSet, nlp: Language | None, *, fmt: str = "txt", doc: str = "", from_clean: bool = False
) -> Processed:
    """Clean (unless `from_clean`) and extract (unless `nlp` is None) one decoded article; a failing stage raises StageError."""
    stage = "clean"
    try:
        cleaned = Cleaned(text=raw) if from_clean else clean_document(raw, fmt=fmt, rules=rules)
        stage = "extract"
        claims = extract_text(cleaned.text, doc, nlp) if nlp is not None else []
    except Exception as exc:  # noqa: BLE001 - named by stage for the caller (the batch reports it and goes on)
        raise StageError(stage, exc) from exc
    return Processed(
        doc=doc, text=cleaned.text, claims=claims, warnings=cleaned.warnings, dropped=cleaned.dropped, why=cleaned.why,
        raw_chars=len(raw),
    )


def process_file(path: Path, rules: RuleSet, nlp: Language | None, *, from_clean: bool = False) -> Processed:
    """Read, clean (unless `from_clean`) and extract (unless `nlp` is None) one article file; a failing stage raises StageError."""
    from .text.reader import read_article

    try:
        article = read_article(path)
    except Exception as exc:  # noqa: BLE001
        raise StageError("read", exc) from exc
    return process_text(article.text, rules, nlp, fmt=article.fmt, doc=doc_id(path), from_clean=from_clean)


def analyse(clean_text: str, nlp: Language) -> Doc:
    """The processed spaCy Doc of a clean text (converted already, so the tokenizer does not convert it again)."""
    tokenizer = nlp.tokenizer
    tokenize = getattr(tokenizer, "tokenize", tokenizer)
    return nlp(tokenize(clean_text))


def load_nlp(rules: RuleSet) -> Language:
    """Build the spaCy pipeline (jieba tokenizer, entity ruler, claim extraction) for a rule set."""
    import gc

    from .extraction.nlp import build_nlp

    nlp = build_nlp(rules)
    if not gc.isenabled():
        # the command line turns collection off while it starts (cli.main): the start-up objects
        # (modules, dictionary, compiled rules) live as long as the process, so they are frozen out
        # of later collections, which resume here
        gc.freeze()
        gc.enable()
    return nlp


#: Longest piece of text given to the spaCy pipeline at once. Longer texts are cut at line ends
#: (sentences never cross one), so the claims are those of the whole text; this keeps far from
#: spaCy's `max_length` and bounds the cost of the extraction, which grows faster than the text.
CHUNK_CHARS = 10_000

#: Up to this length a chunked text's contexts are recomputed on the whole text (unique in it,
#: as for an unchunked text); beyond it (no news article is that long) a context is unique in
#: its chunk, which keeps a huge input linear in time.
WHOLE_CONTEXT_CHARS = 200_000

_SOFT_BREAK = regex.compile(r"[\p{P}\s]+")
_HAS_DIGIT = regex.compile(r"\p{Nd}")
#: What may sit inside a quantity beside its numerals (thousands separator, percent sign).
_NUMBER_PUNCT = ",%％"


def split_chunks(text: str, limit: int = CHUNK_CHARS, end: regex.Pattern[str] | None = None) -> list[tuple[int, int]]:
    r"""Spans that cover `text` in order, each at most `limit` characters long.

    A span ends after the last line break within the limit; a longer line is cut after a sentence
    end (`end`, default the built-in rules' `sentence_end_pattern`), else after punctuation or
    space, else where no number is split, else at the limit.

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
            cut = _last_break(text, start, window_end, end)
        spans.append((start, cut))
        start = cut
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _last_break(text: str, start: int, end: int, sentence_end: regex.Pattern[str] | None = None) -> int:
    """Where to cut a line inside text[start:end]: after a sentence end, punctuation, or outside a number."""
    from .extraction.nlp import builtin_sentence_end

    window = text[start:end]
    for pattern in (sentence_end or builtin_sentence_end(), _SOFT_BREAK):
        for match in reversed(list(pattern.finditer(window))):
            if not _splits_number(text, start + match.end()):
                return start + match.end()
    cut = end
    while cut > start and _splits_number(text, cut):
        cut -= 1
    return cut if cut > start else end


def _splits_number(text: str, cut: int) -> bool:
    numeral = numeral_chars()
    return (
        0 < cut < len(text)
        and bool(numeral.match(text[cut - 1]) or text[cut - 1] in _NUMBER_PUNCT)
        and bool(numeral.match(text[cut]) or text[cut] in _NUMBER_PUNCT)
    )


def extract_text(clean_text: str, doc_id: str, nlp: Language, *, chunk_chars: int = CHUNK_CHARS) -> list[Claim]:
    """Extract the claims of one clean text (offsets into it), in pieces of `chunk_chars` when it is longer."""
    # the sentence end of the rules the pipeline was built with (its tokenizer's)
    sentence_end = getattr(nlp.tokenizer, "sentence_end", None)
    spans = split_chunks(clean_text, chunk_chars, sentence_end)
    if len(spans) <= 1:
        claims: list[Claim] = analyse(clean_text, nlp)._.claims
    else:
        from .extraction.extract import make_context

        whole = len(clean_text) <= WHOLE_CONTEXT_CHARS
        claims = []
        for start, end in spans:
            lead = structure_above(clean_text, start, sentence_end)
            for claim in analyse(lead + clean_text[start:end], nlp)._.claims:
                if claim.start < len(lead):
                    continue  # a claim of the structure line repeated above the chunk
                claim.start += start - len(lead)
                claim.end += start - len(lead)
                if whole:
                    claim.context = make_context(clean_text, claim.start, claim.end)
                claims.append(claim)
    for claim in claims:
        claim.doc = doc_id
    return claims


#: How many lines above a chunk a heading over its first list lines may be (as `heading_reach`
#: of rules/context.toml, which the claims stage reads), and how long a table's lines may be in all
#: to be repeated above a chunk that starts inside the table (else its first line only).
STRUCTURE_LINES = 8
STRUCTURE_CHARS = 2_000


def structure_above(text: str, start: int, end: regex.Pattern[str] | None = None) -> str:
    r"""The lines above `start` that give the entities of the lines after it, to be read again with
    a chunk starting there: the table rows above when the chunk starts inside a table (its column
    headers), or a heading (a line without numbers) over the list lines the chunk starts with;
    else "". A claim's entity comes from its own sentence or from this structure, so a text
    extracted in chunks gives the claims of the whole. `end`: the sentence end of the rules in use
    (default the built-in rules').

    >>> structure_above("行业\t增速\n甲\t5%\n乙\t6%\n", 11)
    '行业\t增速\n甲\t5%\n'
    >>> structure_above("工业用电量\n甲市增长6%\n乙市增长2%\n", 13)
    '工业用电量\n甲市增长6%\n'
    >>> structure_above("全年平稳。\n甲市增长6%\n", 6)
    ''
    """
    if start == 0 or text[start - 1] != "\n":
        return ""
    lines = text[:start].split("\n")[:-1]
    if "\t" in lines[-1]:
        k = len(lines) - 1
        while k > 0 and "\t" in lines[k - 1]:
            k -= 1
        table = "\n".join(lines[k:]) + "\n"
        return table if len(table) <= STRUCTURE_CHARS else lines[k] + "\n"
    from .extraction.nlp import builtin_sentence_end

    sentence_end = end or builtin_sentence_end()
    for k in range(len(lines) - 1, max(-1, len(lines) - 1 - STRUCTURE_LINES), -1):
        line = lines[k]
        if not line.strip() or sentence_end.search(line):
            return ""  # a sentence or blank line: no heading over what follows
        if not _HAS_DIGIT.search(line):
            return "\n".join(lines[k:]) + "\n"
    return ""


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
