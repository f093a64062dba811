"""Character alignment of two versions of a text: edit distance and offset mapping.

The scorer compares a cleaner's output with the gold clean text (character error rate) and moves
the offsets of claims found in the cleaner's output onto the gold text. Both must be fast on
articles of ~20k characters, so the distance is the bit-parallel algorithm of Myers (1999) in
Hyyrö's formulation, run on Python's arbitrary-size integers (one column of the DP matrix per
integer), and the offset map is built line by line first, then character by character inside
the lines that differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher


def _common_affixes(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and (in what remains) the common suffix of two strings."""
    limit = min(len(a), len(b))
    prefix = 0
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions, each cost 1) of two strings.

    >>> edit_distance("kitten", "sitting")
    3
    >>> edit_distance("全州共73个安置点", "全州共78个安置点")
    1
    >>> edit_distance("", "abc"), edit_distance("abc", "")
    (3, 3)
    """
    prefix, suffix = _common_affixes(a, b)
    a = a[prefix : len(a) - suffix]
    b = b[prefix : len(b) - suffix]
    if len(a) > len(b):
        a, b = b, a
    if not a:
        return len(b)
    # Bit i of a column vector stands for row i+1 (character a[i]) of the DP matrix.
    width = len(a)
    mask = (1 << width) - 1
    top = 1 << (width - 1)
    peq: dict[str, int] = {}
    for i, char in enumerate(a):
        peq[char] = peq.get(char, 0) | (1 << i)
    pv, mv, score = mask, 0, width
    for char in b:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        # Global distance: row 0 grows by one per column, so a +1 enters at the bottom.
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


def _line_starts(lines: Sequence[str]) -> list[int]:
    """Offsets at which each line of `lines` (each keeping its newline) begins."""
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line)
    return starts


@dataclass(frozen=True, slots=True)
class Alignment:
    """A map from offsets of a source text to offsets of a target text (None: no counterpart)."""

    source_to_target: tuple[int | None, ...]

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The target span covered by the aligned characters of source[start:end], or None.

        >>> align("ab\\n73个\\n", "73个\\n").map_span(3, 6)
        (0, 3)
        >>> align("x\\n", "y\\n").map_span(0, 1) is None
        True
        """
        start = max(start, 0)
        end = min(end, len(self.source_to_target))
        mapped = [t for t in self.source_to_target[start:end] if t is not None]
        if not mapped:
            return None
        return min(mapped), max(mapped) + 1


def align(source: str, target: str) -> Alignment:
    """Align two versions of a text: equal lines first, then characters inside differing lines."""
    mapping: list[int | None] = [None] * len(source)
    source_lines = source.splitlines(keepends=True)
    target_lines = target.splitlines(keepends=True)
    source_starts = _line_starts(source_lines)
    target_starts = _line_starts(target_lines)
    lines = SequenceMatcher(None, source_lines, target_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if i1 == i2 or j1 == j2:
            continue
        s_from = source_starts[i1]
        t_from = target_starts[j1]
        if tag == "equal":
            length = sum(len(line) for line in source_lines[i1:i2])
            for k in range(length):
                mapping[s_from + k] = t_from + k
            continue
        s_block = "".join(source_lines[i1:i2])
        t_block = "".join(target_lines[j1:j2])
        chars = SequenceMatcher(None, s_block, t_block, autojunk=len(s_block) * len(t_block) > 4_000_000)
        for block in chars.get_matching_blocks():
            for k in range(block.size):
                mapping[s_from + block.a + k] = t_from + block.b + k
    return Alignment(tuple(mapping))

