"""Markup is not text: turn a Markdown or HTML article into plain text, one paragraph per line.

Besides the text, the markup says things about a line that the text alone cannot: how much of it
is link text, whether it sits in page furniture (`nav`, `aside`, `footer`, a figure), whether it is
a heading or a caption under an image. `markup_to_lines` keeps these signals beside each line for
the boilerplate classifier (`pipeline/text/clean.py`); `markup_to_text` is the text alone.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
import re

from ..prefilter import Needs, compiled_needs, holds


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an article's text and what its markup said about it (all zero for plain text)."""

    text: str
    #: characters of the line (spaces not counted) that were link text
    link_chars: int = 0
    #: the page-furniture element the line sits in ("nav", "aside", "footer", "figure"), or ""
    chrome: str = ""
    #: the line is a heading (h1-h6, a Markdown heading)
    heading: bool = False
    #: the line is the short text right after an image (its caption)
    after_image: bool = False
    #: the line is a table row (cells separated by a tab)
    table: bool = False


#: Private-use markers carried through the Markdown substitutions: link text, table cell edges.
_LINK_OPEN, _LINK_CLOSE, _CELL = "\x02", "\x03", "\x1f"
_MARKERS = re.compile("[\x02\x03\x1f]")

#: YAML front matter: a `---` line first, `key: value` lines, a closing `---` line.
_FRONT_MATTER = re.compile(r"\A\ufeff?(?:[ \t]*\n)*[ \t]*---[ \t]*\n(?:.*\n)*?[ \t]*(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_FRONT_KEY = re.compile(r"^[ \t]*[A-Za-z_][\w-]*[ \t]*:", re.M)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_BLOCK_TAGS = re.compile(r"<(figure|picture|video|audio|script|style|iframe|svg|noscript)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>.*?</figcaption\s*>", re.S | re.I)
_IMAGE = re.compile(r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\([^)\n]*\)")
_IMAGE_REF = re.compile(r"!\[[^\]\n]*\]\[[^\]\n]*\]")
_LINK = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\((?:[^()\n]|\([^()\n]*\))*\)")  # one level of [] in the text
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")  # an escaped \| stays inside its cell
_TABLE_DELIMITER = re.compile(r"^:?-+:?$")
_LINK_REF = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_LINK_DEF = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.S)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.M)
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$", re.M)
_RULE = re.compile(r"^[ \t]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$", re.M)
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)
_BULLET = re.compile(r"^[ \t]*[*+-][ \t]+", re.M)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# Chinese has no word spaces, so emphasis may touch letters on both sides: 与*强调*和.
_EM_STAR = re.compile(r"(?<![*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?!\*)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE = re.compile(r"`([^`\n]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def has_front_matter(text: str) -> bool:
    """True when the text opens with a YAML front matter block (`---`, `key: value` lines, `---`).

    >>> has_front_matter("---\\ntitle: x\\n---\\nbody\\n"), has_front_matter("---\\n\\nbody")
    (True, False)
    """
    match = _FRONT_MATTER.match(text)
    return bool(match and _FRONT_KEY.search(match.group(0)))


def front_matter_end(text: str) -> int:
    """Where the text after a leading front matter block starts (0 when there is none).

    >>> front_matter_end("---\\ntitle: x\\n---\\nbody"), front_matter_end("body")
    (17, 0)
    """
    return _FRONT_MATTER.match(text).end() if has_front_matter(text) else 0


def strip_front_matter(text: str) -> str:
    """Remove a leading YAML front matter block, if there is one.

    >>> strip_front_matter("---\\ntitle: 标题\\ndate: 2018\\n---\\n# 标题\\n")
    '# 标题\\n'
    """
    if has_front_matter(text):
        return text[_FRONT_MATTER.match(text).end() :]
    return text


