"""Read one article file: pick the format from the suffix, decode it, normalise line endings."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

#: File suffix -> article format.
FORMATS: dict[str, str] = {
    ".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
}

#: Largest article file read (bytes): bigger files are reported, so one stray dump cannot exhaust
#: memory (a 20 MB article is processed in well under 600 MB).
MAX_BYTES = 32 * 1024 * 1024

#: Encodings tried, in order, when the bytes are not UTF-8 (Chinese news pages are GB or Big5).
_FALLBACKS = ("gb18030", "big5")


class InputError(Exception):
    """An article that cannot be read or decoded; the message is "PATH: reason"."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DecodedFile:
    """A decoded article: its text (line endings `\\n`), format and the encoding it was read in."""

    text: str
    fmt: str
    encoding: str


def article_format(path: Path) -> str:
    """The article format ("txt", "md", "html") of a file name; unknown suffixes read as "txt".

    >>> article_format(Path("a/b.HTM")), article_format(Path("x.md")), article_format(Path("x.txt"))
    ('html', 'md', 'txt')
    """
    return FORMATS.get(path.suffix.lower(), "txt")


def normalise_newlines(text: str) -> str:
    r"""Turn `\r\n` and lone `\r` into `\n`.

    >>> normalise_newlines("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _han_share(text: str) -> float:
    """Share of CJK ideographs among the non-space characters (a plausibility check of a decoding)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    han = sum(1 for c in chars if "\u4e00" <= c <= "\u9fff")
    return han / len(chars)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes: UTF-8 (BOM or not) first, then GB18030 / Big5; raise ValueError when none fits.

    >>> decode_bytes("本网讯".encode("utf-8-sig"))
    ('本网讯', 'utf-8')
    >>> decode_bytes("黨建工作的新課題".encode("big5"))
    ('黨建工作的新課題', 'big5')
    """
    if b"\x00" in data:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[str, str]] = []
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=["gb18030", "gbk", "big5", "big5hkscs"]).best()
        if best is not None and best.encoding:
            candidates.append((str(best), _canonical(best.encoding)))
    except Exception:  # noqa: BLE001 - detection is a hint only; the strict decodes below decide
        pass
    for encoding in _FALLBACKS:
        try:
            candidates.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise ValueError("cannot be decoded as UTF-8, GB18030 or Big5")
    # Big5 bytes often also decode as GB18030 (into nonsense); keep the reading with most Han text.
    text, encoding = max(candidates, key=lambda c: _han_share(c[0]))
    if any(ord(c) < 32 and c not in "\n\r\t\f" for c in text):
        raise ValueError("binary file (control characters)")
    return text, encoding


def _canonical(name: str) -> str:
    name = name.lower().replace("_", "")
    if name in {"gbk", "gb2312", "gb18030"}:
        return "gb18030"
    if name.startswith("big5"):
        return "big5"
    return name


def read_article(path: Path) -> DecodedFile:
    """Read and decode one article file; raise InputError when it is unreadable, too big, binary or undecodable."""
    path = Path(path)
    try:
        info = path.stat()
        # only a regular file has a size to check; a pipe named on the command line (/dev/stdin) is read whole
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
            raise InputError(path, f"too large ({info.st_size:,} bytes, at most {MAX_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        text, encoding = decode_bytes(data)
    except ValueError as exc:
        raise InputError(path, str(exc)) from None
    return DecodedFile(text=normalise_newlines(text), fmt=article_format(path), encoding=encoding)
