"""Tests of pipeline.evaluation.align: edit distance and offset mapping between two versions of a text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.evaluation.align import align, edit_distance


def _reference_distance(a: str, b: str) -> int:
    """Textbook O(n*m) Levenshtein, the reference for the bit-parallel one."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "", 0),
        ("全州共73个安置点\n", "全州共73个安置点\n", 0),
        ("全州共73个安置点\n", "全州共78个安置点\n", 1),
        ("本網訊\n", "本网讯\n", 2),
        ("首页>新闻\n全州共73个\n", "全州共73个\n", 6),
        ("kitten", "sitting", 3),
        ("abc", "", 3),
        ("的的的的", "的", 3),
    ],
)
def test_align_edit_distance_table(a: str, b: str, expected: int) -> None:
    assert edit_distance(a, b) == expected
    assert edit_distance(b, a) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="的了万个元\n12", max_size=40), st.text(alphabet="的了万个元\n12", max_size=40))
def test_align_edit_distance_equals_reference(a: str, b: str) -> None:
    assert edit_distance(a, b) == _reference_distance(a, b)


def test_align_edit_distance_long_text_is_fast() -> None:
    text = "".join(f"第{i}段,全州共{i * 7}个安置点,配备专职党务干部{i}人。\n" for i in range(900))
    changed = text.replace("安置点", "安置區", 50)
    assert len(text) > 20_000
    assert edit_distance(changed, text) == 50


@pytest.mark.parametrize(
    ("source", "target", "span", "expected"),
    [
        # identical texts map every offset onto itself
        ("全州共73个安置点\n", "全州共73个安置点\n", (3, 6), (3, 6)),
        # an extra boilerplate line at the top shifts offsets back
        ("首页 > 新闻\n全州共73个安置点\n", "全州共73个安置点\n", (11, 14), (3, 6)),
        # a changed character elsewhere in the line does not disturb the span
        ("全州共73個安置點\n", "全州共73个安置点\n", (3, 5), (3, 5)),
        # a changed character inside the span: the aligned characters still cover it
        ("全州共73個安置点\n", "全州共73个安置点\n", (3, 6), (3, 5)),
        # two paragraphs joined into one line
        ("甲乙。丙丁12个\n", "甲乙。\n丙丁12个\n", (5, 8), (6, 9)),
        # text that exists only in the source has no counterpart
        ("浏览量:347\n正文\n", "正文\n", (4, 7), None),
    ],
)
def test_align_map_span_table(
    source: str, target: str, span: tuple[int, int], expected: tuple[int, int] | None
) -> None:
    assert align(source, target).map_span(*span) == expected