def _table_row(line: str) -> str:
    r"""A Markdown table row as its cells joined by a tab; a delimiter row (| --- | :-: |) as nothing.

    An empty cell inside the row stays (an empty string between two tabs), so the columns stay
    aligned; empty cells at the row's edges go, as a line has no leading or trailing space
    (ANNOTATION.md, "Clean text" 8): a title row whose only text is its first cell is a plain line.

    >>> _table_row("| 九龙 | 1,200人 |"), _table_row("| --- | :---: |"), _table_row("|-|:-|"), _table_row("甲|乙")
    ('九龙\t1,200人', '', '', '甲|乙')
    >>> _table_row(r"| A \| B | 3个 |"), _table_row("| 全职<br>人数 | 7<br/>700 |")
    ('A | B\t3个', '全职人数\t7 700')
    >>> _table_row("| 甲 |  | 3个 |"), _table_row("| | 满意 | 不满意 |"), _table_row("| **表一** |  |  |"), _table_row("| **** | 乙 |")
    ('甲\t\t3个', '满意\t不满意', '**表一**', '乙')
    """
    if not _TABLE_ROW.match(line):
        return line
    # a line break inside a cell: the row stays one line (ANNOTATION.md, "Clean text" 9)
    line = _CELL_BREAK.sub(_join_break, line)
    cells = [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(line.strip().strip("|"))]
    if all(_TABLE_DELIMITER.match(cell) for cell in cells if cell):
        return ""
    # a cell of emphasis marks only (**** from an empty <strong>) is empty
    cells = ["" if _EMPTY_EMPHASIS.fullmatch(cell) else cell for cell in cells]
    return "\t".join(cells).strip("\t")


_EMPTY_EMPHASIS = re.compile(r"(?:\*\*|__|~~)+")


