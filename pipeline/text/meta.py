"""An article's metadata: title, date and url, and the rest of what its source says about it.

Three sources, one per kind of input: the YAML front matter of a Markdown (or text) file, the
`<title>`, `<meta>` and `<link rel="canonical">` of an HTML page, and the fields of a corpus row
(JSON Lines or CSV). The date found there is written `YYYY-MM-DD` when it parses, else kept as
given; an article without one has none (the dateline of the text is not read here).
"""

from __future__ import annotations

import email.utils
import html as _html
import json
import re
from datetime import date, datetime
from typing import Any

#: Keys (lower case) read as the title, the date and the url, in order of preference.
TITLE_KEYS = ("title", "headline", "og:title", "twitter:title", "dc.title", "dcterms.title")
DATE_KEYS = (
    "date", "published", "published_at", "publish_date", "publishdate", "pubdate", "date_published",
    "datepublished", "article:published_time", "og:published_time", "dc.date", "dcterms.date",
    "dc.date.issued", "dcterms.created", "created", "created_at", "datetime", "time",
)
URL_KEYS = ("url", "link", "href", "permalink", "og:url", "canonical", "source_url", "original_url")

#: HTML <meta> names that describe the page's rendering, not the article: not carried.
_TECHNICAL_META = frozenset(
    "viewport robots googlebot generator charset theme-color format-detection referrer "
    "content-type x-ua-compatible msapplication-tilecolor apple-mobile-web-app-capable renderer".split()
)

_FRONT = re.compile(r"\A\ufeff?(?:[ \t]*\n)*[ \t]*---[ \t]*\n((?:.*\n)*?)[ \t]*(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_KEY_LINE = re.compile(r"([A-Za-z_][\w.-]*)[ \t]*:(.*)")
_ITEM_LINE = re.compile(r"[ \t]+-(.*)|-[ \t](.*)")
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.I)
_TITLE_TAG = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_META_TAG = re.compile(r"<meta\b([^>]*)>", re.I)
_LINK_TAG = re.compile(r"<link\b([^>]*)>", re.I)
_TIME_TAG = re.compile(r"<time\b([^>]*)>", re.I)
_LD_JSON = re.compile(r"<script\b[^>]*type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script\s*>", re.I | re.S)
_ATTR = re.compile(r"""([A-Za-z_:][\w:.-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_SPACE = re.compile(r"\s+")


def _scalar(value: str) -> str:
    """A YAML scalar as written: quotes removed (a double-quoted string unescaped as JSON)."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return str(json.loads(value))
        except ValueError:
            return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def front_matter(text: str) -> dict[str, Any]:
    """The `key: value` pairs of a leading YAML front matter block (a list under a key as a list of strings).

    Only the flat subset that static-site generators and scrapers write is read: scalars, quoted
    strings and `- item` lists; nested maps are left out.

    >>> front_matter('---\\ntitle: "标题"\\ndate: 2018-02-10\\ntags:\\n  - "甲"\\n  - 乙\\n---\\n正文\\n')
    {'title': '标题', 'date': '2018-02-10', 'tags': ['甲', '乙']}
    >>> front_matter('---\\ntitle: "一个很长的\\n  标题"\\n---\\n')
    {'title': '一个很长的 标题'}
    >>> front_matter("正文\\n")
    {}
    """
    match = _FRONT.match(text)
    if not match:
        return {}
    data: dict[str, Any] = {}
    key = None
    lines = iter(match.group(1).split("\n"))
    for line in lines:
        found = _KEY_LINE.match(line)
        if found and found.group(2).strip(" \t")[:1] in ("'", '"'):
            # a quoted scalar folded over several lines: its lines joined by a space, as YAML reads it
            value = found.group(2).strip(" \t")
            while not (len(value) > 1 and value.endswith(value[0]) and not value.endswith("\\" + value[0])):
                more = next(lines, None)
                if more is None:
                    break
                value += " " + more.strip(" \t")
            key = found.group(1)
            data[key] = _scalar(value)
            continue
        if found:
            key, value = found.group(1), found.group(2).strip(" \t")
            data[key] = _scalar(value) if value else []
            continue
        item = _ITEM_LINE.match(line)
        if item and key is not None and isinstance(data.get(key), list):
            data[key].append(_scalar((item.group(1) if item.group(1) is not None else item.group(2)).strip(" \t")))
        elif line.strip() and key is not None and isinstance(data.get(key), list) and not data[key]:
            data[key] = None  # a nested map: not read
    return {k: v for k, v in data.items() if v is not None and v != []}


def _attrs(text: str) -> dict[str, str]:
    return {k.lower(): _html.unescape(v.strip("\"'")) for k, v in _ATTR.findall(text)}


def html_meta(raw: str) -> dict[str, Any]:
    """What the head of an HTML page says: `<meta name|property|itemprop=… content=…>`, the `<title>`,
    the canonical link; and the page's JSON-LD article (headline, datePublished, url) and a
    `<time datetime=…>` marked as the publication's (`pubdate`, `itemprop="datePublished"`).

    >>> html_meta('<html><head><title>甲 | 网站</title><meta property="og:title" content="甲">'
    ...           '<meta name="viewport" content="x"><link rel="canonical" href="http://x.org/1"></head></html>')
    {'og:title': '甲', 'title': '甲 | 网站', 'canonical': 'http://x.org/1'}
    """
    end = _HEAD_END.search(raw)
    head = raw[: end.end()] if end else raw[:65536]
    data: dict[str, Any] = {}
    for tag in _META_TAG.findall(head):
        attrs = _attrs(tag)
        name = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        content = attrs.get("content")
        if name and content and name not in _TECHNICAL_META and name not in data:
            data[name] = _SPACE.sub(" ", content).strip()
    title = _TITLE_TAG.search(head)
    if title:
        text = _SPACE.sub(" ", _html.unescape(re.sub(r"<[^>]*>", "", title.group(1)))).strip()
        if text:
            data.setdefault("title", text)
    for tag in _LINK_TAG.findall(head):
        attrs = _attrs(tag)
        if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
            data.setdefault("canonical", attrs["href"])
    for key, value in _linked_data(raw).items():
        data.setdefault(key, value)
    for time in _TIME_TAG.finditer(raw):
        attrs = _attrs(time.group(1))
        # only a time the page marks as the publication's (a sidebar's times are other articles')
        marked = re.search(r"\bpubdate\b", time.group(1), re.I) or attrs.get("itemprop", "").lower() == "datepublished"
        if attrs.get("datetime") and marked:
            data.setdefault("datetime", attrs["datetime"])
            break
    return data


def _linked_data(raw: str) -> dict[str, str]:
    """headline, datePublished and url of the first article object of the page's JSON-LD (schema.org).

    >>> _linked_data('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "甲", '
    ...              '"datePublished": "2024-05-09T14:30:07Z"}</script>')
    {'headline': '甲', 'datepublished': '2024-05-09T14:30:07Z'}
    """
    for block in _LD_JSON.findall(raw):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        todo = [data]
        while todo:
            item = todo.pop(0)
            if isinstance(item, list):
                todo.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    todo.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
                if item.get("headline") or item.get("datePublished"):
                    found = {"headline": item.get("headline"), "datepublished": item.get("datePublished"), "url": item.get("url")}
                    return {k: v for k, v in found.items() if isinstance(v, str) and v}
    return {}


_YMD = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\D|$)")
_WRITTEN = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%b. %d, %Y")


