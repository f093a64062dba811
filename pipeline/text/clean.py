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

from .markup import Line
from ..rules import Rule, RulePattern, RuleSet

POSITIONS = ("any", "top", "bottom", "tail")

# Characters that end or split a sentence: a line without any is not running text.
_SENTENCE_PUNCT = "。！？!?；;"
_CLAUSE_PUNCT = "，,、：:"
_SENTENCE_END = "。！？!?…；;”」』"
#: A line that ends with one of these is (a piece of) a sentence, whatever its length.
_PIECE_END = "。！？!?…；;，,、”」』"
_SENTENCE = regex.compile("[" + _SENTENCE_PUNCT + "]")
_CLAUSE = regex.compile("[" + _CLAUSE_PUNCT + "]")
_STOP = regex.compile("[。；;]")
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
# A table cell's number: a value (1,200  6.5  -3.2%), not a time (02:02) or a date (2021/3/2).
_CELL_NUMBER = regex.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?%?")

#: Shape thresholds (why these values: see tests/test_clean.py for the lines they separate).
LIST_MIN_ITEMS = 6
LIST_MAX_ITEM = 12
LIST_MAX_MEAN = 7.0
#: A table written one cell a line has at least one number cell in this many cells.
TABLE_NUMBER_SHARE = 4
RUN_MIN_LINES = 4
RUN_MAX_LEN = 10
RUN_MIN_LIVE = 2
_HAS_LETTER = regex.compile(r"\p{L}")
WATERMARK_MIN_LEN = 4
WATERMARK_MAX_LEN = 40
WATERMARK_MIN_LINES = 3
#: Share (numerator, denominator) of a mark's carriers that must end a sentence before it.
WATERMARK_FINISHED_SHARE = (1, 3)
PROSE_MIN_LEN = 30
#: Kept lines above an author box's name line that make an article even without running text (a poem).
AUTHOR_MIN_ABOVE = 3
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
    resume: bool = False


@dataclass(frozen=True, slots=True)
class _Compiled:
    lines: tuple[_LineRule, ...]
    inline: tuple[tuple[str, RulePattern], ...]
    #: per position, characters of which a line must hold one for any of its rules to match (one
    #: set each rule needs, `prefilter.required_chars`, joined); None: some rule needs none
    gates: dict[str, frozenset[str] | None]


def _gates(lines: tuple[_LineRule, ...]) -> dict[str, frozenset[str] | None]:
    gates: dict[str, frozenset[str] | None] = {}
    for rule in lines:
        needs = rule.pattern.needs
        if rule.position in gates and gates[rule.position] is None:
            continue
        gates[rule.position] = (gates.get(rule.position) or frozenset()) | needs[0] if needs else None
    return gates


_CACHE: dict[tuple[str, ...], _Compiled] = {}


def _compile(rules: RuleSet) -> _Compiled:
    key = rules.fingerprint()
    compiled = _CACHE.get(key)
    if compiled is None:
        lines = tuple(_compile_line_rule(r) for r in rules.section("boilerplate"))
        compiled = _Compiled(
            lines=lines, inline=tuple((r.id, RulePattern(r)) for r in rules.section("inline_junk")), gates=_gates(lines)
        )
        _CACHE[key] = compiled
    return compiled


def _compile_line_rule(rule: Rule) -> _LineRule:
    position = rule.get("position", "any")
    if position not in POSITIONS:
        raise ValueError(f"{rule.where}: rule '{rule.id}': position must be one of {', '.join(POSITIONS)}")
    return _LineRule(rule.id, RulePattern(rule), position, rule.get("max_length"), bool(rule.get("resume", False)))


def _view(line: str) -> str:
    """The simplified-character view of a line that rules are matched against (same length)."""
    from .convert import t2s_lines

    view = t2s_lines([line])[0]
    return view if len(view) == len(line) else line


def _views(lines: list[str]) -> list[str]:
    """_view of every line, converted in one call (a line whose length changes keeps its own view)."""
    from .convert import t2s_lines

    return [view if len(view) == len(line) else line for view, line in zip(t2s_lines(lines), lines)]


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
    if _STOP.search(line) or line[-1] in _SENTENCE_END:
        return True
    return len(line) >= 2 * PROSE_MIN_LEN and bool(_CLAUSE.search(line))


