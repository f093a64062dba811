"""Markup is not text: turn a Markdown or HTML article into plain text, one paragraph per line."""

from __future__ import annotations

import html as _html
from html.parser import HTMLParser
import re

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


def strip_front_matter(text: str) -> str:
    """Remove a leading YAML front matter block, if there is one.

    >>> strip_front_matter("---\\ntitle: 标题\\ndate: 2018\\n---\\n# 标题\\n")
    '# 标题\\n'
    """
    if has_front_matter(text):
        return text[_FRONT_MATTER.match(text).end() :]
    return text


def _table_row(line: str) -> str:
    r"""A Markdown table row as its cells joined by a space; a delimiter row (| --- | :-: |) as nothing.

    >>> _table_row("| 九龙 | 1,200人 |"), _table_row("| --- | :---: |"), _table_row("|-|:-|"), _table_row("甲|乙")
    ('九龙 1,200人', '', '', '甲|乙')
    >>> _table_row(r"| A \| B | 3个 |")
    'A | B 3个'
    """
    if not _TABLE_ROW.match(line):
        return line
    cells = [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(line.strip().strip("|"))]
    if all(_TABLE_DELIMITER.match(cell) for cell in cells if cell):
        return ""
    return " ".join(cell for cell in cells if cell)


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown article: no front matter, images, figures, tags, heading or emphasis marks.

    >>> markdown_to_text("## 财政状况\\n\\n**收入：** 见[研究](http://x.org/a)。\\n![图](a.png)\\n")
    '财政状况\\n\\n收入： 见研究。\\n\\n'
    """
    text = strip_front_matter(text)
    text = _BLOCK_TAGS.sub("\n", text)
    text = _FIGCAPTION.sub("\n", text)
    text = _IMG_TAG.sub("", text)
    text = _IMAGE.sub("", text)
    text = _IMAGE_REF.sub("", text)
    text = _LINK_DEF.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _LINK_REF.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _HEADING.sub(r"\1", text)
    text = _RULE.sub("", text)
    text = _SETEXT.sub("", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub("", text)
    text = "\n".join(line for line in text.split("\n") if not _FENCE.match(line))
    text = "\n".join(_table_row(line) for line in text.split("\n"))
    text = _STRONG.sub(r"\2", text)
    text = _STRIKE.sub(r"\1", text)
    text = _EM_STAR.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    return _html.unescape(text)


class _VisibleText(HTMLParser):
    """Collects the text a browser shows, a line break at every block element's edges."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS_HTML:
            self.pieces.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS_HTML:
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS_HTML:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.pieces.append(data)


def html_to_text(raw: str) -> str:
    r"""The visible text of an HTML page, one block a line, as a scraper copies a whole page.

    Navigation, footers and the rest are left to the same line rules as scraped text
    (`pipeline/clean.py`), which find the article by its shape; on the development pages this
    beats a main-content extractor (trafilatura lost whole articles and kept comment threads).

    >>> html_to_text("<html><head><title>标题</title><script>x=1</script></head>"
    ...              "<body><nav>首页 | 新闻</nav><p>第一段<b>加粗</b>。</p><p>第二段。</p></body></html>")
    '标题\n首页 | 新闻\n第一段加粗。\n第二段。\n'
    """
    parser = _VisibleText()
    # a static-site generator's front matter before <html>, and server code left in the page
    # (<?php … ?>, whose "->" would end the processing instruction early) are not shown either
    parser.feed(_SERVER_CODE.sub("", strip_front_matter(raw)))
    parser.close()
    lines = [_HTML_SPACE.sub(" ", line).strip() for line in "".join(parser.pieces).split("\n")]
    lines = [line for line in lines if line]
    return "\n".join(lines) + ("\n" if lines else "")


#: Elements whose content a browser does not show as text (the title is shown: in the tab).
_HIDDEN_TAGS = frozenset("script style noscript template svg canvas iframe object".split())
#: Elements that start a new line of text.
_BLOCK_TAGS_HTML = frozenset(
    "address article aside blockquote body br dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead "
    "tfoot tr td th ul title".split()
)
_SERVER_CODE = re.compile(r"<\?[\s\S]*?\?>")
_HTML_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def markup_to_text(raw: str, fmt: str) -> str:
    """Remove the markup of an article of format "txt" (unchanged, unless it is Markdown with front matter), "md" or "html"."""
    if fmt == "html":
        return html_to_text(raw)
    if fmt == "md" or (fmt == "txt" and has_front_matter(raw)):
        # Scraped Markdown is often saved as .txt; its front matter gives it away.
        return markdown_to_text(raw)
    if fmt == "txt":
        return raw
    raise ValueError(f"unknown article format {fmt!r} (expected 'txt', 'md' or 'html')")
