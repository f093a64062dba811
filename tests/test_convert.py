"""to_simplified: OpenCC t2s, phrase fixes only for traditional input, simplified input unchanged."""

from __future__ import annotations

import pytest

from pipeline.text import convert
from pipeline.text.convert import OPENCC_CONFIG, to_simplified
from pipeline.rules import load_rules

RULES = load_rules()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("本網訊 近年來,黔東南州各級黨組織", "本网讯 近年来,黔东南州各级党组织"),
        ("支部跟著群眾走", "支部跟着群众走"),
        ("著力配齊配強班子", "着力配齐配强班子"),
        ("陜西省委組織部", "陕西省委组织部"),
        ("整體稅收創新高　股市暢旺", "整体税收创新高　股市畅旺"),
        ("顯著提升", "显著提升"),
        # the particle 著 after any verb, the zhù words kept (t2s_particle)
        ("這標誌著轉型進入新階段", "这标志着转型进入新阶段"),
        ("他們一直管理著這片林場", "他们一直管理着这片林场"),
        ("隨著氣溫回升，意味著春耕開始", "随着气温回升，意味着春耕开始"),
        ("這部名著的作者以散文著稱", "这部名著的作者以散文著称"),
        ("土著居民的貢獻卓著", "土著居民的贡献卓著"),
        # characters the simplified standard keeps (t2s_keep) and variants t2s leaves (t2s_fix)
        ("宏昇科技股份公司", "宏昇科技股份公司"),
        ("衞生署公佈數字", "卫生署公布数字"),
        ("大力整治黨員涉黑涉惡?jiǎn)栴},", "大力整治党员涉黑涉恶?jiǎn)栴},"),
    ],
)
def test_convert_traditional(text, expected):
    assert to_simplified(text, RULES) == expected


@pytest.mark.parametrize(
    "text",
    ["著名作家到访", "成效显著", "我是*县委书记。", "2021年1-2月，经济持续稳定恢复。", "", "跟著"],
)
def test_convert_simplified_passes_unchanged(text):
    # "跟著" alone is no traditional text (t2s leaves it), so no fix is applied.
    assert to_simplified(text, RULES) == text


def test_convert_one_pinned_converter():
    assert OPENCC_CONFIG == "t2s"
    assert convert.converter() is convert.converter()
