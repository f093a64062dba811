"""Boilerplate stripping: keep the article's own lines, drop the site's, cut what the site injected.

The mechanism is here; the wording is data (`[[boilerplate]]` and `[[inline_junk]]` rules in
`rules/`). Rules are matched against a simplified-character view of each line, so one pattern
covers traditional and simplified pages; the kept text itself stays as it was (conversion is the
next stage). General mechanisms that need no wording:

- a watermark is a string that ends many lines of one article: it is cut from them;
- a link, keyword or place list is recognised by its shape (many short items between separators);
- a run of short lines without sentence punctuation is navigation or a widget bar;
- a page title repeated above the article (often with the site's name appended) is kept once;
- position: a rule can apply only above the first or below the last paragraph of running text,
  and an end-of-article marker ("责任编辑", "相关阅读", ...) drops everything after it.

Every stage is linear in the length of the text; rule regexes are compiled once per rule set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from .rules import Rule, RulePattern, RuleSet

POSITIONS = ("any", "top", "bottom", "tail")

# Characters that end or split a sentence: a line without any is not running text.
_SENTENCE_PUNCT = "。！？!?；;"
_CLAUSE_PUNCT = "，,、：:"
_SENTENCE_END = "。！？!?…；;”」』"
_WS = " \t\u3000\u00a0\u200b\u200c\u200d\ufeff\u2002\u2003\u2009\u202f\u205f"

# A toned pinyin syllable in parentheses right after a Han character: 網(wǎng) -> 網.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = regex.compile(
    r"(?<=\p{Han})[(（]([a-zü]{0,6}[" + _TONED + r"][a-zü" + _TONED + r"]{0,6})[)）]"
)

# Corrupted byte sequences left by a bad re-encoding: "?紤]", "?jiǎn)栴}", "\ufffd".
_CORRUPT = regex.compile(
    r"(?:[?\ufffd][a-zü" + _TONED + r"]{1,6}\))+(?:\p{Han}{1,4}[\]}])?"
    r"|[?\ufffd]\p{Han}{1,2}[\]}]"
    r"|(?<=\p{Han})[?\ufffd](?=[0-9])"
    r"|\ufffd+"
)

# Shape of a list item separator, and of a stray number / counter line.
_LIST_SEP = regex.compile(r"\s*[|｜丨,，、/·•]\s*|\s{2,}")
_STRAY_NUMBER = regex.compile(r"[\d\s,.:：/+\-–%()（）#]+")

#: Shape thresholds (why these values: see tests/test_clean.py for the lines they separate).
LIST_MIN_ITEMS = 6
LIST_MAX_ITEM = 12
LIST_MAX_MEAN = 7.0
RUN_MIN_LINES = 4
RUN_MAX_LEN = 10
RUN_MIN_LIVE = 2
_HAS_LETTER = regex.compile(r"\p{L}")
WATERMARK_MIN_LEN = 4
WATERMARK_MAX_LEN = 40
WATERMARK_MIN_LINES = 3
PROSE_MIN_LEN = 30
TITLE_PREFIX = 12
TITLE_MIN = 8
#: Repeated page titles are looked for among this many lines above the running text (a page
#: has a few dozen there; the bound keeps a file of many short lines linear).
TITLE_HEAD_LINES = 500


@dataclass(frozen=True, slots=True)
class Corruption:
    """A corrupted byte sequence: 1-based line, character offsets in the whole text, its text."""

    line: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _LineRule:
    id: str
    pattern: RulePattern
    position: str
    max_length: int | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    lines: tuple[_LineRule, ...]
    inline: tuple[tuple[str, RulePattern], ...]


_CACHE: dict[tuple[str, ...], _Compiled] = {}


def _compile(rules: RuleSet) -> _Compiled:
    key = rules.fingerprint()
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = _Compiled(
            lines=tuple(_compile_line_rule(r) for r in rules.section("boilerplate")),
            inline=tuple((r.id, RulePattern(r)) for r in rules.section("inline_junk")),
        )
        _CACHE[key] = compiled
    return compiled


def _compile_line_rule(rule: Rule) -> _LineRule:
    position = rule.get("position", "any")
    if position not in POSITIONS:
        raise ValueError(f"{rule.where}: rule '{rule.id}': position must be one of {', '.join(POSITIONS)}")
    return _LineRule(rule.id, RulePattern(rule), position, rule.get("max_length"))


def _view(line: str) -> str:
    """The simplified-character view of a line that rules are matched against (same length)."""
    from .convert import t2s

    view = t2s(line)
    return view if len(view) == len(line) else line


def _search(pattern: RulePattern, text: str) -> regex.Match[str] | None:
    """Search one line; a pattern over the time limit raises PatternTimeout naming its rule."""
    return pattern.search(text)


# ---------------------------------------------------------------------------------------------
# pure helpers


def strip_line(line: str) -> str:
    """Remove leading and trailing spaces of every kind (ASCII, ideographic, no-break, zero-width).

    >>> strip_line("\\u3000\\u00a0 今年以来,吴忠市 \\u200b")
    '今年以来,吴忠市'
    """
    return line.strip(_WS)


def remove_pinyin(text: str) -> str:
    """Remove toned pinyin annotations that follow a Han character; other parentheses stay.

    >>> remove_pinyin("本網(wǎng)訊 社區(qū)(社区)AB崗(gǎng) 5(km) 網（wǎng）")
    '本網訊 社區(社区)AB崗 5(km) 網'
    """
    return _PINYIN.sub("", text)


def is_prose(line: str) -> bool:
    """True for running text: a line long enough that ends or splits a sentence.

    >>> is_prose("该社区占地面积17.3万平方米,41栋安置住房,汇集紫阳全县15个镇1940户8132名搬迁群众。")
    True
    >>> is_prose("青禾县乡村公交之变：一边加密班次，一边降低票价")
    False
    """
    if len(line) < PROSE_MIN_LEN:
        return False
    # A title may hold a "！" inside; running text ends a sentence somewhere or at its end.
    if any(c in "。；;" for c in line) or line[-1] in _SENTENCE_END:
        return True
    return len(line) >= 2 * PROSE_MIN_LEN and any(c in _CLAUSE_PUNCT for c in line)


def is_short_item(line: str) -> bool:
    """True for a short line without sentence or clause punctuation (a menu entry, a tag, a button).

    >>> is_short_item("微信公众号"), is_short_item("种好家门口的菜地。"), is_short_item("更多精彩内容尽在青禾新闻APP")
    (True, False, False)
    """
    return len(line) <= RUN_MAX_LEN and not any(c in _SENTENCE_PUNCT or c in _CLAUSE_PUNCT for c in line)


def is_link_list(line: str) -> bool:
    """True for a line of many short items between separators, without sentence punctuation.

    >>> is_link_list("昌黎县| 文登市| 弋阳县| 专栏| 盖州市| 阳高县| 长泰县")
    True
    >>> is_link_list("成立工会、共青团、妇联、综治中心、老年协会、志愿队等组织228个。")
    False
    """
    if any(c in "。！？!?；;" for c in line):
        return False
    items = [item for item in _LIST_SEP.split(line) if item]
    if len(items) < LIST_MIN_ITEMS:
        return False
    lengths = [len(item) for item in items]
    if max(lengths) > LIST_MAX_ITEM or sum(lengths) / len(lengths) > LIST_MAX_MEAN:
        return False
    # "、" also lists things in running text: ask for more items there.
    if "、" in line and not any(c in line for c in "|｜丨,，/·•") and len(items) < 2 * LIST_MIN_ITEMS:
        return False
    return True


def is_stray_number(line: str) -> bool:
    """True for a line of digits and number punctuation only (counters, page numbers, times).

    >>> is_stray_number("1,088"), is_stray_number("11:51"), is_stray_number("2036"), is_stray_number("第1版")
    (True, True, True, False)
    """
    return bool(_STRAY_NUMBER.fullmatch(line)) and any(c.isdigit() for c in line)


def find_watermark(lines: Sequence[str]) -> str | None:
    """The string that ends many lines of one article (a site's watermark), or None.

    >>> find_watermark(["第一段。ZX新闻网", "第二段,说明ZX新闻网", "第三段。", "结尾ZX新闻网", "ZX新闻网"])
    'ZX新闻网'
    >>> find_watermark(["一是组织推进系统化。", "二是重点任务清单化。", "三是服务力量集约化。"]) is None
    True
    """
    stops = _SENTENCE_PUNCT + _CLAUSE_PUNCT + "”」』\"')）]》"
    counts: Counter[str] = Counter()
    carriers: Counter[str] = Counter()
    # suffixes are counted one length at a time, and only lines whose shorter suffix is frequent
    # go on to the next length: memory follows the frequent suffixes, not every suffix of every line
    candidates = [(line, times) for line, times in Counter(lines).items() if line and line[-1] not in stops]
    for k in range(1, WATERMARK_MAX_LEN + 1):
        level: Counter[str] = Counter()
        level_carriers: Counter[str] = Counter()
        going_on = []
        for line, times in candidates:
            if len(line) < k or line[-k] in stops:
                continue
            level[line[-k:]] += times
            if len(line) > k:
                level_carriers[line[-k:]] += times
            going_on.append((line, times))
        if k >= WATERMARK_MIN_LEN:
            frequent = {suffix: n for suffix, n in level.items() if n >= WATERMARK_MIN_LINES}
            counts.update(frequent)
            carriers.update({suffix: level_carriers[suffix] for suffix in frequent})
            going_on = [(line, times) for line, times in going_on if line[-k:] in frequent]
        candidates = going_on
        if not candidates:
            break
    best: tuple[int, int] | None = None
    mark = None
    for suffix, n in counts.items():
        # Lines longer than the mark must carry it at least twice, else it is just a repeated line.
        if n < WATERMARK_MIN_LINES or carriers[suffix] < 2 or suffix[0].isspace() or not _HAS_LETTER.search(suffix):
            continue  # a mark has a letter or a Han character: a run of digits is a number
        key = (n, len(suffix))
        if best is None or key > best:
            best, mark = key, suffix
    return mark


# ---------------------------------------------------------------------------------------------
# public API


def match_line(line: str, rules: RuleSet, *, position: str = "any") -> str | None:
    """Id of the first boilerplate rule that drops `line` at `position` ("any", "top", "bottom"), or None."""
    compiled = _compile(rules)
    view = _view(strip_line(line))
    for rule in compiled.lines:
        if rule.position not in ("any", position) and not (rule.position == "tail" and position == "bottom"):
            continue
        if rule.max_length is not None and len(view) > rule.max_length:
            continue
        if _search(rule.pattern, view):
            return rule.id
    return None


def remove_inline_junk(line: str, rules: RuleSet) -> str:
    """Cut the spans matched by `[[inline_junk]]` rules out of one line (matched on the simplified view)."""
    compiled = _compile(rules)
    if not compiled.inline:
        return line
    for _rule_id, pattern in compiled.inline:
        view = _view(line)
        spans = [m.span() for m in pattern.finditer(view)]
        for start, end in reversed(spans):
            if end > start:
                line = line[:start] + line[end:]
    return strip_line(line)


def strip_boilerplate(text: str, rules: RuleSet) -> str:
    """The article's own text: boilerplate lines dropped, watermarks and pinyin removed, one paragraph a line."""
    return strip_boilerplate_report(text, rules)[0]


def strip_boilerplate_report(text: str, rules: RuleSet) -> tuple[str, list[str]]:
    """Like strip_boilerplate, and also the dropped lines (stripped of spaces), in text order."""
    compiled = _compile(rules)
    lines = [strip_line(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [remove_pinyin(line) for line in lines if line]
    originals = list(lines)
    dropped = [False] * len(lines)

    # Watermark: cut it from the end of every line; a line that is only the watermark goes.
    mark = find_watermark(lines)
    if mark:
        lines = [strip_line(line[: -len(mark)]) if line.endswith(mark) else line for line in lines]
        for i, line in enumerate(lines):
            if not line:
                dropped[i] = True

    # Text the site injected into content lines.
    lines = [remove_inline_junk(line, rules) if line else line for line in lines]
    for i, line in enumerate(lines):
        if not line:
            dropped[i] = True
    views = [_view(line) for line in lines]

    def alive() -> list[int]:
        return [i for i in range(len(lines)) if not dropped[i]]

    # Line rules valid anywhere, shapes, stray numbers.
    for i in alive():
        view = views[i]
        if is_stray_number(view) or is_link_list(view) or _match(compiled, view, ("any",)):
            dropped[i] = True

    # Position: above the first and below the last paragraph of running text.
    live = alive()
    prose = [i for i in live if is_prose(views[i])]
    first = prose[0] if prose else len(lines)
    last = prose[-1] if prose else -1
    for i in live:
        if i < first and _match(compiled, views[i], ("top",)):
            dropped[i] = True
        elif i > last and _match(compiled, views[i], ("bottom",)):
            dropped[i] = True
    # End-of-article markers: the marker and everything after it, once running text came before.
    for i in alive():
        if prose and i > first and _match(compiled, views[i], ("tail",)):
            for j in range(i, len(lines)):
                dropped[j] = True
            break

    # Page titles repeated above the article: the page's own <title> line echoes the article's
    # title further down; keep the last copy, and what lies between them is page chrome.
    live = alive()
    prose = [i for i in live if is_prose(views[i])]
    first = prose[0] if prose else len(lines)
    title = _drop_repeated_titles(views, live, first, dropped)
    protected: set[int] = set()
    if title is not None:
        protected.add(title)
        after = [i for i in range(title + 1, len(lines)) if i < first]
        # The line right after an echoed title is its subtitle when no rule dropped it.
        if after and not dropped[after[0]]:
            protected.add(after[0])

    # Runs of short lines (menus, tag clouds, share bars); lines already dropped by a rule
    # belong to the run too, so a site name between two widget buttons goes with them.
    # Inside the running text a run of short lines is a poem or a list, unless a rule already
    # recognised one of its lines as page furniture; an article without running text is left alone.
    last = prose[-1] if prose else -1
    run: list[int] = []
    short = 0  # short lines in the run, whether a rule dropped them already or not
    furniture = False
    for i in list(range(len(lines))) + [-1]:
        if i >= 0 and i not in protected and (dropped[i] or is_short_item(views[i])):
            run.append(i)
            short += is_short_item(views[i])
            furniture = furniture or dropped[i]
            continue
        outside = bool(run) and (run[-1] < first or run[0] > last)
        if prose and len(run) >= RUN_MIN_LINES and short >= RUN_MIN_LIVE and (outside or furniture):
            for j in run:
                dropped[j] = True
        run, short, furniture = [], 0, False

    kept: list[str] = []
    gone: list[str] = []
    previous = None
    for i, line in enumerate(lines):
        if dropped[i] or line == previous:
            gone.append(originals[i])
            continue
        kept.append(line)
        previous = line
    return ("\n".join(kept) + "\n" if kept else ""), gone


def _match(compiled: _Compiled, view: str, positions: tuple[str, ...]) -> bool:
    for rule in compiled.lines:
        if rule.position not in positions:
            continue
        if rule.max_length is not None and len(view) > rule.max_length:
            continue
        if _search(rule.pattern, view):
            return True
    return False


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _drop_repeated_titles(views: list[str], live: list[int], first: int, dropped: list[bool]) -> int | None:
    """Above the running text, lines that start alike are one title: keep only the last of them.

    When the title was echoed (a page title line above it), everything between the echo and the
    kept title goes. Below the running text's start, a near-copy of the title (an "original
    title" line) goes too. Returns the index of the kept, echoed title, or None.
    """
    head = [i for i in live if i < first][:TITLE_HEAD_LINES]
    echoed: int | None = None
    for n, i in enumerate(head):
        for j in head[n + 1 :]:
            if _same_start(views[i], views[j]):
                dropped[i] = True
                if len(views[j]) >= TITLE_MIN and _common_prefix(views[i], views[j]) >= TITLE_MIN:
                    if echoed is None or i < echoed:
                        echoed = i
                break
    titles = [i for i in head if not dropped[i]]
    kept_title: int | None = None
    if echoed is not None:
        later = [j for j in titles if j > echoed and _same_start(views[echoed], views[j])]
        if later:
            kept_title = later[-1]
            for k in range(echoed, kept_title):
                dropped[k] = True
            titles = [i for i in titles if i >= kept_title]
    # _same_start needs 4 shared characters: only titles with the line's first 4 can match
    by_start: dict[str, list[int]] = {}
    for t in titles:
        by_start.setdefault(views[t][:4], []).append(t)
    for j in live:
        if j < first or dropped[j]:
            continue
        candidates = by_start.get(views[j][:4], ())
        if any(_same_start(views[t], views[j]) and len(views[j]) <= 2 * len(views[t]) + 10 for t in candidates):
            dropped[j] = True
    return kept_title


def _same_start(a: str, b: str) -> bool:
    shared = _common_prefix(a, b)
    return shared >= 4 and shared >= min(TITLE_PREFIX, len(a), len(b))


def find_corruptions(text: str) -> list[Corruption]:
    """The corrupted byte sequences of a text ("?紤]", "?jiǎn)栴}", U+FFFD), which cleaning leaves as they are."""
    found: list[Corruption] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for match in _CORRUPT.finditer(line):
            found.append(Corruption(number, offset + match.start(), offset + match.end(), match.group(0)))
        offset += len(line) + 1
    return found
