"""The inputs of a run as articles: files, folders, corpora (JSON Lines, CSV) and standard input.

`iter_articles` turns what the command line names into one stream of `Article` (or `Failure` for
an input that cannot give one: a bad corpus row, an unsupported format). It is the one place that
knows the input formats; the local batch (`pipeline/tools/batch.py`) and a cluster runner process
the same `Article`s with `run.process_article`.

An `Article` of a single-article file is not read yet (`text` is None): whoever processes it
reads it (`load_article`), so reading and decoding run in the workers and a file that cannot be
read fails as that article, in its place in the output. An article of a corpus row carries its
text and the row's other fields.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .reader import FORMATS, MAX_BYTES, InputError, decode_bytes, normalise_newlines, read_article

#: Corpus files: one article a row.
CORPUS_FORMATS: dict[str, str] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
#: Documents whose text is taken out by a library (the `pdf` extra).
DOCUMENT_FORMATS: dict[str, str] = {".pdf": "pdf"}
#: Every suffix read, and what it is read as.
INPUT_FORMATS: dict[str, str] = {**FORMATS, **CORPUS_FORMATS, **DOCUMENT_FORMATS}
#: The name of standard input on the command line, and as the source of its articles.
STDIN = "-"
STDIN_SOURCE = "<stdin>"

#: Default fields of a corpus row.
TEXT_FIELD = "text"
ID_FIELD = "id"

_HTML_START = re.compile(r"\s*<(?:!doctype|html|head|body|article|div|p|section|table)\b", re.I)


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that failed: its path (`file:line` for a corpus row), the stage that failed, and why."""

    path: str
    stage: str
    error: str

    def message(self) -> str:
        """The one-line report on standard error: "PATH: reason" (the stage named unless reading failed).

        >>> Failure("a.txt", "read", "binary file (contains NUL bytes)").message()
        'a.txt: binary file (contains NUL bytes)'
        >>> Failure("a.txt", "extract", "ValueError: bad\\nmore").message()
        'a.txt: extract failed: ValueError: bad'
        """
        first = self.error.splitlines()[0] if self.error else ""
        return f"{self.path}: {first}" if self.stage == "read" else f"{self.path}: {self.stage} failed: {first}"

    def to_json(self) -> str:
        """One JSON object: path, stage, error."""
        return json.dumps({"path": self.path, "stage": self.stage, "error": self.error}, ensure_ascii=False)


@dataclass(slots=True)
class Article:
    """One article of the input, as every runner processes it (`run.process_article`).

    - `id`: unique within the run (the `doc` of its claims): the file name without its suffix, the
      path below the folder named when two files share a name, or the corpus row's id field;
    - `text`: the decoded text, or None for a file not read yet (`load_article` reads it);
    - `fmt`: how the text is read: "txt", "md", "html" or "pdf" (a file's text to be taken out);
    - `source`: the file it comes from (`<stdin>` for standard input);
    - `line`: the 1-based line of `source` where the article starts (1 for a file, the row's line
      in a corpus);
    - `meta`: the corpus row's fields other than the text and id (title, date, url and the rest);
    - `row`: True for a corpus row (its claims' `line` is the row's line).
    """

    id: str
    text: str | None
    fmt: str
    source: str
    line: int = 1
    meta: dict[str, Any] = field(default_factory=dict)
    #: a corpus row: its text is a field of the file, not the file's lines
    row: bool = False