def _join_table_rows(lines: list[str]) -> list[str]:
    r"""Rows of a Markdown table written over several lines (a scraper's hard line breaks inside a
    cell) joined into one row, the breaks kept as <br>: a line that opens a row (starts with |) but
    does not close it, the lines up to one that closes it (no blank line between), next to a table
    row or delimiter row.

    >>> _join_table_rows(["| 甲 | 乙 |", "| --- | --- |", "| 出席  ", " 7人 | 名单 |", "正文。"])
    ['| 甲 | 乙 |', '| --- | --- |', '| 出席<br>7人 | 名单 |', '正文。']
    >>> _join_table_rows(["| 不是表格", "的一行 |"])
    ['| 不是表格', '的一行 |']
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("|") and not _TABLE_ROW.match(line):
            j = i + 1
            while j < len(lines) and j - i <= _ROW_MAX_LINES and lines[j].strip() and not lines[j].lstrip().startswith("|"):
                if lines[j].rstrip().endswith("|"):
                    break
                j += 1
            closed = j < len(lines) and j - i <= _ROW_MAX_LINES and lines[j].strip() and not lines[j].lstrip().startswith("|")
            if closed:
                before = bool(out) and bool(_TABLE_ROW.match(out[-1]))
                after = j + 1 < len(lines) and lines[j + 1].lstrip().startswith("|")
                if before or after:
                    out.append("<br>".join(part.strip() for part in lines[i : j + 1]))
                    i = j + 1
                    continue
        out.append(line)
        i += 1
    return out


#: A table row written over more lines than this is no row.
_ROW_MAX_LINES = 60


_CELL_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.I)


def _close_strong(lines) -> list[str]:
    r"""Bold text cut by a hard line break (a scraper's "**甲   \n**" or "**甲   \n** 乙"): the line that
    opens ** without closing it gets the closing ** the next line starts with.

    >>> _close_strong(["**相关报道：   ", "**", "正文"]), _close_strong(["**甲／6.1游行   ", "** *罪名*"])
    (['**相关报道：**', '', '正文'], ['**甲／6.1游行**', ' *罪名*'])
    >>> _close_strong(["**", "加粗一段**"])
    ['**', '加粗一段**']
    """
    out: list[str] = []
    for line in lines:
        stripped = line.lstrip(" \t")
        mark = stripped[:2]
        if out and mark in ("**", "__") and (stripped == mark or stripped[2:3] in (" ", "\t")) \
                and out[-1].count(mark) % 2 == 1:
            out[-1] = out[-1].rstrip(" \t") + mark
            line = stripped[2:]
        out.append(line)
    return out


def _join_break(match: re.Match[str]) -> str:
    """What a line break inside a cell becomes: nothing between Han characters, else a space."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return "" if _is_wide(before) and _is_wide(after) else " "


def _is_wide(char: str) -> bool:
    return bool(char) and ord(char) > 0x2E7F


def _markers_to_lines(text: str, heading_marker: str = "\x04") -> list[Line]:
    """Lines of marked-up plain text: link markers counted and removed, cell markers made tabs."""
    out: list[Line] = []
    for raw in text.split("\n"):
        heading = raw.lstrip(" \t").startswith(heading_marker)
        raw = raw.replace(heading_marker, "")
        table = _CELL in raw
        if table:
            # empty cells inside the row stay (the columns stay aligned), those at its edges go
            cells = [_HTML_SPACE.sub(" ", c).strip() for c in raw.split(_CELL)]
            cells = [c if _MARKERS.sub("", c).strip() else "" for c in cells]
            raw = "\t".join(cells).strip("\t")
        link_chars = 0
        if _LINK_OPEN in raw:
            inside = False
            for char in raw:
                if char == _LINK_OPEN:
                    inside = True
                elif char == _LINK_CLOSE:
                    inside = False
                elif inside and not char.isspace():
                    link_chars += 1
        text_line = _MARKERS.sub("", raw)
        if not text_line.strip():
            continue
        out.append(Line(text_line, link_chars=link_chars, heading=heading, table=table and "\t" in text_line))
    return out


@cache
def _needs(pattern: re.Pattern[str]) -> Needs:
    return compiled_needs(pattern)


def _sub(pattern: re.Pattern[str], repl, text: str) -> str:  # noqa: ANN001 - a string or a function, as re's
    """`pattern.sub(repl, text)`, not run over a text without the characters the pattern needs."""
    needs = _needs(pattern)
    return pattern.sub(repl, text) if not needs or holds(needs, text) else text


def markdown_to_lines(text: str) -> list[Line]:
    """The lines of a Markdown article (see markdown_to_text), each with its link characters and heading mark."""
    text = strip_front_matter(text)
    text = _sub(_SHORTCODE, "\n", text)
    text = _sub(_BLOCK_TAGS, "\n", text)
    text = _sub(_FIGCAPTION, "\n", text)
    text = _sub(_IMG_TAG, "", text)
    text = _sub(_IMAGE, "", text)
    text = _sub(_IMAGE_REF, "", text)
    # table rows first: a <br> inside a cell must not break the row
    text = "\n".join(_table_row(line).replace("\t", _CELL) for line in _join_table_rows(text.split("\n")))
    text = _sub(_LINK_DEF, "", text)
    text = _sub(_LINK, _LINK_OPEN + r"\1" + _LINK_CLOSE, text)
    text = _sub(_LINK_REF, _LINK_OPEN + r"\1" + _LINK_CLOSE, text)
    text = _sub(_AUTOLINK, _LINK_OPEN + r"\1" + _LINK_CLOSE, text)
    text = _sub(_HTML_LINK, _LINK_OPEN + r"\1" + _LINK_CLOSE, text)
    # HTML inside Markdown: a block element's edge is a line break, a table cell's a cell edge
    text = _sub(_HTML_CELL, _CELL, text)
    text = _sub(_HTML_BLOCK, "\n", text)
    text = _sub(_TAG, "", text)
    text = _sub(_HEADING, "\x04" + r"\1", text)
    text = _sub(_RULE, "", text)
    text = _sub(_SETEXT, "", text)
    text = _sub(_QUOTE, "", text)
    text = _sub(_BULLET, "", text)
    text = "\n".join(_close_strong(line for line in text.split("\n") if not _FENCE.match(line)))
    text = _sub(_STRONG, r"\2", text)
    text = _sub(_STRIKE, r"\1", text)
    text = _sub(_EM_STAR, r"\1", text)
    text = _sub(_CODE, r"\1", text)
    text = _sub(_ESCAPE, r"\1", text)
    return _markers_to_lines(_html.unescape(text))


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown article: no front matter, images, figures, tags, heading or emphasis marks.

    >>> markdown_to_text("## 财政状况\\n\\n**收入：** 见[研究](http://x.org/a)。\\n![图](a.png)\\n")
    '财政状况\\n收入： 见研究。\\n'
    """
    return _join(markdown_to_lines(text))


def _join(lines: list[Line]) -> str:
    return "".join(line.text + "\n" for line in lines)


#: Hugo/Jekyll shortcodes ({{< video src="…" >}}, {% include … %}) are template calls, not text.
_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}|\{%.*?%\}", re.S)
_HTML_LINK = re.compile(r"<a\b[^>]*>(.*?)</a\s*>", re.S | re.I)
_HTML_CELL = re.compile(r"<t[dh]\b[^>]*>", re.I)
_HTML_BLOCK = re.compile(
    r"</?(?:p|div|br|li|ul|ol|dl|dt|dd|tr|table|thead|tbody|tfoot|h[1-6]|section|article|aside|header|footer|nav|"
    r"blockquote|pre|hr|main|figure|figcaption)\b[^>]*>",
    re.I,
)


class _VisibleText(HTMLParser):
    """Collects the text a browser shows, a line break at every block element's edges, and per piece of
    text the signals a reader sees: inside a link, inside page furniture, a heading, after an image."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # pieces: (text, in link, chrome element, heading, after image); "\n" and _CELL are breaks
        self.pieces: list[tuple[str, bool, str, bool, bool]] = []
        self._hidden = 0
        self._link = False
        self._chrome: dict[str, int] = {}
        self._heading = 0
        self._image = False  # an image came last, with no text after it yet
        self._cell = 0
        # per open table: columns still covered by a cell of a row above (rowspan), and the column
        # the current row has reached
        self._tables: list[dict[str, object]] = []
        self._span_left = 0

    def _break(self, mark: str = "\n") -> None:
        self.pieces.append((mark, False, "", False, False))

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
            return
        if tag == "a":
            self._link = True  # links do not nest: a new <a> closes the last one
        elif tag in _CHROME_TAGS:
            self._chrome[tag] = self._chrome.get(tag, 0) + 1
        elif tag in _HEADING_TAGS:
            self._heading += 1
        elif tag == "img":
            # a linked image is a button, an icon or a banner; a photo's caption follows a bare one
            self._image = not self._link
        if tag == "table":
            self._tables.append({"covered": {}, "column": 0})
        elif tag == "tr" and self._tables:
            self._end_row()
        if tag in ("td", "th"):
            self._cell += 1
            self._open_cell(attrs)
        elif tag in _BLOCK_TAGS_HTML:
            self._break()

    def _open_cell(self, attrs) -> None:
        """Start a cell: empty cells first for the columns a cell above still covers (rowspan),
        and empty cells after it for the columns it spans (colspan), so the columns stay aligned."""
        span = dict(attrs)
        colspan, rowspan = _span(span.get("colspan")), _span(span.get("rowspan"))
        if self._tables:
            table = self._tables[-1]
            covered: dict[int, int] = table["covered"]  # type: ignore[assignment]
            column: int = table["column"]  # type: ignore[assignment]
            while covered.get(column, 0) > 0:
                covered[column] -= 1
                self._break(_CELL)
                self._break(_CELL_END)
                column += 1
            if rowspan > 1:
                for k in range(column, column + colspan):
                    covered[k] = rowspan - 1
            table["column"] = column + colspan
        self._flush_span()
        self._break(_CELL)
        self._span_left = colspan - 1

    def _flush_span(self) -> None:
        """The empty cells of the columns the last cell spans beyond its first (after its text)."""
        for _ in range(self._span_left):
            self._break(_CELL_SPAN)
        self._span_left = 0

    def _end_row(self) -> None:
        """A row ends: the columns still covered at its end are used up for it; the next row starts at 0."""
        self._flush_span()
        table = self._tables[-1]
        covered: dict[int, int] = table["covered"]  # type: ignore[assignment]
        if table["column"]:
            for k in list(covered):
                if k >= table["column"] and covered[k] > 0:  # type: ignore[operator]
                    covered[k] -= 1
        table["column"] = 0

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "img":
            self._image = not self._link
        elif tag in _BLOCK_TAGS_HTML:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
            return
        if tag == "a":
            self._link = False
        elif tag in _CHROME_TAGS:
            self._chrome[tag] = max(0, self._chrome.get(tag, 0) - 1)
        elif tag in _HEADING_TAGS:
            self._heading = max(0, self._heading - 1)
        if tag == "table" and self._tables:
            self._tables.pop()
        elif tag == "tr" and self._tables:
            self._end_row()
        if tag in ("td", "th"):
            self._cell = max(0, self._cell - 1)
            self._break(_CELL_END)
            self._flush_span()
        elif tag in _BLOCK_TAGS_HTML:
            self._break()

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if "\n" in data:
            # a scraper copies the page's own line breaks too
            for number, part in enumerate(data.split("\n")):
                if number:
                    self._break()
                if part:
                    self.handle_data(part)
            return
        chrome = next((tag for tag, depth in self._chrome.items() if depth > 0), "")
        if chrome in ("figure", "figcaption") and self._cell:
            chrome = ""  # a table in a figure is the article's table
        after_image = self._image
        if data.strip():
            self._image = False
        self.pieces.append((data, self._link, chrome, self._heading > 0, after_image))

    def lines(self) -> list[Line]:
        """The collected text, one Line per visible line, with its signals."""
        out: list[Line] = []
        # cells of the current line; text outside any cell (between </td> and <td>) is a cell of
        # its own only when it shows something
        row: list[list[tuple[str, bool, str, bool, bool]]] = [[]]
        outside: list[bool] = [True]
        for piece in self.pieces + [("\n", False, "", False, False)]:
            text = piece[0]
            if text in (_CELL, _CELL_SPAN, _CELL_END):
                row.append([])
                outside.append(text == _CELL_END)
            elif text == "\n":
                line = self._make_line([c for c, out_ in zip(row, outside) if not out_ or any(p[0].strip() for p in c)])
                if line is not None:
                    out.append(line)
                row, outside = [[]], [True]
            else:
                row[-1].append(piece)
        return out

    @staticmethod
    def _make_line(row: list[list[tuple[str, bool, str, bool, bool]]]) -> Line | None:
        cells = [_HTML_SPACE.sub(" ", "".join(p[0] for p in cell)).strip() for cell in row]
        # empty cells inside a row stay (the columns stay aligned), those at its edges go
        text = "\t".join(cells).strip("\t")
        if not text:
            return None
        pieces = [p for cell in row for p in cell if p[0].strip()]
        visible = sum(len(p[0]) - sum(ch.isspace() for ch in p[0]) for p in pieces) or 1
        link = sum(len(p[0]) - sum(ch.isspace() for ch in p[0]) for p in pieces if p[1])
        chrome_chars: dict[str, int] = {}
        for p in pieces:
            if p[2]:
                chrome_chars[p[2]] = chrome_chars.get(p[2], 0) + len(p[0].strip())
        chrome = max(chrome_chars, key=chrome_chars.get) if chrome_chars else ""
        if chrome and 2 * chrome_chars[chrome] < visible:
            chrome = ""
        return Line(
            text,
            link_chars=link,
            chrome=chrome,
            heading=bool(pieces) and all(p[3] for p in pieces),
            after_image=bool(pieces) and pieces[0][4],
            table="\t" in text,
        )


def html_to_lines(raw: str) -> list[Line]:
    """The visible lines of an HTML page (see html_to_text), each with the signals its markup gives."""
    parser = _VisibleText()
    # a static-site generator's front matter before <html>, and server code left in the page
    # (<?php … ?>, whose "->" would end the processing instruction early) are not shown either
    parser.feed(_SERVER_CODE.sub("", strip_front_matter(raw)))
    parser.close()
    return parser.lines()


def html_to_text(raw: str) -> str:
    r"""The visible text of an HTML page, one block a line, as a scraper copies a whole page.

    Navigation, footers and the rest are left to the boilerplate stage (`pipeline/text/clean.py`),
    which reads the lines with the signals `html_to_lines` keeps (link text, page furniture).

    >>> html_to_text("<html><head><title>标题</title><script>x=1</script></head>"
    ...              "<body><nav>首页 | 新闻</nav><p>第一段<b>加粗</b>。</p><p>第二段。</p>"
    ...              "<table><tr><td>地区</td><td> 人数 </td></tr><tr><td>甲</td><td>12</td></tr></table></body></html>")
    '标题\n首页 | 新闻\n第一段加粗。\n第二段。\n地区\t人数\n甲\t12\n'
    """
    return _join(html_to_lines(raw))


#: Breaks of the HTML parser's pieces: a cell's end, and a column a cell spans beyond its first.
_CELL_END, _CELL_SPAN = "\x1e", "\x1d"


def _span(value: str | None) -> int:
    """A colspan or rowspan attribute as a number of columns or rows (1 when absent or odd; at most 50)."""
    try:
        return max(1, min(50, int((value or "1").strip())))
    except ValueError:
        return 1


#: Elements whose content a browser does not show as text (the title is shown: in the tab).
_HIDDEN_TAGS = frozenset("script style noscript template svg canvas iframe object select".split())
#: Page furniture: what sits inside these is not the article (a dropdown's options are hidden above).
_CHROME_TAGS = frozenset("nav aside footer figure figcaption".split())
_HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
#: Elements that start a new line of text.
_BLOCK_TAGS_HTML = frozenset(
    "address article aside blockquote body br dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead "
    "tfoot tr ul title".split()
)
_SERVER_CODE = re.compile(r"<\?[\s\S]*?\?>")
_HTML_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def markup_to_lines(raw: str, fmt: str) -> list[Line]:
    """The lines of an article of format "txt", "md" or "html", with what the markup says about each."""
    if fmt == "html":
        return html_to_lines(raw)
    if fmt == "md" or (fmt == "txt" and has_front_matter(raw)):
        # Scraped Markdown is often saved as .txt; its front matter gives it away.
        return markdown_to_lines(raw)
    if fmt == "txt":
        return [Line(line) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    raise ValueError(f"unknown article format {fmt!r} (expected 'txt', 'md' or 'html')")


def markup_to_text(raw: str, fmt: str) -> str:
    """Remove the markup of an article of format "txt" (unchanged, unless it is Markdown with front matter), "md" or "html"."""
    if fmt == "txt" and not has_front_matter(raw):
        return raw
    return _join(markup_to_lines(raw, fmt))