def normalise_date(value: Any) -> str | None:
    """A date as `YYYY-MM-DD` when it parses (the calendar day as written, no time zone shift), else the text as given.

    >>> [normalise_date(v) for v in ("2019-06-03T10:00:00+08:00", "2019年6月3日 10:30", "2019/6/3", "20190603")]
    ['2019-06-03', '2019-06-03', '2019-06-03', '2019-06-03']
    >>> normalise_date("Mon, 03 Jun 2019 10:00:00 GMT"), normalise_date("June 3, 2019"), normalise_date("上周")
    ('2019-06-03', '2019-06-03', '上周')
    >>> normalise_date(None) is None, normalise_date("") is None
    (True, True)
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    for pattern in (_YMD, _COMPACT):
        match = pattern.match(text)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
            except ValueError:
                return text
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in _WRITTEN:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return text


def _first(data: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    lower = {k.lower(): k for k in data}
    for key in keys:
        name = lower.get(key)
        if name is not None and data[name] not in (None, "", []):
            return name, data[name]
    return None, None


def split_metadata(data: dict[str, Any], *, html: bool = False) -> dict[str, Any]:
    """`title`, `date`, `url` picked from metadata keys, and `meta`: the other keys as given.

    For an HTML page the social-card title (`og:title`) goes before `<title>`, which often carries
    the site's name too.

    >>> split_metadata({"headline": "标题", "published": "2020/1/2", "link": "http://x", "author": "甲"})
    {'title': '标题', 'date': '2020-01-02', 'url': 'http://x', 'meta': {'author': '甲'}}
    >>> split_metadata({"note": "x"})
    {'title': None, 'date': None, 'url': None, 'meta': {'note': 'x'}}
    """
    title_keys = ("og:title", "twitter:title", "headline", "title", "dc.title", "dcterms.title") if html else TITLE_KEYS
    used = set()
    found = {}
    for name, keys in (("title", title_keys), ("date", DATE_KEYS), ("url", URL_KEYS)):
        key, value = _first(data, keys)
        if key is not None:
            used.add(key)
        if value is not None and not isinstance(value, str):
            value = value if isinstance(value, (date, datetime)) else json.dumps(value, ensure_ascii=False)
        found[name] = value
    found["date"] = normalise_date(found["date"])
    if isinstance(found["title"], str):
        found["title"] = found["title"].strip() or None
    return {**found, "meta": {k: v for k, v in data.items() if k not in used}}


def article_metadata(raw: str, fmt: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """The metadata of one article: its front matter or HTML head, and over them the corpus row's fields."""
    data = front_matter(raw)
    if fmt == "html":
        data.update(html_meta(raw))
    if fields:
        data.update(fields)  # the row's own fields win over what its text says
    return split_metadata(data, html=fmt == "html" and not fields)