@dataclass(slots=True)
class Inputs:
    """What the command line names: the files to read (with the folder each was found under), and the
    files under those folders that were skipped as not articles, counted by suffix."""

    files: list[tuple[Path, Path | None]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    stdin: bool = False


def collect(paths: Sequence[Path | str], *, from_clean: bool = False) -> Inputs:
    """The files named and the readable files below the folders named, in a stable order; `-` is standard input."""
    suffixes = (".txt",) if from_clean else tuple(INPUT_FORMATS)
    inputs = Inputs()
    for path in paths:
        if str(path) == STDIN:
            inputs.stdin = True
            inputs.files.append((Path(STDIN), None))
            continue
        path = Path(path)
        if path.is_dir():
            found = []
            # a dangling symlink is listed too, so that it is reported as unreadable, not skipped
            for p in path.rglob("*"):
                if not (p.is_file() or p.is_symlink() and not p.exists()):
                    continue
                if p.name.startswith(".") and p.name.endswith(".part"):
                    continue  # an output being written by a run
                if p.suffix.lower() in suffixes:
                    found.append(p)
                else:
                    inputs.skipped[p.suffix.lower() or "(no suffix)"] += 1
            inputs.files.extend((p, path) for p in sorted(found))
        else:
            inputs.files.append((path, None))
    return inputs


def file_id(path: Path) -> str:
    """A file's own id: its name without the suffix (`seeds/000_x.txt` -> `000_x`, `a.clean.txt` -> `a`).

    >>> file_id(Path("a/b/000_x.txt")), file_id(Path("x.clean.txt")), file_id(Path("c.json.md"))
    ('000_x', 'x', 'c.json')
    """
    name = path.name
    for suffix in (".clean.txt", *INPUT_FORMATS):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def file_ids(files: Sequence[tuple[Path, Path | None]]) -> list[str]:
    """The ids of files: each its own name, but the path below its folder where names collide.

    >>> file_ids([(Path("in/a/index.md"), Path("in")), (Path("in/b/index.md"), Path("in")), (Path("x.txt"), None)])
    ['a/index', 'b/index', 'x']
    """
    own = [file_id(p) for p, _ in files]
    counts = Counter(own)
    ids = []
    for (path, root), name in zip(files, own):
        if counts[name] > 1:
            relative = path.relative_to(root) if root is not None else path
            name = relative.with_name(file_id(relative)).as_posix()
        ids.append(name)
    return ids


class _Unique:
    """Makes ids unique within a run: a second `x` becomes `x#2`."""

    def __init__(self) -> None:
        self.seen: Counter = Counter()

    def __call__(self, name: str) -> str:
        self.seen[name] += 1
        count = self.seen[name]
        while count > 1 and f"{name}#{count}" in self.seen:
            count += 1
        return name if count == 1 else self._take(f"{name}#{count}")

    def _take(self, name: str) -> str:
        self.seen[name] += 1
        return name


def sniff_format(text: str) -> str:
    """How a text of unknown origin (a corpus row, standard input) is read: "html" when it opens with
    an HTML tag, "md" when it has front matter, else "txt".

    >>> sniff_format("<p>一段</p>"), sniff_format("---\\ntitle: x\\n---\\n正文"), sniff_format("正文")
    ('html', 'md', 'txt')
    """
    from .markup import has_front_matter

    if _HTML_START.match(text):
        return "html"
    return "md" if has_front_matter(text) else "txt"


def iter_articles(
    paths: Sequence[Path | str] | Inputs,
    *,
    text_field: str = TEXT_FIELD,
    id_field: str = ID_FIELD,
    from_clean: bool = False,
) -> Iterator[Article | Failure]:
    """The articles of the inputs named, in order; an input or corpus row that gives none is a `Failure`."""
    inputs = paths if isinstance(paths, Inputs) else collect(paths, from_clean=from_clean)
    unique = _Unique()
    for (path, _), name in zip(inputs.files, file_ids(inputs.files)):
        if str(path) == STDIN:
            yield from _stdin_articles(unique, text_field, id_field, from_clean)
            continue
        kind = INPUT_FORMATS.get(path.suffix.lower())
        if kind in ("jsonl", "csv"):
            yield from _corpus_articles(path, kind, unique, text_field, id_field)
        elif kind == "pdf":
            yield Article(unique(name), None, "pdf", str(path))
        elif from_clean or kind in FORMATS.values() or (kind is None and not path.suffix):
            yield Article(unique(name), None, "txt" if from_clean else (kind or "txt"), str(path))
        else:
            readable = " ".join(sorted(INPUT_FORMATS))
            yield Failure(str(path), "read", f"unsupported format {path.suffix!r} (read are: {readable}; save it as text or PDF)")


def _stdin_articles(unique: _Unique, text_field: str, id_field: str, from_clean: bool) -> Iterator[Article | Failure]:
    """Standard input: a JSON Lines corpus when it opens with `{`, else one article."""
    data = sys.stdin.buffer.read()
    try:
        text, _ = decode_bytes(data)
    except ValueError as exc:
        yield Failure(STDIN_SOURCE, "read", str(exc))
        return
    text = normalise_newlines(text)
    if not from_clean and text.lstrip().startswith("{"):
        yield from _jsonl_rows(io.StringIO(text), STDIN_SOURCE, "stdin", unique, text_field, id_field)
        return
    yield Article(unique("stdin"), text, "txt" if from_clean else sniff_format(text), STDIN_SOURCE)


def _row_article(
    row: Any, source: str, line: int, stem: str, unique: _Unique, text_field: str, id_field: str
) -> Article | Failure:
    where = f"{source}:{line}"
    if not isinstance(row, dict):
        return Failure(where, "read", f"not a JSON object but {type(row).__name__}")
    if text_field not in row:
        fields = ", ".join(map(str, row)) or "none"
        return Failure(where, "read", f"no {text_field!r} field (fields: {fields}; choose one with --text-field)")
    text = row[text_field]
    if not isinstance(text, str):
        return Failure(where, "read", f"the {text_field!r} field is {type(text).__name__}, not text")
    own = row.get(id_field)
    name = str(own).strip() if own not in (None, "") else f"{stem}:{line}"
    meta = {k: v for k, v in row.items() if k not in (text_field, id_field)}
    text = normalise_newlines(text)
    return Article(unique(name), text, sniff_format(text), source, line, meta, row=True)


def _jsonl_rows(handle, source: str, stem: str, unique: _Unique, text_field: str, id_field: str) -> Iterator[Article | Failure]:
    for number, line in enumerate(handle, start=1):
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            yield Failure(f"{source}:{number}", "read", f"not JSON ({exc})")
            continue
        yield _row_article(row, source, number, stem, unique, text_field, id_field)


def _corpus_articles(path: Path, kind: str, unique: _Unique, text_field: str, id_field: str) -> Iterator[Article | Failure]:
    """The rows of a JSON Lines or CSV corpus (UTF-8), read as they come."""
    source, stem = str(path), file_id(path)
    try:
        handle = open(path, encoding="utf-8-sig", newline="" if kind == "csv" else None)
    except OSError as exc:
        yield Failure(source, "read", f"cannot be read ({exc.strerror or exc})")
        return
    try:
        with handle:
            if kind == "jsonl":
                yield from _jsonl_rows(handle, source, stem, unique, text_field, id_field)
            else:
                yield from _csv_rows(handle, source, stem, unique, text_field, id_field)
    except UnicodeDecodeError as exc:
        yield Failure(source, "read", f"not UTF-8 ({exc.reason} at byte {exc.start} of a row): save the corpus as UTF-8")
    except csv.Error as exc:
        yield Failure(source, "read", f"bad CSV: {exc}")


def _csv_rows(handle, source: str, stem: str, unique: _Unique, text_field: str, id_field: str) -> Iterator[Article | Failure]:
    csv.field_size_limit(MAX_BYTES)  # an article is one field: far beyond csv's default of 128 KiB
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        return
    header = [h.strip() for h in header]
    if text_field not in header:
        yield Failure(f"{source}:1", "read", f"no {text_field!r} column (columns: {', '.join(header)}; choose one with --text-field)")
        return
    line = reader.line_num + 1
    for values in reader:
        start, line = line, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield Failure(f"{source}:{start}", "read", f"{len(values)} fields where the header has {len(header)}")
            continue
        yield _row_article(dict(zip(header, values)), source, start, stem, unique, text_field, id_field)


def pdf_text(path: Path) -> str:
    """The text layer of a PDF, one page after another (pypdf, the `pdf` extra); InputError when there is none."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise InputError(path, "PDF input needs pypdf: pip install 'zhclaims[pdf]'") from None
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(path, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    text = "\n".join(p.rstrip("\n") for p in pages)
    if not text.strip():
        raise InputError(path, "PDF without a text layer (a scan? run OCR on it first)")
    return normalise_newlines(text) + "\n"


def load_article(article: Article) -> Article:
    """The article with its text: a file not read yet is read and decoded (InputError when it cannot be)."""
    if article.text is not None:
        return article
    path = Path(article.source)
    if article.fmt == "pdf":
        return replace(article, text=pdf_text(path), fmt="txt")
    decoded = read_article(path)
    return replace(article, text=decoded.text)


def count_articles(inputs: Inputs) -> int | None:
    """How many articles the inputs hold, counting corpus rows cheaply (non-blank JSONL lines, CSV records);
    None when standard input is read (it can be read once only)."""
    if inputs.stdin:
        return None
    total = 0
    for path, _ in inputs.files:
        kind = CORPUS_FORMATS.get(path.suffix.lower())
        if kind is None:
            total += 1
            continue
        try:
            if kind == "jsonl":
                with open(path, "rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            else:
                with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
                    csv.field_size_limit(MAX_BYTES)
                    total += max(0, sum(1 for _ in csv.reader(handle)) - 1)
        except (OSError, csv.Error):
            total += 1
    return total
