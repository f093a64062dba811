"""Tables of a clean text: rows one per line, cells separated by a tab (ANNOTATION.md, "Clean text" 9).

A table is a run of consecutive lines with the same number (two or more) of tab-separated cells.
Its structure is decided from the cells alone: the first row is a header row when it holds no
value cell while a later row does; the first column is a header column when none of its body
cells is a value. A first row of labels one cell shorter than the rows below it lost its empty
corner cell (a line has no leading space, ANNOTATION.md "Clean text" 8): its cells head the
columns from the second on. A value cell is a quantity (its span is given) with at most one character
more, or a number written only with digits and number punctuation (`8,656`, `5.8%`).

`table_cells` gives every body cell with its row header and column header, so the claims
component can take a claim's entity (and time) from the table's structure, not from words.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

import regex

#: A cell written only with digits and number punctuation: a bare value (its unit is in a header).
_NUMERIC = regex.compile(r"^[\s\d０-９,，.．%％+\-－−—~～/]*\d[\s\d０-９,，.．%％+\-－−—~～/]*$")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a table: its text, character offsets in the doc text, row and column (from 0)."""

    text: str
    start: int
    end: int
    row: int
    column: int


@dataclass(frozen=True, slots=True)
class TableCell:
    """A body cell with the headers of its row and column (None when the table has none)."""

    cell: Cell
    row_header: Cell | None
    column_header: Cell | None


def table_cells(text: str, values: Sequence[tuple[int, int]] = ()) -> list[TableCell]:
    """The body cells of every table in `text`, in reading order; `values` are the (start, end)
    spans of the quantities found in the text (a cell holding one is a value cell).

    >>> [(c.cell.text, c.row_header.text, c.column_header.text) for c in table_cells("行业\\t增速\\n制造业\\t5.8%\\n")]
    [('5.8%', '制造业', '增速')]
    """
    if "\t" not in text:
        return []
    value_spans = sorted(values)
    out: list[TableCell] = []
    for rows in _tables(text, value_spans):
        # a row without values after rows with values heads a new table of the same width
        start = 0
        for k in range(1, len(rows) + 1):
            if k == len(rows) or (not _has_values(rows[k], value_spans) and _has_values(rows[k - 1], value_spans)):
                out.extend(_structure(rows[start:k], value_spans))
                start = k
    return out


def cell_at(cells: Sequence[TableCell], pos: int) -> TableCell | None:
    """The body cell of `cells` (as `table_cells` returns them, in order) that holds character `pos`."""
    at = bisect_right([c.cell.start for c in cells], pos) - 1
    if at >= 0 and cells[at].cell.start <= pos < cells[at].cell.end:
        return cells[at]
    return None


def _tables(text: str, values: Sequence[tuple[int, int]] = ()) -> list[list[list[Cell]]]:
    """Runs of consecutive lines with the same number (2+) of tab-separated cells, as rows of cells;
    a first row of labels one cell short of the second is a header row without its corner cell."""
    tables: list[list[list[Cell]]] = []
    run: list[list[Cell]] = []
    pos = 0
    for line in text.split("\n"):
        cells = _cells(line, pos, len(run)) if "\t" in line else []
        if cells and run and len(cells) == run[-1][-1].column + 1:
            run.append(cells)
        elif cells and len(run) == 1 and len(cells) == len(run[0]) + 1 and not any(_is_value(c, values) for c in run[0]):
            run[0] = [replace(c, column=c.column + 1) for c in run[0]]
            run.append(cells)
        else:
            if run:
                tables.append(run)
            run = [_cells(line, pos, 0)] if cells else []
        pos += len(line) + 1
    if run:
        tables.append(run)
    return tables


def _cells(line: str, start: int, row: int) -> list[Cell]:
    """The tab-separated cells of one line starting at character `start`."""
    cells: list[Cell] = []
    for column, piece in enumerate(line.split("\t")):
        cells.append(Cell(piece.strip(), start, start + len(piece), row, column))
        start += len(piece) + 1
    return cells


def _is_value(cell: Cell, values: Sequence[tuple[int, int]]) -> bool:
    """True when the cell is a bare number or a quantity with at most one character of its own
    (a label that holds a number, 月薪前20%的住户, is not a value)."""
    if _NUMERIC.match(cell.text):
        return True
    first = bisect_right(values, (cell.start,))
    if first > 0 and values[first - 1][1] > cell.start:
        first -= 1
    covered = 0
    for start, end in values[first:]:
        if start >= cell.end:
            break
        covered += min(end, cell.end) - max(start, cell.start)
    return covered > 0 and len(cell.text) - covered <= 1


def _has_values(row: list[Cell], values: Sequence[tuple[int, int]]) -> bool:
    """True when a cell of the row other than the one in its first column is a value."""
    return any(_is_value(c, values) for c in row if c.column)


def _structure(rows: list[list[Cell]], values: Sequence[tuple[int, int]]) -> list[TableCell]:
    """Decide the header row and header column of one table; return its body cells."""
    valued = [[_is_value(c, values) for c in row] for row in rows]
    header_row = len(rows) > 1 and not _has_values(rows[0], values) and any(any(v[1:]) for v in valued[1:])
    headers = {c.column: c for c in rows[0]}
    body = rows[1:] if header_row else rows
    body_valued = valued[1:] if header_row else valued
    # the first column heads the rows when it holds labels and the other columns hold values
    header_column = not any(v[0] for v in body_valued) and any(any(v[1:]) for v in body_valued)
    out: list[TableCell] = []
    for row in body:
        for cell in row[1:] if header_column else row:
            column_header = headers.get(cell.column) if header_row else None
            out.append(TableCell(cell, row[0] if header_column else None, column_header if column_header and column_header.text else None))
    return out
