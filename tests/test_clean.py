"""strip_boilerplate and find_corruptions: seeds against gold, and invented pages of other sites."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.text.clean import (
    cut_watermark,
    find_corruptions,
    find_watermark,
    match_line,
    remove_pinyin,
    strip_boilerplate,
    strip_boilerplate_report,
    strip_lines_report,
)
from pipeline.text.markup import Line, markup_to_lines
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


@pytest.mark.parametrize(
    "lines",
    [
        # section headings that share an ending, each above its paragraph
        ["（一）重大项目推进", P1, "（二）重点项目推进", P2, "（三）民生项目推进", P3],
        # table titles that share an ending
        ["表3 全县畜牧业生产及产品产量", P1, "表4 全县工业企业主要产品产量", P2, "表5 全县农业主要产品产量", P3],
        ["一、城乡居民收入稳步增长", "二、农村居民收入稳步增长", "三、务工人员收入稳步增长", P1],
    ],
)
def test_clean_shared_endings_are_not_watermarks(lines):
    assert find_watermark(lines) is None
    assert clean("\n".join(lines)) == lines


@pytest.mark.parametrize(
    "line,mark,expected",
    [
        ("全镇新建村道12公里。QH新闻网", "QH新闻网", "全镇新建村道12公里。"),
        ("QH新闻网", "QH新闻网", ""),
        ("青禾县新建村史馆QH新闻网", "QH新闻网", "青禾县新建村史馆"),
        # the mark would split a word of the line's own text: the line stays whole
        ("（二）重大项目推进", "目推进", "（二）重大项目推进"),
        ("全县主要产品产量", "品产量", "全县主要产品产量"),
    ],
)
def test_clean_cut_watermark_never_splits_a_word(line, mark, expected):
    assert cut_watermark(line, mark) == expected


def test_clean_word_table_keeps_its_number_cells():
    # a table exported one cell a line: its numbers-only cells are cells, not stray numbers
    table = ["表1 全县主要经济指标", "指标", "单位", "数量", "增长%", "地区生产总值", "亿元", "123.4", "6.5",
             "粮食产量", "万吨", "45.6", "2.1"]
    assert clean("\n".join([P1, *table, P2])) == [P1, *table, P2]


def test_clean_headline_list_below_the_article_goes():
    headlines = ["南岭市春季招聘会下周开幕 岗位超过两千个", "青禾县推进乡村道路提档升级", "山海镇举办首届油菜花节",
                 "北岭县新建便民服务中心投入使用", "东湖区开展消防安全大检查"]
    page = ["青禾县新建村史馆", "来源：青禾新闻网", P1, P2, P3, "热点新闻", *headlines,
            "关于我们 | 联系我们 | 广告服务 | 网站地图 | 法律声明 | 招聘信息"]
    assert clean("\n".join(page)) == ["青禾县新建村史馆", P1, P2, P3]


def test_clean_headline_list_with_time_stamps_below_the_article_goes():
    # a "latest news" box copied as text: headlines (one with a ！) between their time stamps
    box = ["即时新闻", "看更多", "02:02", "南岭市春季招聘会下周开幕 岗位超过两千个", "01:57", "青禾县推进乡村道路提档升级！",
           "01:41", "山海镇举办首届油菜花节", "01:39", "北岭县新建便民服务中心投入使用"]
    assert clean("\n".join(["青禾县新建村史馆", P1, P2, P3, *box])) == ["青禾县新建村史馆", P1, P2, P3]


P4 = "村民代表说,有了这条路,山里的茶叶和板栗半天就能运到县城,一年能多卖两三万元。"


@pytest.mark.parametrize(
    "marker,resumes",
    [("相关报道：", True), ("延伸阅读", True), ("网友评论", False), ("我要评论", False)],
)
def test_clean_related_box_inside_plain_text(marker, resumes):
    # a related-articles box between paragraphs: only the box goes; below a comments marker all goes
    box = [marker, "北岭县新建便民服务中心投入使用　群众办事不出村", "东湖区开展消防安全大检查"]
    got = clean("\n".join(["青禾县新建村史馆", P1, *box, P2, P3, P4]))
    assert got == (["青禾县新建村史馆", P1, P2, P3, P4] if resumes else ["青禾县新建村史馆", P1])


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


HTML_PAGE = f"""<html><head><title>青禾县新建村史馆_青禾新闻网</title></head><body>
<div class="top"><a href="/">首页</a><a href="/a">要闻</a><a href="/b">乡村</a><a href="/c">视频</a></div>
<div class="marquee"><a href="/x1">南岭市春季招聘会下周开幕</a> <a href="/x2">山海镇举办首届油菜花节</a></div>
<h1>青禾县新建村史馆</h1><h2>馆内陈列老物件300余件</h2>
<div class="share"><a href="#">分享到微博</a></div>
<p><img src="a.jpg"></p><p>村史馆外景。</p>
<p>{P1}</p><p>{P2}</p>
<p>相关新闻：</p><ul><li><a href="/r1">北岭县新建便民服务中心投入使用</a></li><li><a href="/r2">东湖区开展消防安全大检查</a></li></ul>
<p>{P3}</p>
<aside><p>热门排行</p><p>本周最受关注的十篇报道，都在这里，欢迎阅读和转发，也欢迎留言。</p></aside>
<div class="hot"><p>即时新闻</p><a href="/h1">高速公路收费新规下月实施</a><br><a href="/h2">南岭晚报记者获新闻奖</a></div>
<footer><p>联系我们</p><p>青禾新闻网 主办</p></footer></body></html>"""


@pytest.mark.parametrize(
    "line,why",
    [
        ("首页要闻乡村视频", "signal: link text"),
        ("分享到微博", "signal: link text"),
        ("村史馆外景。", "signal: caption under an image"),
        ("相关新闻：", "rule end.related"),
        ("北岭县新建便民服务中心投入使用", "signal: link text"),
        ("本周最受关注的十篇报道，都在这里，欢迎阅读和转发，也欢迎留言。", "signal: inside <aside>"),
        ("即时新闻", "shape: run of short lines"),
        ("青禾新闻网 主办", "signal: inside <footer>"),
    ],
)
def test_clean_html_signals_drop_page_furniture(line, why):
    kept, dropped = strip_lines_report(markup_to_lines(HTML_PAGE, "html"), RULES)
    assert kept.splitlines() == ["青禾县新建村史馆", "馆内陈列老物件300余件", P1, P2, P3]
    reasons = {d.line: d.why for d in dropped}
    assert reasons[line].startswith(why)


def test_clean_markdown_related_links_inside_the_article():
    # a box of related links in the middle of a post: the box goes, the article goes on below it
    md = f"# 青禾县新建村史馆\n\n{P1}\n\n相关报道：\n [北岭县新建便民服务中心](https://example.org/1)\n [东湖区开展消防安全大检查](https://example.org/2)\n\n{P2}\n\n{P3}\n"
    kept, dropped = strip_lines_report(markup_to_lines(md, "md"), RULES)
    assert kept.splitlines() == ["青禾县新建村史馆", P1, P2, P3]
    assert [d.why for d in dropped] == ["rule end.related", "signal: link text 100% of the line", "signal: link text 100% of the line"]


@pytest.mark.parametrize(
    "page",
    [
        # an <a> that is never closed makes the whole article link text
        f'<p><a href="/">首页</a> <a href="/a">要闻</a></p><h1>青禾县新建村史馆</h1><p><a href="/x">{P1}</p><p>{P2}</p><p>{P3}</p>',
        # a site that wraps its article in <aside>
        f"<h1>青禾县新建村史馆</h1><aside><p>{P1}</p><p>{P2}</p><p>{P3}</p></aside>",
    ],
)
def test_clean_signals_that_would_take_the_article_are_not_trusted(page):
    kept, _ = strip_lines_report(markup_to_lines(page, "html"), RULES)
    assert kept.splitlines()[-3:] == [P1, P2, P3]


def test_clean_plain_lines_have_no_signals():
    # the same line goes as link text and stays as plain text
    assert strip_lines_report([Line(P1), Line("乡村家园", link_chars=4)], RULES)[0] == f"{P1}\n"
    assert strip_lines_report([Line(P1), Line("乡村家园")], RULES)[0] == f"{P1}\n乡村家园\n"


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


BIO = "【林一・山边杂记】前报馆编辑，写作二十余年，著有散文集三本，现居青禾。"


@pytest.mark.parametrize(
    "tail,box",
    [
        # an author box under the article: an avatar, the "label | name" line, the profile
        (f"![博客 | 林一](https://img.example.org/a.png)\n\n**博客 | 林一**\n\n{BIO}\n", ["博客 | 林一", BIO]),
        # a profile of two lines, and an English label
        (f"**Blogger | Lin Yi**\n\n{BIO}\n\n欢迎来信交流。\n", ["Blogger | Lin Yi", BIO, "欢迎来信交流。"]),
        # the name line alone, its profile dropped by a rule
        ("**主笔 | 林一**\n\n作者为青禾大学讲师\n", ["主笔 | 林一", "作者为青禾大学讲师"]),
    ],
)
def test_clean_author_box_at_the_end_goes(tail, box):
    md = f"# 青禾县新建村史馆\n\n{P1}\n\n{P2}\n\n{P3}\n\n{tail}"
    kept, dropped = strip_lines_report(markup_to_lines(md, "md"), RULES)
    assert kept.splitlines() == ["青禾县新建村史馆", P1, P2, P3]
    assert [d.line for d in dropped] == box


@pytest.mark.parametrize(
    "tail",
    [
        # a "label | name" line followed by more than a profile is article text
        f"**下篇 | 村史馆的未来**\n\n{P1}\n\n{P2}\n\n{P3}\n\n{P1}\n",
        # a profile longer than a bio is the article's closing text
        f"**附录 | 访谈**\n\n{(P1 + P2 + P3) * 4}\n",
    ],
)
def test_clean_author_box_shape_keeps_article_text(tail):
    md = f"# 青禾县新建村史馆\n\n{P1}\n\n{P2}\n\n{P3}\n\n{tail}"
    kept, _ = strip_lines_report(markup_to_lines(md, "md"), RULES)
    assert tail.splitlines()[0].strip("*") in kept.splitlines()


def test_clean_markdown_related_links_then_a_heading():
    # a box of related links, a photo, then a heading of the article's next section: the article goes on
    md = (f"# 青禾县新建村史馆\n\n{P1}\n\n**相关报道：**\n\n[北岭县新建便民服务中心](https://example.org/1)\n\n"
          f"![](https://img.example.org/b.jpg)\n\n### 村民怎么看\n\n{P2}\n\n{P3}\n")
    kept, dropped = strip_lines_report(markup_to_lines(md, "md"), RULES)
    assert kept.splitlines() == ["青禾县新建村史馆", P1, "村民怎么看", P2, P3]
    assert [d.why for d in dropped] == ["rule end.related", "signal: link text 100% of the line"]


@pytest.mark.parametrize(
    "line,dropped",
    [
        ("【撰文：林小禾】", True),
        ("本文原载于笔者的网志", True),
        ("电台女记者遭围堵受伤送院", False),  # a headline about a reporter is no byline
        ("大使撰文回应外媒报道", False),
    ],
)
def test_clean_bylines_and_reprint_notes(line, dropped):
    md = f"# 青禾县新建村史馆\n\n{line}\n\n{P1}\n\n{P2}\n\n{P3}\n"
    kept, _ = strip_lines_report(markup_to_lines(md, "md"), RULES)
    assert (line not in kept.splitlines()) == dropped


def test_clean_markdown_poem_above_the_running_text_is_kept():
    # a poem opens a post: short plain lines (no links, nothing dropped among them) between text lines
    poem = ["老屋门前那一棵老槐树下", "山路弯弯", "雨后初晴", "风吹过", "麦浪起伏", "溪水东流", "孩子们奔跑在田埂上的笑声"]
    md = "# 回乡偶记\n\n" + "\n\n".join(poem) + f"\n\n{P1}\n\n{P2}\n\n{P3}\n"
    kept, _ = strip_lines_report(markup_to_lines(md, "md"), RULES)
    assert kept.splitlines() == ["回乡偶记", *poem, P1, P2, P3]


@pytest.mark.parametrize(
    "md,expected",
    [
        # a story's heading, then its first paragraph opening with the same words in bold: both stay
        (f"# 今日要闻\n\n{P1}\n\n### 北岭县村道全线贯通\n\n<p><strong>北岭县村道全线贯通</strong></p>\n\n{P2}\n",
         ["今日要闻", P1, "北岭县村道全线贯通", "北岭县村道全线贯通", P2]),
        # the same paragraph twice in a row is one
        (f"# 青禾县新建村史馆\n\n{P1}\n\n{P1}\n\n{P2}\n", ["青禾县新建村史馆", P1, P2]),
    ],
)
def test_clean_repeated_line_unless_one_is_a_heading(md, expected):
    kept, _ = strip_lines_report(markup_to_lines(md, "md"), RULES)
    assert kept.splitlines() == expected


def test_clean_empty_story_heading_in_a_page_of_stories_stays():
    # a programme page of stories, each a heading, its text and a "read more" link; the last
    # stories have lost their text: a heading with one link under it and a heading after it stays
    md = (f"# 今日要闻\n\n### 青禾县新建村史馆\n\n{P1}\n\n[查看原文](https://example.org/1)\n\n"
          f"### 北岭县村道全线贯通 沿线村民出行更方便\n\n[查看原文](https://example.org/2)\n\n### 本周其他地方新闻一览\n\n"
          f"[北岭县新建便民服务中心投入使用](https://example.org/4)\n\n[东湖区开展消防安全大检查](https://example.org/5)\n")
    kept, _ = strip_lines_report(markup_to_lines(md, "md"), RULES)
    assert "北岭县村道全线贯通 沿线村民出行更方便" in kept.splitlines()
    assert "本周其他地方新闻一览" not in kept.splitlines()  # a heading over a list of links is a sidebar's


@pytest.mark.parametrize(
    "line",
    ["分享到：", "责任编辑：王小明", "本报记者 李明 报道", "全县共建成村级活动场所86个。", "版权所有 © 某某网", "", "  ", "返回顶部"],
)
@pytest.mark.parametrize("position", ["any", "top", "bottom", "tail"])
def test_clean_line_rules_gate_same_as_every_rule(line, position):
    """A line holding no character any rule of a position needs is not searched: the rule found is
    the one a search of every rule of that position finds."""
    from pipeline.text.clean import _compile, _match_id, _view

    compiled = _compile(load_rules())
    view = _view(line)
    every = next(
        (r.id for r in compiled.lines if r.position == position and (r.max_length is None or len(view) <= r.max_length)
         and r.pattern.compiled.search(view)),
        None,
    )
    assert _match_id(compiled, view, (position,)) == every


def test_clean_spam_keywords_are_written_the_same_twice():
    """spam.keywords writes its keyword list twice (the match and the lookbehind that checks the
    line before it, see its note): a keyword added to one copy only would match in part of the lines."""
    rules = load_rules()
    rule = next(r for r in rules.section("boilerplate") if r.id == "spam.keywords")
    first = rule.get("pattern").split("|(?:尽在")[0]
    words, rest = first[len("(?:") :].split(")(?<=^[^。！？]*(?:", 1)
    assert rest == words + "))(?=[^。！？]*$)"
    assert match_line("久久视频,国产精品在线", rules) == "spam.keywords"
    assert match_line("报道如下。国产精品在线", rules) is None  # a 。 before the keyword: a sentence
