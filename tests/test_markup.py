"""markup_to_text: Markdown and HTML markup removed, words kept, plain text untouched."""

from __future__ import annotations

import pytest

from pipeline.text.markup import Line, markup_to_lines, markup_to_text

FRONT = '---\ntitle: "青禾县新建村史馆"\ndate: "2021-06-30"\ntags:\n  - "乡村"\n---\n'


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize(
    "raw,expected",
    [
        (FRONT + "# 青禾县新建村史馆\n\n正文第一段。\n", ["青禾县新建村史馆", "正文第一段。"]),
        ("## 水务概况：\n\n**用水总量：** 大致持平。\n", ["水务概况：", "用水总量： 大致持平。"]),
        ("[县志办研究](https://example.org/a(1)) 指出，过去10年增长。\n", ["县志办研究 指出，过去10年增长。"]),
        ("甲段。\n\n![村史馆外景](https://img.example.org/a.jpg)\n\n乙段。\n", ["甲段。", "乙段。"]),
        (
            '甲段。\n\n<figure>\n<img src="https://img.example.org/b.jpg">\n<figcaption>图表来源：县统计局</figcaption>\n</figure>\n\n乙段。\n',
            ["甲段。", "乙段。"],
        ),
        ("*强调*与__加粗__和~~删除~~，`代码`。\n", ["强调与加粗和删除，代码。"]),
        ("正文<br/>续行<span>字</span>。\n", ["正文", "续行字。"]),
        # HTML paragraphs inside Markdown are lines; Hugo shortcodes are not text
        ("<p><strong>本台消息</strong>：甲村通水。</p><p>乙村通电。</p>\n{{< video src=\"https://v.example.org/1\" >}}\n", ["本台消息：甲村通水。", "乙村通电。"]),
        ("---\n\n请订阅本网。\n", ["请订阅本网。"]),
        ("> 引文一句。\n\n- 列表项一\n", ["引文一句。", "列表项一"]),
        # tables: a row becomes its cells, the delimiter row goes
        ("车长分布\n| | 全职 | 兼职 |\n| --- | :---: | ---: |\n| 甲公司 | 7,700（87%） | 1,100（13%） |\n", ["车长分布", "全职\t兼职", "甲公司\t7,700（87%）\t1,100（13%）"]),
        ("| 区域<br>名称 | 人数 |\n|---|---|\n| 北区 | 1,200<br/>人 |\n", ["区域名称\t人数", "北区\t1,200 人"]),
        # brackets inside link text: footnote markers and case citations
        ("法律不得抵触。 [[1]](https://example.org/note(1)) 续。\n", ["法律不得抵触。 [1] 续。"]),
        ("见[甲诉乙 [1999] 终审10](https://example.org/c?q=(x)%20y)一案。\n", ["见甲诉乙 [1999] 终审10一案。"]),
        ("甲段。\n\n![图 [1] 外景](https://img.example.org/c.jpg)\n\n乙段。\n", ["甲段。", "乙段。"]),
    ],
)
def test_markup_markdown(raw, expected):
    assert lines(markup_to_text(raw, "md")) == expected


@pytest.mark.parametrize("raw", ["我是*县委书记。\n", "# 不是标题\n**不变**\n", "---\n正文。\n", ""])
def test_markup_txt_unchanged(raw):
    assert markup_to_text(raw, "txt") == raw


def test_markup_txt_with_front_matter_is_markdown():
    assert lines(markup_to_text(FRONT + "# 标题\n\n正文。\n", "txt")) == ["标题", "正文。"]


def test_markup_unknown_format():
    with pytest.raises(ValueError, match="unknown article format"):
        markup_to_text("x", "pdf")


HTML = """<html><head><title>青禾县新建村史馆 - 青禾新闻网</title></head><body>
<nav><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/about">关于我们</a></nav>
<article><h1>青禾县新建村史馆</h1>
<p>本网讯 近日，青禾县新建的村史馆正式对外开放，馆内陈列老物件300余件，记录了全村70年来的发展变化。</p>
<p>据介绍，村史馆由村集体出资建设，总投资56万元，建筑面积420平方米，分为四个展区，免费向群众开放。</p>
<p>开馆当天，前来参观的村民和游客络绎不绝，大家纷纷表示，村史馆让人记住了乡愁，也看到了乡村振兴的希望。</p>
</article><footer>Copyright © 2023 青禾新闻网 版权所有</footer></body></html>"""


def test_markup_html_visible_text_then_line_rules(rules):
    from pipeline.text.clean import strip_boilerplate

    text = markup_to_text(HTML, "html")
    got = lines(text)
    # every visible block is a line, nothing hidden or marked up
    assert got[0] == "青禾县新建村史馆 - 青禾新闻网"
    assert "首页 | 新闻 | 关于我们" in got
    assert all("<" not in line for line in got)
    # the line rules then leave the article
    kept = lines(strip_boilerplate(text, rules))
    assert kept[0] == "青禾县新建村史馆"
    assert any("总投资56万元" in line for line in kept)
    assert not any("关于我们" in line or "版权所有" in line for line in kept)