def is_short_item(line: str) -> bool:
    """True for a short line without sentence or clause punctuation (a menu entry, a tag, a button).

    >>> is_short_item("微信公众号"), is_short_item("种好家门口的菜地。"), is_short_item("更多精彩内容尽在青禾新闻APP")
    (True, False, False)
    """
    return len(line) <= RUN_MAX_LEN and not _SENTENCE.search(line) and not _CLAUSE.search(line)


def is_link_list(line: str) -> bool:
    """True for a line of many short items between separators, without sentence punctuation.

    >>> is_link_list("昌黎县| 文登市| 弋阳县| 专栏| 盖州市| 阳高县| 长泰县")
    True
    >>> is_link_list("成立工会、共青团、妇联、综治中心、老年协会、志愿队等组织228个。")
    False
    """
    if _SENTENCE.search(line):
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
            if _appended(suffix, lines):
                best, mark = key, suffix
    return mark


def _appended(mark: str, lines: Sequence[str]) -> bool:
    """True when `mark` was appended to finished lines: at least a third of the longer lines that
    end with it end a sentence right before it. A shared ending of headings (重大项目推进, 重点项目推进)
    or table titles (…产品产量) is the lines' own words, not an appended mark."""
    carriers = [line[: -len(mark)].rstrip(_WS) for line in lines if line.endswith(mark) and len(line) > len(mark)]
    finished = sum(1 for rest in carriers if rest and rest[-1] in _SENTENCE_END + ".)）")
    return finished * WATERMARK_FINISHED_SHARE[1] >= len(carriers) * WATERMARK_FINISHED_SHARE[0]


def cut_watermark(line: str, mark: str) -> str:
    """The line without the watermark at its end; a cut that would split a word of the line keeps it whole.

    The cut is made when the rest ends a sentence, or when the mark does not continue a word of
    the rest (jieba puts a word boundary where the mark starts).

    >>> cut_watermark("全镇新建村道12公里。QH新闻网", "QH新闻网"), cut_watermark("QH新闻网", "QH新闻网")
    ('全镇新建村道12公里。', '')
    >>> cut_watermark("（二）重大项目推进", "目推进")
    '（二）重大项目推进'
    """
    if not line.endswith(mark):
        return line
    rest = strip_line(line[: -len(mark)])
    if not rest or rest[-1] in _SENTENCE_END + _CLAUSE_PUNCT + ".)）" or _word_boundary(line, len(line) - len(mark)):
        return rest
    return line


_TOKENIZER = None


def _word_boundary(text: str, offset: int) -> bool:
    """True when jieba's segmentation of `text` has a word boundary at `offset`."""
    global _TOKENIZER
    if _TOKENIZER is None:
        from ..extraction.libraries import import_jieba

        _TOKENIZER = import_jieba().Tokenizer()  # without pkg_resources (see libraries)
    position = 0
    for word in _TOKENIZER.cut(text, HMM=False):
        if position == offset:
            return True
        if position > offset:
            return False
        position += len(word)
    return position == offset


# ---------------------------------------------------------------------------------------------
# public API


def match_line(line: str, rules: RuleSet, *, position: str = "any") -> str | None:
    """Id of the first boilerplate rule that drops `line` at `position` ("any", "top", "bottom"), or None."""
    # a `tail` rule holds at the bottom of a page
    positions = ("any", position, "tail") if position == "bottom" else ("any", position)
    return _match_id(_compile(rules), _view(strip_line(line)), positions)


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
    kept, dropped = strip_lines_report(_plain_lines(text), rules)
    return kept, [d.line for d in dropped]


