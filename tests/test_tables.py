"""Tables of the clean text (tab-separated cells, one row per line): header row and header column."""

from __future__ import annotations

import pytest

from pipeline.extraction.tables import cell_at, table_cells


def _quantities(text: str, quantities: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for q in quantities:
        at = text.index(q, pos)
        spans.append((at, at + len(q)))
        pos = at + len(q)
    return spans


@pytest.mark.parametrize(
    "text,quantities,expected",
    [
        # a header row over labelled rows: each value has both headers
        ("行业\t增速\t占比\n制造业\t5.8%\t6.3%\n采矿业\t1.2%\t2.0%\n", ["5.8%", "6.3%", "1.2%", "2.0%"],
         [("5.8%", "制造业", "增速"), ("6.3%", "制造业", "占比"), ("1.2%", "采矿业", "增速"), ("2.0%", "采矿业", "占比")]),
        # no header row: the label column alone
        ("最低收入组\t12.5%\n最高收入组\t8.1%\n", ["12.5%", "8.1%"],
         [("12.5%", "最低收入组", None), ("8.1%", "最高收入组", None)]),
        # a label that holds a number (月薪前20%) is still a label, not a value
        ("月薪前20%的住户\t31.2%\n月薪后20%的住户\t18.9%\n", ["20%", "31.2%", "20%", "18.9%"],
         [("31.2%", "月薪前20%的住户", None), ("18.9%", "月薪后20%的住户", None)]),
        # bare numbers (unit in a header) are values; a time as the row's header is a label
        ("年度\t游客人数\t比例\n2019年\t5,120\t0.42%\n2020年\t4,870\t0.39%\n", ["0.42%", "0.39%"],
         [("5,120", "2019年", "游客人数"), ("0.42%", "2019年", "比例"), ("4,870", "2020年", "游客人数"), ("0.39%", "2020年", "比例")]),
        # a row without values after rows with values heads a new table of the same width
        ("区域\t增速\n东区\t3.1%\n指标\t比例\n西区\t2.2%\n", ["3.1%", "2.2%"],
         [("3.1%", "东区", "增速"), ("2.2%", "西区", "比例")]),
        # a column of values only: no header column, the header row names them
        ("增速\t占比\n4.4%\t7.5%\n", ["4.4%", "7.5%"], [("4.4%", None, "增速"), ("7.5%", None, "占比")]),
        # a header row that lost its empty corner cell heads the columns from the second on
        ("满意\t不满意\n甲区\t30%\t70%\n乙区\t45%\t55%\n", ["30%", "70%", "45%", "55%"],
         [("30%", "甲区", "满意"), ("70%", "甲区", "不满意"), ("45%", "乙区", "满意"), ("55%", "乙区", "不满意")]),
        # a row of values one cell short above a table is no header
        ("12%\t30%\n甲区\t30%\t70%\n乙区\t45%\t55%\n", ["12%", "30%", "30%", "70%", "45%", "55%"],
         [("12%", None, None), ("30%", None, None), ("30%", "甲区", None), ("70%", "甲区", None), ("45%", "乙区", None), ("55%", "乙区", None)]),
        # no tab: no table
        ("制造业增长5.8%,采矿业增长1.2%。\n", ["5.8%", "1.2%"], []),
    ],
)
def test_tables_headers_of_each_cell(text, quantities, expected):
    cells = table_cells(text, _quantities(text, quantities))
    found = [(c.cell.text, c.row_header.text if c.row_header else None, c.column_header.text if c.column_header else None) for c in cells]
    assert found == expected
    for c in cells:
        assert text[c.cell.start : c.cell.end].strip() == c.cell.text


@pytest.mark.parametrize(
    "text,pos,expected",
    [
        ("说明文字一行。\n行业\t增速\n制造业\t5.8%\n", 19, "5.8%"),  # inside the body cell
        ("说明文字一行。\n行业\t增速\n制造业\t5.8%\n", 15, None),  # the row's header cell is no body cell
        ("说明文字一行。\n行业\t增速\n制造业\t5.8%\n", 2, None),  # running text
    ],
)
def test_tables_cell_at_position(text, pos, expected):
    cell = cell_at(table_cells(text, _quantities(text, ["5.8%"])), pos)
    assert (cell.cell.text if cell else None) == expected
