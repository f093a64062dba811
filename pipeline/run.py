"""The one place where the stages are composed: read -> markup -> strip -> convert -> extract.

`process_file` and `process_text` run an article through them; the batch, `score`, `explain`,
the public API (`zhclaims.extract`) and the benchmark all call these, nothing else chains stages.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
import weakref

import regex

from .claim import Claim
from .extraction.periods import ArticleInfo
from .extraction.numbers import numeral_chars
from .rules import RuleSet
from .text.corpus import Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: File endings of single-article files (corpora and PDF: `text.corpus.INPUT_FORMATS`).
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml")


@dataclass(slots=True)
class Cleaned:
    """The cleaning stages' output for one article: the text, warnings, the dropped lines and why each went."""

    text: str
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    #: the kept lines before conversion (the input's own script), line for line as `text`
    orig: str = ""
    #: whether the article was written in traditional script (None: not known, clean text given)
    traditional: bool | None = None


def clean_document(raw: str, *, fmt: str, rules: RuleSet) -> Cleaned:
    """Run markup removal, boilerplate stripping and conversion on one decoded article."""
    from .text.clean import find_corruptions, strip_lines_report
    from .text.convert import to_simplified
    from .text.markup import markup_to_lines

    kept, dropped = strip_lines_report(markup_to_lines(raw, fmt), rules)
    text = to_simplified(kept, rules)
    from .extraction.periods import is_traditional

    warnings = [f"corrupted bytes at line {c.line}: {c.text!r}" for c in find_corruptions(text)]
    return Cleaned(
        text=text, warnings=warnings, dropped=[d.line for d in dropped], why=[d.why for d in dropped], orig=kept,
        traditional=is_traditional(kept, text),
    )


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
    #: the clean text before conversion (the input's own script)
    orig: str = ""
    #: the article's date and region (pipeline/extraction/periods.py), when claims were extracted
    info: ArticleInfo | None = None
    #: whether the article was written in traditional script (None: not known)
    traditional: bool | None = None


class StageError(Exception):
    """A stage raised on one article: `stage` is read, clean or extract, `error` the exception it raised."""

    def __init__(self, stage: str, error: Exception) -> None:
        super().__init__(f"{stage}: {type(error).__name__}: {error}")
        self.stage = stage
        self.error = error


def process_text(
    raw: str, rules: RuleSet, nlp: Language | None, *, fmt: str = "txt", doc: str = "", from_clean: bool = False,
    meta_date: date | str | None = None, default_date: date | str | None = None,
) -> Processed:
    """Clean (unless `from_clean`) and extract (unless `nlp` is None) one decoded article; a failing stage raises StageError.

    The claims carry the article's date and region and their periods and currencies: the date is
    `meta_date` (the article's metadata), else its dateline, else `default_date` (`--date`).
    """
    from .extraction.periods import annotate_claims, article_info

    stage = "clean"
    info = None
    try:
        cleaned = Cleaned(text=raw, orig=raw) if from_clean else clean_document(raw, fmt=fmt, rules=rules)
        stage = "extract"
        claims = extract_text(cleaned.text, doc, nlp) if nlp is not None else []
        if nlp is not None:
            info = article_info(
                cleaned.text, dropped=cleaned.dropped, meta_date=meta_date, default_date=default_date,
                traditional=cleaned.traditional, rules=rules,
            )
            annotate_claims(claims, cleaned.text, info, rules=rules)
    except Exception as exc:  # noqa: BLE001 - named by stage for the caller (the batch reports it and goes on)
        raise StageError(stage, exc) from exc
    return Processed(
        doc=doc, text=cleaned.text, claims=claims, warnings=cleaned.warnings, dropped=cleaned.dropped, why=cleaned.why,
        raw_chars=len(raw), orig=cleaned.orig, info=info, traditional=cleaned.traditional,
    )


def process_article(
    article: Article, rules: RuleSet, nlp: Language | None, *, from_clean: bool = False, default_date: date | str | None = None
) -> Processed:
    """Read (a file not read yet), clean (unless `from_clean`) and extract (unless `nlp` is None) one
    `Article`; its claims carry the article's metadata and where each stands in the input, and are
    dated by the metadata's date, else the dateline, else `default_date`. A failing stage raises StageError."""
    from .text.corpus import load_article
    from .text.meta import article_metadata

    try:
        article = load_article(article)
    except Exception as exc:  # noqa: BLE001
        raise StageError("read", exc) from exc
    if nlp is None:  # cleaning only: the metadata dates and labels claims, of which there are none
        return process_text(article.text, rules, None, fmt=article.fmt, doc=article.id, from_clean=from_clean)
    try:
        meta = article_metadata(article.text or "", article.fmt, article.meta if article.row else None)
    except Exception as exc:  # noqa: BLE001
        raise StageError("read", exc) from exc
    processed = process_text(
        article.text, rules, nlp, fmt=article.fmt, doc=article.id, from_clean=from_clean,
        meta_date=meta["date"], default_date=default_date,
    )
    if processed.claims:
        try:
            place_claims(processed, article, meta)
        except Exception as exc:  # noqa: BLE001
            raise StageError("extract", exc) from exc
    return processed


