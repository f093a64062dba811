"""The quantity scanner on real sentences: what is found, and what is not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.quantities import QuantityMatcher


@pytest.fixture(scope="module")
def matcher(rules):
    return QuantityMatcher(rules)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("全州共73个安置点规范建立党组织166个,根据党员分布情况设立党小组196个", ["73个", "166个", "196个"]),
        ("汇集紫阳全县15个镇1940户8132名搬迁群众", ["15个", "1940户", "8132名"]),
        ("短短3天共运走5卡车300余个泡沫箱", ["5卡车", "300余个"]),
        ("比例由年初的21.7%提高到32.3%", ["21.7%", "32.3%"]),
        ("关税收入会增加6%至820亿元", ["6%", "820亿元"]),
        ("利得税收入微跌1.5亿元至1391亿元", ["1.5亿元", "1391亿元"]),
        ("建立完善5岗20级40档等次晋升机制", ["5岗", "20级", "40档"]),
        ("今年2月份,选派了一名老党员", []),
        ("第一招:保姆式服务跟进", []),
        ("推动五星级党支部示范引领、四星级争创提质", []),
        ("“80后”的东关村党支部书记", []),
        ("新闻热线:0855-8222000", []),
    ],
)
def test_quantities_found_in_sentence(matcher, text, expected):
    assert [q.text for q in matcher.find(text)] == expected


def test_quantities_range_values(matcher):
    (q,) = matcher.find("社区每300户—500户划分一个网格")
    assert (q.value, q.high, q.unit, q.kind) == (Decimal(300), Decimal(500), "户", "count")


def test_quantities_offsets_point_into_text(matcher):
    text = "集体经济积累121.6万元,配套新建学校88所"
    for q in matcher.find(text):
        assert text[q.start : q.end] == q.text