def test_markup_html_hidden_and_inline_elements():
    raw = (
        "<div>上一段<script>var a = '<p>不显示</p>';</script><style>p{}</style></div>"
        "<p>全县<a href='/x'>新建</a><span>驿站</span>12个。<br>第二行</p><noscript>请启用脚本</noscript>"
    )
    assert lines(markup_to_text(raw, "html")) == ["上一段", "全县新建驿站12个。", "第二行"]


def test_markup_html_front_matter_and_server_code_are_not_text():
    raw = "\n---\ntitle: '青禾县要闻'\nauthor: 编辑部\n---\n<html><body><?php echo $this->theme->baseUrl . '/img/'; ?><p>正文一段。</p></body></html>"
    assert lines(markup_to_text(raw, "html")) == ["正文一段。"]

@pytest.mark.parametrize(
    "raw,fmt,expected",
    [
        # link text is counted, spaces not
        ('<p>全县<a href="/x">新建 驿站</a>12个。</p>', "html", [Line("全县新建 驿站12个。", link_chars=4)]),
        ("见[县志办 研究](https://example.org/a)。\n", "md", [Line("见县志办 研究。", link_chars=5)]),
        # page furniture, headings, a caption under a bare image (not under a linked icon)
        ("<nav><p>首页 新闻</p></nav><h1>标题</h1>", "html", [Line("首页 新闻", chrome="nav"), Line("标题", heading=True)]),
        ('<p><img src="a.jpg"></p><p>村口新景。</p><p><a href="/"><img src="i.png"></a></p><p>正文。</p>', "html",
         [Line("村口新景。", after_image=True), Line("正文。")]),
        ("## 小标题\n\n正文。\n", "md", [Line("小标题", heading=True), Line("正文。")]),
        # a dropdown's options are not text; a table is one row a line, cells split by a tab
        ("<select><option>甲栏目</option></select><p>正文。</p>", "html", [Line("正文。")]),
        ("<table><tr><th>地区</th><th>人数</th></tr><tr><td> 北区 </td><td></td><td>1,200</td></tr></table>", "html",
         [Line("地区\t人数", table=True), Line("北区\t\t1,200", table=True)]),
        ("| 地区 | 人数 |\n| --- | --- |\n| 北区 | 1,200 |\n", "md", [Line("地区\t人数", table=True), Line("北区\t1,200", table=True)]),
    ],
)
def test_markup_lines_carry_signals(raw, fmt, expected):
    assert markup_to_lines(raw, fmt) == expected


@pytest.mark.parametrize(
    "raw,fmt,expected",
    [
        # an empty cell inside a row stays, so the columns stay aligned
        ("| 项目 | 上年 | 本年 |\n| --- | --- | --- |\n| 甲村 |  | 1,200 |\n", "md", ["项目\t上年\t本年", "甲村\t\t1,200"]),
        # empty cells at a row's edges go (no leading or trailing whitespace); a title row is a plain line
        ("| **乙镇用水统计** |  |  |\n| --- | --- | --- |\n| | 满意 | 不满意 |\n| 丙村 | 30% | 70% |\n", "md",
         ["乙镇用水统计", "满意\t不满意", "丙村\t30%\t70%"]),
        # an empty <strong> in a cell is an empty cell
        ("| **** | **上届** | **本届** |\n| --- | --- | --- |\n| 北区 | 12 | 15 |\n", "md", ["上届\t本届", "北区\t12\t15"]),
        # a row written over several lines (hard breaks inside a cell) is one row
        ("| 结果 | 名单 |\n| --- | --- |\n| 赞成   \n 20票 | 甲党、乙党 |\n| 反对   \n 9票 | 丙党 |\n\n正文。\n", "md",
         ["结果\t名单", "赞成 20票\t甲党、乙党", "反对 9票\t丙党", "正文。"]),
        # HTML: an empty td stays, colspan gives empty cells after the text, rowspan empty cells below it
        ("<table><tr><td colspan=3>表二 人口</td></tr><tr><td>甲</td><td></td><td>2</td></tr></table>", "html",
         ["表二 人口", "甲\t\t2"]),
        ("<table><tr><td>甲</td><td colspan=2>合计</td><td>乙</td></tr></table>", "html", ["甲\t合计\t\t乙"]),
        ("<table><tr><td>上半年</td><td rowspan=2>全年</td><td>5%</td></tr><tr><td>下半年</td><td>6%</td></tr></table>", "html",
         ["上半年\t全年\t5%", "下半年\t\t6%"]),
    ],
)
def test_markup_table_cells_stay_aligned(raw, fmt, expected):
    assert [line.text for line in markup_to_lines(raw, fmt)] == expected