def place_claims(processed: Processed, article: Article, meta: dict[str, Any]) -> None:
    """Set each claim's article metadata (`meta`, from `text.meta.article_metadata`: title, date,
    url, meta), its line in the input and its quantity and sentence in the input's own script."""
    from .text.markup import front_matter_end
    from .text.origin import Origin

    raw = article.text or ""
    body = front_matter_end(raw)
    if article.fmt == "html":
        at = raw.find("<body")
        body = max(body, at if at >= 0 else 0)
    origin = Origin(raw, processed.orig or processed.text, processed.text, body_start=body)
    for claim in sorted(processed.claims, key=lambda c: c.start):
        claim.line = article.line if article.row else origin.line(claim.start, claim.end)
        claim.quantity_orig = origin.quantity(claim.start, claim.end)
        claim.sentence_orig = origin.sentence(claim.sentence, claim.start, claim.end)
        claim.title, claim.date, claim.url = meta["title"], meta["date"], meta["url"]
        claim.meta = meta["meta"]


def process_file(
    path: Path, rules: RuleSet, nlp: Language | None, *, from_clean: bool = False, default_date: date | str | None = None
) -> Processed:
    """Read, clean (unless `from_clean`) and extract (unless `nlp` is None) one article file, dated
    `default_date` when neither its metadata nor its dateline dates it; a failing stage raises StageError."""
    from .text.reader import article_format

    fmt = "pdf" if path.suffix.lower() == ".pdf" else ("txt" if from_clean else article_format(path))
    article = Article(doc_id(path), None, fmt, str(path))
    return process_article(article, rules, nlp, from_clean=from_clean, default_date=default_date)


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


#: Texts a pipeline extracts from before the later ones run in a spaCy memory zone. spaCy keeps
#: every new word in its vocabulary for good, and each sentence without a quantity is one word, so
#: a process's memory grew with every article it read (some 15 KB each: 15 GB for a million).
#: In a zone the words a text adds are dropped after it; the first texts' words stay, and so do
#: the dictionary words of the later ones (JiebaTokenizer.keep_words, after the zone), so the
#: common ones are not made again for every article (which costs more time than the zone saves).
#: At the switch the rest of the jieba dictionary is read at once (JiebaTokenizer.load_all): by
#: then a run has met most characters, and each text no longer looks for words still to read.
WARM_TEXTS = 300

_warmed: weakref.WeakKeyDictionary[Language, int] = weakref.WeakKeyDictionary()


def extract_text(clean_text: str, doc_id: str, nlp: Language, *, chunk_chars: int = CHUNK_CHARS) -> list[Claim]:
    """Extract the claims of one clean text (offsets into it), in pieces of `chunk_chars` when it is
    longer; once the pipeline has read WARM_TEXTS texts, in a memory zone (no spaCy object outlives it)."""
    seen = _warmed.get(nlp, 0)
    if seen < WARM_TEXTS:
        _warmed[nlp] = seen + 1
        claims = _extract_text(clean_text, doc_id, nlp, chunk_chars)
        if seen + 1 == WARM_TEXTS:
            load_all = getattr(nlp.tokenizer, "load_all", None)
            if load_all is not None:
                load_all()  # (0.1 s, some 17 MB, once; each later text saved a scan of its characters)
    else:
        with nlp.memory_zone():
            claims = _extract_text(clean_text, doc_id, nlp, chunk_chars)
    keep_words = getattr(nlp.tokenizer, "keep_words", None)
    if keep_words is not None:
        keep_words()  # the text's dictionary words, made again in every zone otherwise (see JiebaTokenizer)
    return claims


def _extract_text(clean_text: str, doc_id: str, nlp: Language, chunk_chars: int) -> list[Claim]:
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
        from .extraction.codes import assign_where_codes, place_codes

        # a place of one chunk decides an ambiguous name of another, as in an unchunked text
        assign_where_codes(claims, place_codes(getattr(nlp.tokenizer, "rules", None)))
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