def _plain_lines(text: str) -> list[Line]:
    return [Line(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def strip_lines_report(source: Sequence[Line], rules: RuleSet) -> tuple[str, list[Dropped]]:
    """The article's own text from lines with their markup signals, and each dropped line with why it went."""
    compiled = _compile(rules)
    settings = classifier_settings(rules)
    pairs = [(strip_line(line.text), line) for line in source]
    pairs = [(remove_pinyin(text), line) for text, line in pairs if text]
    lines = [text for text, _ in pairs]
    signals = [line for _, line in pairs]
    originals = list(lines)
    why: list[str | None] = [None] * len(lines)
    # a page whose markup said something (links, furniture, headings) lets the classifier use it
    marked = any(s.link_chars or s.chrome or s.heading or s.after_image for s in signals)

    # Watermark: cut it from the end of every line; a line that is only the watermark goes.
    mark = find_watermark(lines)
    if mark:
        lines = [cut_watermark(line, mark) for line in lines]
        for i, line in enumerate(lines):
            if not line:
                why[i] = "watermark"

    # Text the site injected into content lines.
    # (a line is cut only when a rule finds something in its simplified view: one conversion call)
    if compiled.inline:
        views = _views(lines)
        lines = [
            remove_inline_junk(line, rules) if line and any(p.search(view) for _, p in compiled.inline) else line
            for line, view in zip(lines, views)
        ]
    for i, line in enumerate(lines):
        if not line and why[i] is None:
            why[i] = "inline junk"
    views = _views(lines)
    table = [("\t" in line.strip("\t")) or signals[i].table for i, line in enumerate(lines)]
    good = [bool(view) and _good(view, signals[i], settings) for i, view in enumerate(views)]

    def alive() -> list[int]:
        return [i for i in range(len(lines)) if why[i] is None]

    # Signals of the markup: link text, page furniture, captions. A signal that would take most
    # of the page's running text is not trusted (an unclosed <a> or <aside>, a site that wraps
    # its article in <figure>): the page is then read without it.
    trusted = _trusted_signals(views, signals, settings)
    for i in alive():
        reason = _signal(views[i], signals[i], table[i], settings, trusted)
        if reason:
            why[i] = reason

    # Line rules valid anywhere, shapes, stray numbers.
    for i in alive():
        view = views[i]
        if table[i]:
            rule = _match_id(compiled, view, ("any",))
            if rule:
                why[i] = f"rule {rule}"
            continue
        if is_stray_number(view):
            why[i] = "shape: stray number"
        elif is_link_list(view):
            why[i] = "shape: link list"
        else:
            # a line that a rule drops whole is not saved by having a mark cut from its end
            rule = _match_id(compiled, view, ("any",))
            if rule is None and originals[i] != lines[i]:
                rule = _match_id(compiled, _view(originals[i]), ("any",))
            if rule:
                why[i] = f"rule {rule}"

    # An author box closes the page: a "label | name" line and the author's profile under it.
    _drop_author_box(views, signals, table, good, why, settings)

    # Position: above the first and below the last paragraph of running text.
    live = alive()
    prose = [i for i in live if good[i]]
    first = prose[0] if prose else len(lines)
    last = prose[-1] if prose else -1
    for i in live:
        if i < first:
            rule = _match_id(compiled, views[i], ("top",))
        elif i > last:
            rule = _match_id(compiled, views[i], ("bottom",))
        else:
            rule = None
        if rule:
            why[i] = f"rule {rule}"
    # End-of-article markers: the marker and everything after it, once running text came before.
    # When the markup tells links from text, a marker followed by a block of links and then by
    # running text again was a related-links box inside the article: only the box goes. In plain
    # text, a `resume` marker (related articles, not comments) followed by a few headline-like
    # lines and then by two paragraphs of running text is such a box too.
    resumes = {r.id for r in compiled.lines if r.resume}
    good_lines = [k for k in range(len(lines)) if good[k] and why[k] is None]
    reach = settings.heading_reach if settings else 0
    i = first + 1 if prose else len(lines)
    while i < len(lines):
        rule = _match_id(compiled, views[i], ("tail",)) if why[i] is None else None
        if not rule:
            i += 1
            continue
        why[i] = f"rule {rule}"
        j = i + 1
        links = 0
        while j < len(lines) and why[j] is not None:
            links += why[j].startswith("signal: link")
            j += 1
        # (the article may go on under a heading: a heading with running text close below it)
        resumed = j < len(lines) and (good[j] or (signals[j].heading and _good_within(j, good_lines, reach)))
        if marked and links and resumed:
            i = j
            continue
        box = _related_box(views, good, why, i, settings) if rule in resumes and not marked else None
        if box is not None:
            for k in range(i + 1, box):
                if why[k] is None:
                    why[k] = f"rule {rule} (its list)"
            i = box
            continue
        for k in range(i + 1, len(lines)):
            if why[k] is None:
                why[k] = f"rule {rule} (below it)"
        break

    # Numbers-only lines among the cells of a table written one cell a line (a Word export) are
    # table cells, not stray numbers: they come back.
    cells = _restore_table_cells(views, why, first, settings)

    # Page titles repeated above the article: the page's own <title> line echoes the article's
    # title further down; keep the last copy, and what lies between them is page chrome.
    live = alive()
    prose = [i for i in live if good[i]]
    first = prose[0] if prose else len(lines)
    dropped = [w is not None for w in why]
    title = _drop_repeated_titles(views, live, first, dropped)
    for i, gone in enumerate(dropped):
        if gone and why[i] is None:
            why[i] = "shape: repeated title, or page chrome between its copies"
    protected: set[int] = set(cells)
    if title is not None:
        protected.add(title)
        after = [i for i in range(title + 1, len(lines)) if i < first]
        # The line right after an echoed title is its subtitle when no rule dropped it.
        if after and why[after[0]] is None:
            protected.add(after[0])

    # Runs of short lines (menus, tag clouds, share bars); lines already dropped by a rule
    # belong to the run too, so a site name between two widget buttons goes with them.
    # Inside the running text a run of short lines is a poem or a list, unless a rule already
    # recognised one of its lines as page furniture; an article without running text is left alone.
    last = prose[-1] if prose else -1
    # a heading of the markup with running text close below it is no menu entry
    good_at = [i for i in alive() if good[i]]
    reach = settings.heading_reach if settings else 0
    protected |= {i for i in alive() if signals[i].heading and _good_within(i, good_at, reach)}
    run: list[int] = []
    short = 0  # short lines in the run, whether a rule dropped them already or not
    furniture = False
    for i in list(range(len(lines))) + [-1]:
        if i >= 0 and i not in protected and (why[i] is not None or (is_short_item(views[i]) and not table[i])):
            run.append(i)
            short += is_short_item(views[i])
            furniture = furniture or why[i] is not None
            continue
        outside = bool(run) and (run[-1] < first or run[0] > last)
        # in a page whose markup spoke (menus are links there), a run of plain short lines with
        # kept text lines on both sides and nothing dropped among them is the text's (a poem)
        embedded = marked and bool(run) and run[0] > 0 and i >= 0 and not any(signals[j].link_chars for j in run)
        if embedded and not furniture:
            outside = False
        if prose and len(run) >= RUN_MIN_LINES and short >= RUN_MIN_LIVE and (outside or furniture):
            for j in run:
                if why[j] is None:
                    why[j] = "shape: run of short lines"
        run, short, furniture = [], 0, False

    # Context: what the signals left undecided takes the class of its neighbours.
    _smooth(views, signals, table, good, why, protected, marked, settings)

    kept: list[str] = []
    gone: list[Dropped] = []
    previous = None
    previous_heading = False
    for i, line in enumerate(lines):
        # a line that repeats the one above goes, unless the markup made one of them a heading
        # (a story's heading, then its first paragraph opening with the same words in bold)
        if why[i] is not None or (line == previous and signals[i].heading == previous_heading):
            gone.append(Dropped(originals[i], why[i] or "repeat of the line above"))
            continue
        kept.append(line)
        previous = line
        previous_heading = signals[i].heading
    return ("\n".join(kept) + "\n" if kept else ""), gone


@dataclass(frozen=True, slots=True)
class Dropped:
    """A line the cleaner dropped, and why: "rule ID", "signal: …", "shape: …", "context: …", "watermark"."""

    line: str
    why: str


@dataclass(frozen=True, slots=True)
class ClassifierSettings:
    """The thresholds of the line classifier (the `[[classifier]]` rule of `rules/boilerplate.toml`)."""

    function_chars: frozenset[str]
    min_function_density: float
    good_max_link: float
    bad_min_link: float
    caption_max_length: int
    heading_reach: int
    list_run_min: int
    list_item_max: int
    table_min_cells: int
    table_min_numbers: int
    author_name_max: int = 0
    author_bio_lines: int = 0
    author_bio_max: int = 0


_SETTINGS_CACHE: dict[tuple[str, ...], ClassifierSettings | None] = {}


def classifier_settings(rules: RuleSet) -> ClassifierSettings | None:
    """The classifier's thresholds from the last `[[classifier]]` rule, or None (signals unused) when there is none."""
    key = rules.fingerprint()
    if key not in _SETTINGS_CACHE:
        found = rules.section("classifier")
        settings = None
        if found:
            rule = found[-1]
            settings = ClassifierSettings(
                function_chars=frozenset(rule.get("function_chars", "")),
                min_function_density=float(rule.get("min_function_density", 0.0)),
                good_max_link=float(rule.get("good_max_link", 1.0)),
                bad_min_link=float(rule.get("bad_min_link", 2.0)),
                caption_max_length=int(rule.get("caption_max_length", 0)),
                heading_reach=int(rule.get("heading_reach", 0)),
                list_run_min=int(rule.get("list_run_min", 1 << 30)),
                list_item_max=int(rule.get("list_item_max", 0)),
                table_min_cells=int(rule.get("table_min_cells", 1 << 30)),
                table_min_numbers=int(rule.get("table_min_numbers", 1 << 30)),
                author_name_max=int(rule.get("author_name_max", 0)),
                author_bio_lines=int(rule.get("author_bio_lines", 0)),
                author_bio_max=int(rule.get("author_bio_max", 0)),
            )
        _SETTINGS_CACHE[key] = settings
    return _SETTINGS_CACHE[key]


_SPACES = regex.compile(r"\s+")


def _visible(view: str) -> int:
    return len(view) - sum(len(m) for m in _SPACES.findall(view)) or 1


def link_density(view: str, line: Line) -> float:
    """Share of a line's visible characters that were link text (0 for plain text).

    >>> link_density("更多新闻", Line("更多新闻", link_chars=4)), link_density("正文。", Line("正文。"))
    (1.0, 0.0)
    """
    return min(1.0, line.link_chars / _visible(view)) if line.link_chars else 0.0


def function_density(view: str, chars: frozenset[str]) -> float:
    """Share of a line's visible characters that are function characters (的 了 在 是 …).

    >>> function_density("我的书在桌上", frozenset("的在"))
    0.3333333333333333
    """
    return sum(view.count(c) for c in chars) / _visible(view)


def _good(view: str, line: Line, settings: ClassifierSettings | None) -> bool:
    """Running text of the article: prose (is_prose), not link text, and written in sentences."""
    if not is_prose(view):
        return False
    if settings is None:
        return True
    if link_density(view, line) > settings.good_max_link:
        return False
    if settings.min_function_density <= 0:
        return True
    return function_density(view, settings.function_chars) >= settings.min_function_density


def _trusted_signals(views: list[str], signals: list[Line], settings: ClassifierSettings | None) -> frozenset[str]:
    """The signals ("link", "chrome") that leave more running text (prose characters) than they take."""
    if settings is None:
        return frozenset()
    taken = {"link": 0, "chrome": 0}
    left = 0
    for view, line in zip(views, signals):
        if not view or not is_prose(view):
            continue
        links = link_density(view, line) >= settings.bad_min_link
        taken["link"] += len(view) if links else 0
        taken["chrome"] += len(view) if line.chrome else 0
        left += len(view) if not links and not line.chrome else 0
    return frozenset(name for name, chars in taken.items() if chars <= left)


def _signal(view: str, line: Line, table: bool, settings: ClassifierSettings | None,
            trusted: frozenset[str] = frozenset({"link", "chrome"})) -> str | None:
    """Why the markup's signals drop a line (link text, page furniture, a caption), or None."""
    if settings is None:
        return None
    density = link_density(view, line)
    if density >= settings.bad_min_link and "link" in trusted:
        return f"signal: link text {density:.0%} of the line"
    if line.chrome and not table and "chrome" in trusted:
        return f"signal: inside <{line.chrome}>"
    if line.after_image and not line.heading and not table and len(view) <= settings.caption_max_length:
        return "signal: caption under an image"
    return None


def _related_box(views: list[str], good: list[bool], why: list[str | None], marker: int,
                 settings: ClassifierSettings | None) -> int | None:
    """Where running text resumes below a related-articles marker in plain text, or None.

    The box is at most `list_run_min` headline-like lines (at most twice `list_item_max`
    characters, no sentence end) or dropped lines; below it comes running text, and two of the
    three lines from there are running text.
    """
    if settings is None:
        return None
    j = marker + 1
    heads = 0
    while j < len(views) and not good[j]:
        if why[j] is None:
            if len(views[j]) > 2 * settings.list_item_max or views[j][-1] in _SENTENCE_END:
                return None
            heads += 1
            if heads > settings.list_run_min:
                return None
        j += 1
    below = [k for k in range(j, len(views)) if why[k] is None][:3]
    if heads and len(below) == 3 and sum(good[k] for k in below) >= 2:
        return j
    return None


def _restore_table_cells(views: list[str], why: list[str | None], first: int,
                         settings: ClassifierSettings | None) -> set[int]:
    """Give back the numbers-only lines of a table written one cell a line, below the article's
    first running text; return the indices of the table's cells (protected from the menu stage).

    A table is a run of at least `table_min_cells` short lines without sentence punctuation, with
    at least `table_min_numbers` cells that are values of three characters or more ("6.5", "1,200";
    page numbers 1 2 3, times 02:02 and dates are no table), at least one cell in
    TABLE_NUMBER_SHARE a number, and label cells of at most LIST_MAX_ITEM characters on average
    (headlines with their view counts are no table).
    """
    if settings is None:
        return set()
    cells: set[int] = set()
    n = len(views)
    i = first + 1
    while i < n:
        j = i
        numbers = 0
        while j < n and views[j] and len(views[j]) <= settings.list_item_max and not _SENTENCE.search(views[j]):
            if why[j] is not None and why[j] != "shape: stray number":
                break
            numbers += why[j] == "shape: stray number" and len(views[j]) >= 3 and bool(_CELL_NUMBER.fullmatch(views[j]))
            j += 1
        texts = [len(views[k]) for k in range(i, j) if why[k] is None]
        # label cells are short (地区生产总值, 亿元); a list of headlines with view counts is no table
        labels = bool(texts) and sum(texts) <= LIST_MAX_ITEM * len(texts)
        dense = numbers * TABLE_NUMBER_SHARE >= j - i  # a table of numbers is made of numbers
        if j - i >= settings.table_min_cells and numbers >= settings.table_min_numbers and labels and dense:
            for k in range(i, j):
                if why[k] == "shape: stray number":
                    why[k] = None
                cells.add(k)
        i = max(j, i + 1)
    return cells


def _smooth(views: list[str], signals: list[Line], table: list[bool], good: list[bool], why: list[str | None],
            protected: set[int], marked: bool, settings: ClassifierSettings | None) -> None:
    """Undecided lines take the class of their neighbours (jusText's context smoothing).

    A run of undecided short lines between two dropped ones, one of them dropped by the markup's
    signals, goes, unless it is a heading with running text close below it or a piece of a
    sentence; in plain text, a long run of short headline-like lines below the article next to
    dropped lines is a link list and goes. Nothing inside the article is dropped by context. The
    page's end counts as a dropped line only when the markup spoke, its start never: the first
    line is the article's title as often as the site's.
    """
    if settings is None:
        return
    n = len(views)
    cls = []
    for i in range(n):
        if why[i] is not None:
            cls.append("bad")
        elif good[i]:
            cls.append("good")
        elif table[i] or signals[i].heading or _SENTENCE.search(views[i]):
            cls.append("near")
        else:
            cls.append("short")
    good_at = [i for i in range(n) if cls[i] == "good"]
    if not good_at:
        return  # an article without running text is left alone: nothing tells the page from it
    edge = "bad" if marked else "edge"
    i = 0
    while i < n:
        if cls[i] not in ("near", "short"):
            i += 1
            continue
        j = i
        while j < n and cls[j] in ("near", "short"):
            j += 1
        # the page's top is not a dropped line: the article's title often opens the text
        before = cls[i - 1] if i > 0 else "edge"
        after = cls[j] if j < n else edge
        run = [k for k in range(i, j) if k not in protected]
        # inside the article (between its first and last running text) nothing is dropped by
        # context: a list there is the article's, and a hyperlinked line beside it is no menu
        inside = good_at[0] < i and j <= good_at[-1]
        if not inside and marked and before == after == "bad" and (_by_signal(why, i - 1) or _by_signal(why, j)):
            for k in run:
                if signals[k].heading and (_good_within(k, good_at, settings.heading_reach) or _empty_story(k, signals, why)):
                    continue
                if len(views[k]) > settings.list_item_max or table[k] or views[k][-1] in _PIECE_END:
                    continue  # a long line, a table row, a piece of a sentence: text of its own
                why[k] = "context: between dropped lines"
        i = j
    if not marked:
        _drop_tail_lists(views, table, cls, why, protected, good_at[-1], settings)


def _drop_tail_lists(views: list[str], table: list[bool], cls: list[str], why: list[str | None], protected: set[int],
                     last: int, settings: ClassifierSettings) -> None:
    """Below the article's last running text, a stretch of dropped lines and at least
    `list_run_min` headline-like lines (short, no sentence end) is a list of links: they go.
    (A headline may hold a ！ or ？; a dropped time stamp may sit between two headlines.)"""
    stretch: list[int] = []
    for k in list(range(last + 1, len(views))) + [-1]:
        headline = (
            k >= 0 and cls[k] in ("near", "short") and k not in protected and not table[k]
            and len(views[k]) <= settings.list_item_max and views[k][-1] not in "。；;"
        )
        if k >= 0 and (headline or cls[k] == "bad"):
            stretch.append(k)
            continue
        heads = [h for h in stretch if cls[h] != "bad"]
        if len(heads) >= settings.list_run_min and len(heads) < len(stretch):
            for h in heads:
                why[h] = "context: a list of short lines below the article"
        stretch = []


def is_name_line(line: str, max_length: int) -> bool:
    """True for the name line of an author box: "label | name", two short items around a bar.

    >>> is_name_line("博客 | 林一", 24), is_name_line("Blogger | Lin Yi", 24), is_name_line("首页 | 新闻 | 体育", 24)
    (True, True, False)
    >>> is_name_line("全年 | 增长5%，达到新高", 24)
    False
    """
    return len(line) <= max_length and bool(_NAME_LINE.fullmatch(line))


_NAME_LINE = regex.compile(r"[^|｜丨。！？!?，,：:；;]{1,12}?\s*[|｜丨]\s*[^|｜丨。！？!?，,：:；;]{1,20}")


def _drop_author_box(views: list[str], signals: list[Line], table: list[bool], good: list[bool],
                     why: list[str | None], settings: ClassifierSettings | None) -> None:
    """Drop an author box at the page's end: a name line ("label | name", see is_name_line) below
    the article (running text, or AUTHOR_MIN_ABOVE kept lines), followed by at most `author_bio_lines`
    lines of at most `author_bio_max` characters (no table row, no heading) and nothing else that is
    kept. A bio's figures (年资, 著作数目) are
    not the article's claims."""
    if settings is None or settings.author_bio_lines <= 0:
        return
    live = [i for i in range(len(views)) if why[i] is None]
    for start in range(max(0, len(live) - settings.author_bio_lines - 1), len(live)):
        name = live[start]
        bio = live[start + 1 :]
        if not is_name_line(views[name], settings.author_name_max) or table[name]:
            continue
        if start < AUTHOR_MIN_ABOVE and not any(good[k] for k in live[:start]):
            return  # no article above it: the line opens the page
        if all(len(views[k]) <= settings.author_bio_max and not table[k] and not signals[k].heading for k in bio):
            why[name] = "shape: author box (name line)"
            for k in bio:
                why[k] = "shape: author box (profile under its name line)"
        return


def _empty_story(i: int, signals: list[Line], why: list[str | None]) -> bool:
    """True when heading `i` heads a story whose text is missing in a page of stories: at most one
    dropped line (its "read more" link) between it and the next heading (a sidebar's heading has a
    list of links under it)."""
    j = i + 1
    while j < len(why) and why[j] is not None and not signals[j].heading:
        j += 1
    return j - i - 1 <= 1 and j < len(why) and signals[j].heading


def _by_signal(why: list[str | None], i: int) -> bool:
    """True when line `i` is the page's edge or was dropped by a signal of the markup (links, furniture)."""
    return not 0 <= i < len(why) or (why[i] or "").startswith("signal:")


def _good_within(i: int, good_at: list[int], reach: int) -> bool:
    from bisect import bisect_right

    k = bisect_right(good_at, i)
    return k < len(good_at) and good_at[k] - i <= reach


def _match_id(compiled: _Compiled, view: str, positions: tuple[str, ...]) -> str | None:
    gates = compiled.gates
    if all((gate := gates.get(p, frozenset())) is not None and gate.isdisjoint(view) for p in positions):
        return None  # the line holds no character that a rule of these positions needs
    for rule in compiled.lines:
        if rule.position not in positions:
            continue
        if rule.max_length is not None and len(view) > rule.max_length:
            continue
        if _search(rule.pattern, view):
            return rule.id
    return None


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
