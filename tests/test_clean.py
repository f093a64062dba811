"""strip_boilerplate and find_corruptions: seeds against gold, and invented pages of other sites."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.clean import find_corruptions, remove_pinyin, strip_boilerplate, strip_boilerplate_report
from pipeline.rules import load_rules
from pipeline.run import clean_document

REPO = Path(__file__).resolve().parent.parent
RULES = load_rules()
SEEDS = sorted((REPO / "seeds").glob("*.txt"))

P1 = "今年以来,青禾县把民生工程办成民心工程,新建村级活动场所12个,培训基层干部3000余人次。"
P2 = "据介绍,村史馆由村集体出资建设,总投资56万元,建筑面积420平方米,免费向群众开放。"
P3 = "下一步,该县将继续完善网格化服务机制,推动各项惠民政策落地见效,让群众得到更多实惠。"


def clean(text: str) -> list[str]:
    return strip_boilerplate(text, RULES).split("\n")[:-1]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_clean_seed_matches_gold(seed):
    gold = (REPO / "gold" / f"{seed.stem}.clean.txt").read_text(encoding="utf-8")
    assert clean_document(seed.read_text(encoding="utf-8"), fmt="txt", rules=RULES).text == gold


@pytest.mark.parametrize(
    "text,expected",
    [
        ("本網(wǎng)訊 近年來", "本網訊 近年來"),
        ("社區(qū)網格（gé）", "社區網格"),
        ("黨建(社区)工作", "黨建(社区)工作"),
        ("實行社區工作AB崗(AB岗)", "實行社區工作AB崗(AB岗)"),
        ("線路長5(km)", "線路長5(km)"),
        ("(wǎng)開頭", "(wǎng)開頭"),
        ("涉惡?jiǎn)栴},", "涉惡?jiǎn)栴},"),
        ("綠(lǜ)色", "綠色"),
    ],
)
def test_clean_pinyin_removal(text, expected):
    assert remove_pinyin(text) == expected


def test_clean_watermark_of_another_site_is_cut():
    mark = "QH青禾在线"
    text = "\n".join(
        [f"新村史馆开放{mark}", P1 + mark, P2 + mark, f"第一招:服务跟进,支部跟着群众走{mark}", P3, f" {mark}"]
    )
    assert clean(text) == ["新村史馆开放", P1, P2, "第一招:服务跟进,支部跟着群众走", P3]


def test_clean_no_watermark_in_ordinary_endings():
    text = "\n".join(["一是组织推进系统化。", P1, "二是重点任务清单化。", P2, "三是服务力量集约化。", P3])
    assert clean(text) == text.split("\n")


@pytest.mark.parametrize(
    "junk",
    [
        "天天影院,免费视频在线观看,国产精品一区,成人视频网站,亚洲在线,欧美精品",
        "梅林镇| 石桥乡| 白沙县| 专题| 东湖区| 北岭县| 南山镇| 西河乡",
        "热点 · 要闻 · 国内 · 国际 · 财经 · 体育 · 娱乐",
        "2036",
        "1,088",
    ],
)
def test_clean_spam_and_lists_by_shape(junk):
    assert clean(f"{P1}\n{junk}\n{P2}\n") == [P1, P2]


def test_clean_invented_page_of_another_site():
    page = "\n".join(
        [
            "青禾县新建村史馆 - 乡村振兴 - 青禾新闻网",
            "首页", "新闻", "乡村", "视频", "专题",
            "当前位置：首页 > 乡村振兴 > 正文",
            "青禾县新建村史馆",
            "2021-06-30 18:45  来源：青禾新闻网  作者：林小禾",
            "分享到：",
            "本网讯 " + P1,
            P2,
            "开馆当天,前来参观的村民络绎不绝。",
            P3,
            "（责任编辑：钱程）",
            "相关阅读",
            "青禾县召开春耕备耕工作会",
            "Copyright © 2003-2023 青禾传媒 版权所有 青ICP备00000000号",
        ]
    )
    assert clean(page) == ["青禾县新建村史馆", "本网讯 " + P1, P2, "开馆当天,前来参观的村民络绎不绝。", P3]


@pytest.mark.parametrize(
    "line",
    ["各位领导、同志们:", "汇报完毕,谢谢大家。", "一、抓实“三化联动”,健全全域推进体系", P2 + "(林小禾)"],
)
def test_clean_keeps_speech_and_credits(line):
    assert line in clean(f"{P1}\n{line}\n{P3}\n")


def test_clean_poem_inside_running_text_is_kept():
    poem = ["是值夜班的巴士", "载着他们", "穿越梦境", "直到天明"]
    text = "\n".join([P1, *poem, P2])
    assert clean(text) == [P1, *poem, P2]


def test_clean_whitespace_normalised():
    text = "\u3000\u3000" + P1 + "  \r\n\n \n\t" + P2 + "\u00a0\n\n"
    assert strip_boilerplate(text, RULES) == f"{P1}\n{P2}\n"
    assert strip_boilerplate("", RULES) == ""


def test_clean_report_lists_dropped_lines():
    kept, dropped = strip_boilerplate_report(f"新闻热线:0123-4567890\n{P1}\n责编:钱程\n", RULES)
    assert kept == f"{P1}\n"
    assert dropped == ["新闻热线:0123-4567890", "责编:钱程"]


@pytest.mark.parametrize(
    "text,found",
    [
        ("保孩子有學上?紤]到老人", ["?紤]"]),
        ("涉黑涉恶?jiǎn)栴},坚决", ["?jiǎn)栴}"]),
        ("甘肅日?qǐng)?bào)記者", ["?qǐng)?bào)"]),
        ("能致富”?紫阳县委组织部", []),
        ("获得身份的认同?", []),
        ("乱码\ufffd\ufffd在此", ["\ufffd\ufffd"]),
    ],
)
def test_clean_find_corruptions(text, found):
    assert [c.text for c in find_corruptions(text)] == found


def test_clean_corruption_offsets_and_untouched():
    text = P1 + "\n大力整治党员涉黑涉恶?jiǎn)栴},坚决整治。\n"
    (corruption,) = find_corruptions(text)
    assert corruption.line == 2
    assert text[corruption.start : corruption.end] == "?jiǎn)栴}"
    assert "?jiǎn)栴}" in strip_boilerplate(text, RULES)
