"""Where a claim of the clean text stands in the input: its line in the input file, and its quantity
and sentence in the input's own script (traditional characters stay traditional).

The cleaning stage keeps the article's lines before conversion (`Cleaned.orig`); the conversion
changes characters, and rarely the length of a phrase, so an offset of the clean text is mapped to
the unconverted lines by `offset_map` (identity when no length changed, else a linear alignment).
A line of those is then found in the raw input by a few short pieces of it, searched from where
the line before it was found (markup and dropped lines sit between, never inside the pieces more
than the search allows for); the line number is counted there.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate

#: Characters of a piece of a line looked for in the raw input, and how many pieces are tried.
PIECE = 8
PIECES = 6
#: How far past the previous line a line is looked for (characters, beyond its own length times 4).
REACH = 20_000
#: Anchor length and window of the alignment where the conversion changed a phrase's length.
_ANCHOR = 3
_WINDOW = 8


def _align(orig: str, conv: str, single: list[str]) -> list[int]:
    """For each offset of `conv` (and its end), the offset of `orig` it comes from; `single` is the
    one-character conversion of each character of `orig`. Linear: a mismatch (a phrase converted
    to another length) is resynchronised within a bounded window."""
    out = [0] * (len(conv) + 1)
    i = j = 0

    def same(x: int, y: int) -> bool:
        for k in range(_ANCHOR):
            if x + k >= len(orig) or y + k >= len(conv):
                return x + k >= len(orig) and y + k >= len(conv)
            if single[x + k] != conv[y + k] and orig[x + k] != conv[y + k]:
                return False
        return True

    while j < len(conv):
        if i < len(orig) and (single[i] == conv[j] or orig[i] == conv[j]):
            out[j] = i
            i, j = i + 1, j + 1
            continue
        step = None
        for total in range(1, 2 * _WINDOW + 1):
            for di in range(max(0, total - _WINDOW), min(_WINDOW, total) + 1):
                if same(i + di, j + total - di):
                    step = (di, total - di)
                    break
            if step:
                break
        di, dj = step if step and step[1] else (1, 1)
        for k in range(dj):
            out[j + k] = min(i + (k * di) // dj, len(orig))
        i, j = i + di, j + dj
    out[len(conv)] = len(orig)
    return [min(x, len(orig)) for x in out]


def offset_map(orig: str, conv: str) -> Callable[[int], int]:
    """A function from offsets of `conv` (the converted text) to offsets of `orig`: identity when the
    lengths agree, else line by line, aligned where a line's length changed.

    >>> to_orig = offset_map("一個乙\\n丙", "一个乙\\n丙")
    >>> to_orig(2), to_orig(4)
    (2, 4)
    >>> to_orig = offset_map("甲ABC乙12个", "甲X乙12个")
    >>> to_orig(2), to_orig(6)
    (4, 8)
    """
    if len(orig) == len(conv):
        return lambda offset: offset
    from .convert import t2s

    a_lines, b_lines = orig.split("\n"), conv.split("\n")
    pairs = list(zip(a_lines, b_lines)) if len(a_lines) == len(b_lines) else [(orig, conv)]
    table: list[int] = []
    a_base = 0
    for a, b in pairs:
        if len(a) == len(b):
            table.extend(range(a_base, a_base + len(a)))
        else:
            single = t2s("\n".join(a)).split("\n") if "\n" not in a else list(a)
            if len(single) != len(a):
                single = list(a)
            table.extend(a_base + x for x in _align(a, b, single)[:-1])
        a_base += len(a) + 1
        table.append(a_base - 1)  # the line's end (its newline)
    table = table[: len(conv)] + [len(orig)]
    return lambda offset: table[min(max(offset, 0), len(conv))]


class Origin:
    """Places claims of one article in its input: line number, quantity and sentence as written there."""

    def __init__(self, raw: str, orig: str, clean: str, *, body_start: int = 0) -> None:
        self.raw, self.orig, self.clean = raw, orig, clean
        self.body_start = body_start
        self.to_orig = offset_map(orig, clean)
        self.clean_starts = [0, *accumulate(len(line) + 1 for line in clean.split("\n")[:-1])]
        self.orig_lines = orig.split("\n")
        self.found: dict[int, int | None] = {}
        self.cursor = body_start
        self.counted = (0, 1)  # (offset, line number of that offset) last counted

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the unconverted text that clean text [start, end) comes from."""
        return self.to_orig(start), self.to_orig(end)

    def quantity(self, start: int, end: int) -> str:
        """The clean text [start, end) as written in the input's script."""
        a, b = self.orig_span(start, end)
        return self.orig[a:b]

    def sentence(self, sentence: str, start: int, end: int) -> str | None:
        """The claim's sentence (as the claim gives it, from the clean text) in the input's script."""
        if not sentence:
            return None
        at = self.clean.find(sentence, max(0, end - len(sentence)), start + len(sentence))
        if at < 0:
            return None
        a, b = self.orig_span(at, at + len(sentence))
        return self.orig[a:b]

    def _line_at(self, index: int) -> int | None:
        """Where line `index` of the unconverted text starts in the raw input, or None when not found."""
        if index in self.found:
            return self.found[index]
        text = self.orig_lines[index] if index < len(self.orig_lines) else ""
        where = None
        if text:
            limit = self.cursor + 4 * len(text) + REACH
            if "\t" in text:
                # a table row: its cells, longest first (the file separates them by | or <td>)
                cells = sorted((c for c in text.split("\t") if len(c) >= 2), key=len, reverse=True)
                pieces = [(0, cell) for cell in cells[:PIECES]]
            else:
                # short pieces for a short line, so that markup inside it (**bold**) leaves some whole
                size = max(3, min(PIECE, len(text) // 2))
                pieces = [(k, text[k : k + size]) for k in range(0, max(1, len(text) - size + 1), size)][:PIECES]
                if len(text) > size:
                    pieces.append((len(text) - size, text[-size:]))
            for lo, hi in ((self.cursor, limit), (self.body_start, len(self.raw))):
                for k, piece in pieces:
                    at = self.raw.find(piece, lo, hi)
                    if at >= 0:
                        where = max(lo, at - k)
                        break
                if where is not None:
                    break
        self.found[index] = where
        if where is not None:
            self.cursor = where
        return where

    def _line_number(self, offset: int) -> int:
        """1-based line number of a raw offset, counted on from the last one counted when it is further on."""
        base, number = self.counted
        if offset < base:
            base, number = 0, 1
        number += self.raw.count("\n", base, offset)
        self.counted = (offset, number)
        return number

    def line(self, start: int, end: int) -> int | None:
        """The 1-based line of the raw input where the clean text [start, end) stands, or None when not found."""
        from bisect import bisect_right

        index = bisect_right(self.clean_starts, start) - 1
        line_start = self._line_at(index)
        if line_start is None:
            return None
        a, b = self.orig_span(start, end)
        line_orig_start = self.to_orig(self.clean_starts[index])
        written = self.orig[a:b]
        at = -1
        if written:
            hi = line_start + 4 * len(self.orig_lines[index]) + 1000
            at = self.raw.find(written, line_start + max(0, a - line_orig_start), hi)
            if at < 0:
                at = self.raw.find(written, line_start, hi)
        return self._line_number(at if at >= 0 else line_start)
