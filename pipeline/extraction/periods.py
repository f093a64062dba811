"""Comparable claims: the article's date and region, each claim's calendar period and currency.

A claim's `time` is a string ("今年", "去年同期", "2019-20年度"); here it becomes `period_start` and
`period_end` (ISO dates) against the article's date, which comes from metadata, else a dateline of
the text (or a publication line of the page that the cleaner dropped), else `--date`. A money
claim gets an ISO 4217 `currency` from a currency word beside it, else from its unit and the
article's region. Everything is read from `[[period]]`, `[[dateline]]`, `[[region]]` and
`[[currency]]` of `rules/periods.toml`; what cannot be resolved stays null, never a guess.

All of it is per claim on short strings (the time, a few characters around the quantity) and
per article on its first lines and its dropped lines, so it costs nothing beside segmentation.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from ..rules import Rule, RulePattern, RuleSet

if TYPE_CHECKING:
    from ..claim import Claim

#: The regions of an article.
REGIONS = ("mainland", "HK", "MO", "TW")

#: Characters of the text read for region cues (the head of an article says where it is from).
REGION_CHARS = 4000
#: Share of changed characters (of the first `SCRIPT_CHARS` of the article) from which the
#: article is taken to be written in traditional script.
SCRIPT_CHARS = 800
TRADITIONAL_SHARE = 0.04
#: Fewer Chinese characters than this in that head: the script cannot be told.
MIN_WIDE_CHARS = 10
#: Characters on each side of a money quantity searched for a currency word.
CURRENCY_REACH = 4
#: Occurrences of one region's words from which a text of unknown script is given that region.
UNKNOWN_SCRIPT_CUES = 3


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period: its first and last day, either unknown (None) for an open period."""

    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What the article says about itself: its date (and where it came from) and its region."""

    date: date | None = None
    date_source: str = ""
    region: str | None = None


@dataclass(slots=True)
class PeriodRules:
    """The compiled `periods.toml` rules of a rule set."""

    pieces: list[tuple[Rule, RulePattern]] = field(default_factory=list)
    datelines: list[tuple[Rule, RulePattern]] = field(default_factory=list)
    region_words: dict[str, str] = field(default_factory=dict)
    region_pattern: re.Pattern[str] | None = None
    currency_words: list[tuple[str, str]] = field(default_factory=list)
    currency_units: list[Rule] = field(default_factory=list)


_CACHE: dict[tuple[str, ...], PeriodRules] = {}
#: Periods already resolved, by (rules, time, date, region, anchor): the same few times (今年,
#: 目前, 一季度) recur in every article. Bounded: cleared when full.
_RESOLVED: dict[tuple, Period | None] = {}
_RESOLVED_MAX = 20_000


def period_rules(rules: RuleSet) -> PeriodRules:
    """The compiled period, dateline, region and currency rules of `rules` (cached per rule set)."""
    key = rules.fingerprint()
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    compiled = PeriodRules(
        pieces=[(r, RulePattern(r)) for r in rules.section("period")],
        datelines=[(r, RulePattern(r)) for r in rules.section("dateline")],
    )
    for rule in rules.section("region"):
        for word in rule.get("surface", []):
            compiled.region_words[word] = rule.get("region")
    if compiled.region_words:
        words = sorted(compiled.region_words, key=len, reverse=True)
        compiled.region_pattern = re.compile("|".join(re.escape(w) for w in words))
    for rule in rules.section("currency"):
        for word in rule.get("surface", []):
            compiled.currency_words.append((word, rule.get("code")))
        if rule.get("unit"):
            compiled.currency_units.append(rule)
    compiled.currency_words.sort(key=lambda item: len(item[0]), reverse=True)
    _CACHE[key] = compiled
    return compiled


# ---------------------------------------------------------------------------------------------
# periods


def _number(text: str | None) -> int | None:
    if not text:
        return None
    from .numbers import parse_number

    try:
        return int(parse_number(text))
    except (ValueError, ArithmeticError):
        return None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


_RELATIVE_YEARS = {"今年": 0, "本年": 0, "年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1, "来年": 1}
_RELATIVE_DAYS = {
    "今天": 0, "今日": 0, "今晨": 0, "今早": 0, "今晚": 0, "本日": 0, "目前": 0, "现时": 0, "现在": 0, "如今": 0,
    "当前": 0, "时下": 0, "昨天": -1, "昨日": -1, "昨晚": -1, "昨晨": -1, "前天": -2, "前日": -2,
    "明天": 1, "明日": 1, "后天": 2,
}
_RELATIVE_MONTHS = {"本月": 0, "这个月": 0, "当月": 0, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1}
_WEEK_SHIFT = {"上": -1, "下": 1}
_TEN_DAYS = {"上": (1, 10), "中": (11, 20), "下": (21, 31)}
_PLANS = {"六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(slots=True)
class _Parts:
    """What the pieces of one time (one side of a join) say."""

    year: int | None = None
    year_offset: int | None = None
    fiscal_month: int | None = None
    months: tuple[int, int] | None = None
    day: tuple[int | None, int] | None = None
    day_offset: int | None = None
    weekday: tuple[int, int] | None = None
    month_offset: int | None = None
    ten_days: tuple[int, int] | None = None
    edge: str | None = None
    span: tuple[int, str] | None = None
    anchor: date | None = None
    same: str | None = None
    plan: int | None = None
    content: bool = False


def _pieces(time: str, compiled: PeriodRules, region: str | None) -> list[tuple[Rule, regex.Match[str]]] | None:
    """The pieces of `time`, longest first at each place; None when a character is left over."""
    pos = 0
    found: list[tuple[Rule, regex.Match[str]]] = []
    while pos < len(time):
        best: tuple[Rule, regex.Match[str]] | None = None
        for rule, pattern in compiled.pieces:
            regions = rule.get("region")
            if regions is not None and region not in regions:
                continue
            match = pattern.match(time, pos)
            if not match or match.end() <= pos:
                continue
            # the longest piece; of two as long, the one written for the region (年度 in Hong Kong)
            if best is None or match.end() > best[1].end() or (
                match.end() == best[1].end() and regions is not None and best[0].get("region") is None
            ):
                best = (rule, match)
        if best is None:
            return None
        found.append(best)
        pos = best[1].end()
    return found


def _read(rule: Rule, match: regex.Match[str], parts: _Parts) -> bool:
    """Add one piece to `parts`; False when it cannot be read."""
    kind = rule.get("kind")
    groups = {k: v for k, v in match.groupdict().items() if v}
    if kind == "ignore":
        return True
    parts.content = True
    if kind in ("year", "fiscal"):
        if "rel" in groups:
            parts.year_offset = _RELATIVE_YEARS.get(groups["rel"])
            return parts.year_offset is not None
        year = _number(groups.get("y"))
        if year is None:
            return False
        parts.year = year + rule.get("add", 0)
        if kind == "fiscal":
            parts.fiscal_month = rule.get("start_month", 1)
            second = _number(groups.get("y2"))
            if second is not None and second % 100 != (parts.year + 1) % 100:
                return False  # 2019-21年度 is no single year
        return True
    if kind == "months":
        if "mrel" in groups or "mcur" in groups:
            parts.month_offset = _RELATIVE_MONTHS.get(groups.get("mrel", ""), 0)
            return True
        if "half" in groups:
            parts.months = (1, 6) if groups["half"] == "上" else (7, 12)
        elif "q" in groups:
            q = _number(groups["q"]) or 0
            parts.months = (3 * q - 2, 3 * q)
        elif "first" in groups:
            parts.months = (1, 3)
        elif "nq" in groups:
            parts.months = (1, 3 * (_number(groups["nq"]) or 0))
        elif "n" in groups:
            parts.months = (1, _number(groups["n"]) or 0)
        elif "m1" in groups:
            parts.months = (_number(groups["m1"]) or 0, _number(groups["m2"]) or 0)
        else:
            month = _number(groups.get("m")) or 0
            parts.months = (month, month)
        low, high = parts.months
        return 1 <= low <= high <= 12
    if kind == "day":
        if "wd" in groups:
            parts.weekday = (_WEEK_SHIFT.get(groups.get("wrel", ""), 0), "一二三四五六日天".index(groups["wd"]) if groups["wd"] != "天" else 6)
            return True
        if "rel" in groups:
            parts.day_offset = _RELATIVE_DAYS.get(groups["rel"])
            return parts.day_offset is not None
        parts.day = (_number(groups.get("m")), _number(groups.get("d")) or 0)
        return parts.day[0] is None or 1 <= parts.day[0] <= 12
    if kind == "ten_days":
        parts.ten_days = _TEN_DAYS[groups["part"]]
        return True
    if kind == "point":
        parts.edge = "start" if groups.get("edge") == "初" else "end"
        return True
    if kind == "span":
        count = _number(groups.get("n") or groups.get("n2"))
        parts.span = (count, rule.get("unit", "year")) if count else None
        return parts.span is not None
    if kind == "same":
        parts.same = rule.get("unit", "period")
        return True
    if kind == "plan":
        name = groups["plan"]
        number = 10 + (_number(name[1]) or 0) if name[0] == "十" and len(name) == 3 else _PLANS.get(name[0])
        parts.plan = number
        return number is not None
    if kind == "anchor":
        parts.anchor = date.fromisoformat(rule.get("anchor"))
        return True
    return False


def _year_for(parts: _Parts, ref: date | None, first_month: int, first_day: int = 1) -> int | None:
    """The year of a time: written, relative to the article's, or (months or a day alone) the article's
    year, or the year before when the time would begin more than half a year after the article's date."""
    if parts.year is not None:
        return parts.year
    if ref is None:
        return None
    if parts.year_offset is not None:
        return ref.year + parts.year_offset
    try:
        begins = date(ref.year, first_month, first_day)
    except ValueError:
        begins = _last_day(ref.year, first_month)
    return ref.year - 1 if begins > _add_months(ref, 6) else ref.year


def _base(parts: _Parts, ref: date | None, anchor: Period | None) -> Period | None:
    """The period one side of a time names, before 截至/以来/自 open it."""
    if parts.span is not None:
        if ref is None:
            return None
        count, unit = parts.span
        begins = _add_years(ref, -count) if unit == "year" else _add_months(ref, -count)
        return Period(begins, ref)
    if parts.anchor is not None:
        return Period(parts.anchor, parts.anchor)
    if parts.plan is not None:
        first = 1981 + 5 * (parts.plan - 6)
        return Period(date(first, 1, 1), date(first + 4, 12, 31))
    own = parts.day is not None or parts.day_offset is not None or parts.months is not None or parts.year is not None
    if parts.same and parts.same != "period" and not own:
        # 当年, 当月, 当日: the year, month or day of the period the sentence named before
        if anchor is None or anchor.start is None or anchor.end is None:
            return None
        start, end = anchor.start, anchor.end
        if parts.same == "year" and start.year == end.year:
            return Period(date(start.year, 1, 1), date(start.year, 12, 31))
        if parts.same == "month" and (start.year, start.month) == (end.year, end.month):
            return Period(start.replace(day=1), _last_day(start.year, start.month))
        if parts.same == "day" and start == end:
            return Period(start, end)
        return None
    if parts.same == "period":
        if anchor is None or anchor.start is None or anchor.end is None:
            return None
        if parts.year is not None:
            shift = parts.year - anchor.start.year
        else:
            shift = parts.year_offset or 0
        end = _add_years(anchor.end, shift)
        if anchor.end == _last_day(anchor.end.year, anchor.end.month):
            end = _last_day(end.year, end.month)  # 1-2月 of a leap year ends on the 29th
        return Period(_add_years(anchor.start, shift), end)
    if parts.day is not None:
        month, day = parts.day
        if month is None:
            if ref is None or parts.year is not None or parts.year_offset is not None:
                return None
            month_start = ref.replace(day=1) if day <= ref.day else _add_months(ref.replace(day=1), -1)
            year, month = month_start.year, month_start.month
        else:
            year = _year_for(parts, ref, month, day)
        if year is None:
            return None
        try:
            one = date(year, month, day)
        except ValueError:
            return None
        return Period(one, one)
    if parts.weekday is not None:
        if ref is None:
            return None
        weeks, weekday = parts.weekday
        one = ref - timedelta(days=ref.weekday()) + timedelta(days=7 * weeks + weekday)
        return Period(one, one)
    if parts.month_offset is not None:
        if ref is None or parts.year is not None or parts.year_offset is not None:
            return None
        first = _add_months(ref.replace(day=1), parts.month_offset)
        if parts.ten_days is not None:
            low, last = parts.ten_days
            return Period(first.replace(day=low), _last_day(first.year, first.month) if last >= 28 else first.replace(day=last))
        return Period(first, _last_day(first.year, first.month))
    if parts.day_offset is not None:
        if ref is None:
            return None
        one = ref + timedelta(days=parts.day_offset)
        return Period(one, one)
    if parts.months is not None:
        low, high = parts.months
        year = _year_for(parts, ref, low)
        if year is None:
            return None
        if parts.ten_days is not None:
            if low != high:
                return None
            first, last = parts.ten_days
            end = _last_day(year, high) if last >= 28 else date(year, high, last)
            return Period(date(year, low, first), end)
        return Period(date(year, low, 1), _last_day(year, high))
    if parts.fiscal_month is not None and parts.year is not None:
        month = parts.fiscal_month
        last = _last_day(parts.year + 1, month - 1) if month > 1 else _last_day(parts.year, 12)
        return Period(date(parts.year, month, 1), last)
    if parts.year is not None or parts.year_offset is not None:
        year = _year_for(parts, ref, 1)
        if year is None:
            return None
        return Period(date(year, 1, 1), date(year, 12, 31))
    return None


def resolve_period(
    time: str | None, ref: date | None, *, region: str | None = None, anchor: Period | None = None,
    rules: RuleSet | None = None,
) -> Period | None:
    """The calendar period of a time expression against the article's date `ref`; None when it cannot be resolved.

    `anchor` is the period that 同期 refers to (the one the sentence names before it).

    >>> resolve_period("去年", date(2021, 5, 10))
    Period(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31))
    >>> resolve_period("截至7月底", date(2020, 8, 20))
    Period(start=None, end=datetime.date(2020, 7, 31))
    >>> resolve_period("每月", date(2020, 8, 20)) is None
    True
    """
    if not time:
        return None
    compiled = period_rules(rules if rules is not None else _builtin())
    key = (id(compiled), time, ref, region, anchor)
    if key in _RESOLVED:
        return _RESOLVED[key]
    if len(_RESOLVED) >= _RESOLVED_MAX:
        _RESOLVED.clear()
    period = _resolve(time, ref, region, anchor, compiled)
    _RESOLVED[key] = period
    return period


def _resolve(time: str, ref: date | None, region: str | None, anchor: Period | None, compiled: PeriodRules) -> Period | None:
    pieces = _pieces(time.strip(), compiled, region)
    if not pieces:
        return None
    sides: list[_Parts] = [_Parts()]
    until = since = from_ = False
    for rule, match in pieces:
        kind = rule.get("kind")
        if kind == "until" and not sides[-1].content and len(sides) == 1:
            until = True
        elif kind in ("until", "join") and sides[-1].content:
            sides.append(_Parts())
        elif kind == "since":
            since = True
        elif kind == "from":
            from_ = True
        elif kind in ("until", "join"):
            return None
        elif not _read(rule, match, sides[-1]):
            return None
    if not sides[-1].content:
        if len(sides) > 1:
            return None  # 2016年至: a join with nothing after it
        if since and ref is not None and not until:
            return Period(None, ref)  # 至今 alone
        return None
    if len(sides) > 1 and any(side.same for side in sides):
        return None  # 2013-2018年同期: the same months of several years, no one period
    first = _base(sides[0], ref, anchor)
    if first is None:
        return None
    if len(sides) == 2:
        second_parts = sides[1]
        if second_parts.year is None and second_parts.year_offset is None and first.start is not None:
            second_parts.year = (first.end or first.start).year
        if second_parts.day is not None and second_parts.day[0] is None and sides[0].day is not None and first.end is not None:
            second_parts.day = (first.end.month, second_parts.day[1])  # 1月1日至17日
        second = _base(second_parts, ref, anchor)
        if second is None or first.start is None or second.end is None or second.end < first.start:
            return None
        period = Period(first.start, second.end)
    elif len(sides) > 2:
        return None
    else:
        period = first
    edge = sides[0].edge or (sides[-1].edge if len(sides) > 1 else None)
    if edge == "start":
        period = Period(period.start, period.start)
    elif edge == "end":
        period = Period(period.end, period.end)
    if until:
        return Period(None, period.end)
    if since:
        return Period(period.start, ref)
    if from_:
        return Period(period.start, None)
    return period


@lru_cache(maxsize=1)
def _builtin() -> RuleSet:
    from ..rules import load_rules

    return load_rules()


# ---------------------------------------------------------------------------------------------
# the article's date and region


def _date_of(match: regex.Match[str], reference: date | None) -> date | None:
    groups = match.groupdict()
    try:
        day = int(groups.get("d") or 0)
        month = int(groups["m"]) if groups.get("m") else None
        year = int(groups["y"]) if groups.get("y") else None
    except ValueError:
        return None
    if year is not None and month is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if reference is None:
        return None
    # the nearest such date on or before a few days after the reference (a page is dated the day
    # it went up, at most a little after its dateline)
    candidates = []
    if month is not None:
        for year in (reference.year - 1, reference.year, reference.year + 1):
            try:
                candidates.append(date(year, month, day))
            except ValueError:
                pass
    else:
        for back in (0, 1, 2):
            first = _add_months(reference.replace(day=1), -back)
            try:
                candidates.append(first.replace(day=day))
            except ValueError:
                pass
    candidates = [c for c in candidates if c <= reference + timedelta(days=3)]
    return max(candidates) if candidates else None


def find_dateline(
    text: str, *, dropped: Sequence[str] = (), reference: date | None = None, rules: RuleSet | None = None
) -> tuple[date | None, str]:
    """The date of the article's dateline (head of `text`) or publication line (`dropped` lines), and the rule id.

    A dateline without a year is completed from a full dateline or publication line of the page,
    else from `reference`; without either it gives nothing.

    >>> find_dateline("标题\\n本报讯（2020-04-25）青禾县今年新建农家书屋42个。")
    (datetime.date(2020, 4, 25), 'dateline.bracketed')
    >>> find_dateline("新华社北京4月25日电 记者获悉。", dropped=["2020-04-25 10:12 来源：新华社"])
    (datetime.date(2020, 4, 25), 'dateline.month_day')
    """
    compiled = period_rules(rules if rules is not None else _builtin())
    full: tuple[date, str] | None = None
    partial: list[tuple[regex.Match[str], str]] = []
    lines = text.split("\n", 8)
    for rule, pattern in compiled.datelines:
        if rule.get("scope") == "head":
            sources: Iterable[str] = ["\n".join(lines[: rule.get("lines", 3)])]
        else:
            sources = dropped
        for source in sources:
            match = pattern.search(source)
            if not match:
                continue
            if match.groupdict().get("y"):
                found = _date_of(match, None)
                if found is not None:
                    if full is None or (rule.get("scope") == "head" and not full[1].startswith("head")):
                        full = (found, ("head:" if rule.get("scope") == "head" else "dropped:") + rule.id)
                    break
            else:
                partial.append((match, rule.id))
                break
    completion = full[0] if full is not None else reference
    if full is not None and full[1].startswith("head:"):
        return full[0], full[1].split(":", 1)[1]
    for match, rule_id in partial:
        found = _date_of(match, completion)
        if found is not None:
            return found, rule_id
    if full is not None:
        return full[0], full[1].split(":", 1)[1]
    return None, ""


def is_traditional(original: str, simplified: str) -> bool | None:
    """Whether an article was written in traditional script: its conversion changed enough of its
    Chinese characters; None when its head has too few of them to tell (an English article).

    >>> is_traditional("這個國家的經濟發展很快", "这个国家的经济发展很快"), is_traditional("这个国家的经济发展很快", "这个国家的经济发展很快")
    (True, False)
    >>> is_traditional("Speech by the Chief Justice at 終審法院", "Speech by the Chief Justice at 终审法院") is None
    True
    >>> is_traditional(chr(0xD800) + "這個國家的經濟發展很快", chr(0xD800) + "这个国家的经济发展很快")  # a lone surrogate (JSON input)
    True
    """
    head, converted = original[:SCRIPT_CHARS], simplified[:SCRIPT_CHARS]
    # characters outside ASCII, counted from the UTF-8 length (a CJK character takes 3 bytes)
    # instead of one by one: counting them costs more than the whole check
    wide = (len(head.encode("utf-8", "surrogatepass")) - len(head)) // 2  # (a lone surrogate counts as wide)
    if wide < MIN_WIDE_CHARS:
        return None
    if head == converted:
        return False
    return _changed(head, converted) / wide >= TRADITIONAL_SHARE


def _changed(a: str, b: str) -> int:
    """How many of the first min(len(a), len(b)) characters differ between `a` and `b`, compared as
    UTF-32 code units by numpy (a tenth of the time of comparing the characters one by one).

    >>> _changed("國家發展", "国家发展"), _changed("國家", "国家发展"), _changed("", "国"), _changed(chr(0xD800) + "國", chr(0xD800) + "国")
    (2, 1, 0, 1)
    """
    import numpy

    n = min(len(a), len(b))
    # (a lone surrogate, which JSON input can carry, is one code unit as any other character)
    codes = [numpy.frombuffer(text[:n].encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32) for text in (a, b)]
    return int(numpy.count_nonzero(codes[0] != codes[1]))


def article_region(text: str, *, traditional: bool | None, rules: RuleSet | None = None) -> str | None:
    """The article's region from its script and the region words of its clean text.

    Simplified script is mainland; traditional script takes the region whose words occur most
    (None without any); unknown script (clean text given) is mainland unless one region's words
    occur `UNKNOWN_SCRIPT_CUES` times.

    >>> article_region("全港约三成市民受惠,立法会通过", traditional=True)
    'HK'
    >>> article_region("全港约三成市民受惠", traditional=False)
    'mainland'
    """
    if traditional is False:
        return "mainland"
    compiled = period_rules(rules if rules is not None else _builtin())
    counts: dict[str, int] = {}
    if compiled.region_pattern is not None:
        for match in compiled.region_pattern.finditer(text[:REGION_CHARS]):
            region = compiled.region_words[match.group()]
            counts[region] = counts.get(region, 0) + 1
    best = max(counts.items(), key=lambda item: item[1], default=None)
    if traditional:
        return best[0] if best else None
    return best[0] if best and best[1] >= UNKNOWN_SCRIPT_CUES else "mainland"


def article_info(
    text: str, *, dropped: Sequence[str] = (), meta_date: date | str | None = None, default_date: date | str | None = None,
    traditional: bool | None = None, meta_region: str | None = None, rules: RuleSet | None = None,
) -> ArticleInfo:
    """The article's date (metadata, else dateline or publication line, else `default_date`) and region."""
    meta, default = _as_date(meta_date), _as_date(default_date)
    if meta is not None:
        found, source = meta, "metadata"
    else:
        found, source = find_dateline(text, dropped=dropped, reference=default, rules=rules)
        if found is None and default is not None:
            found, source = default, "--date"
    region = meta_region if meta_region in REGIONS else article_region(text, traditional=traditional, rules=rules)
    return ArticleInfo(date=found, date_source=source, region=region)


def _as_date(value: date | str | None) -> date | None:
    """A date of a metadata value: a date, or a string that starts with an ISO date or is an RFC 2822 date."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    match = regex.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        from email.utils import parsedate_to_datetime

        moment = parsedate_to_datetime(text)
        if moment.tzinfo is not None:
            # every region of these articles keeps UTC+8: 20:00 GMT is the next morning there
            moment = moment.astimezone(timezone(timedelta(hours=8)))
        return moment.date()
    except (TypeError, ValueError, IndexError):
        return None


# ---------------------------------------------------------------------------------------------
# currency and the claims


def claim_currency(claim: Claim, text: str, region: str | None, *, rules: RuleSet | None = None) -> str | None:
    """The ISO 4217 code of a money claim: a currency word in or beside its quantity, else its unit in the region's reading."""
    if claim.kind != "money":
        return None
    compiled = period_rules(rules if rules is not None else _builtin())
    inside = claim.quantity
    before = text[max(0, claim.start - CURRENCY_REACH): claim.start]
    after = text[claim.end: claim.end + CURRENCY_REACH]
    for place in (inside, after, before):
        best: tuple[int, str] | None = None
        for word, code in compiled.currency_words:
            at = place.find(word)
            if at < 0:
                continue
            if place is after and at != 0:
                continue  # after the quantity only right after it: 300万元人民币
            if place is before and at + len(word) != len(place):
                continue  # before it only right before it: 人民币300万元
            if best is None or len(word) > best[0]:
                best = (len(word), code)
        if best is not None:
            return best[1]
    for rule in compiled.currency_units:
        regions = rule.get("region")
        if claim.unit in rule.get("unit", []) and (regions is None or region in regions):
            return rule.get("code")
    return None


def sentence_anchor(
    sentence: str, time: str, ref: date | None, *, region: str | None = None, rules: RuleSet | None = None, forward: bool = True,
    not_now: bool = False,
) -> Period | None:
    """The period that 同期 in `sentence` refers to: the nearest resolvable, closed time before `time` in it, else after it.

    >>> sentence_anchor("一季度全市出口增长8%,同期进口增长3%", "同期", date(2022, 5, 16))
    Period(start=datetime.date(2022, 1, 1), end=datetime.date(2022, 3, 31))
    """
    at = sentence.find(time)
    if at < 0:
        at = len(sentence)
    # the nearest before the time (1—4月…, 去年同期…), else the first after it (去年同期…, 今年1季度…)
    before = list(_TIME_CANDIDATE.finditer(sentence[:at]))
    after = list(_TIME_CANDIDATE.finditer(sentence[at + len(time):])) if forward else []
    for match in [*reversed(before), *after]:
        period = resolve_period(match.group(), ref, region=region, rules=rules)
        if period is not None and period.start is not None and period.end is not None:
            if not_now and _holds(period, ref):
                continue  # 当年 and 当日 look back: 如今…当日 is not today
            return period
    return None


def _holds(period: Period, day: date | None) -> bool:
    return day is not None and period.start is not None and period.end is not None and period.start <= day <= period.end


def refers_back(time: str, region: str | None = None, rules: RuleSet | None = None) -> str | None:
    """Whether a time refers to another one (a `same` piece): "period" for 同期, "year", "month" or "day" for 当年, 当月, 当日; else None.

    >>> refers_back("去年同期"), refers_back("当年"), refers_back("今年")
    ('period', 'year', None)
    """
    compiled = period_rules(rules if rules is not None else _builtin())
    key = (id(compiled), "refers", time, region)
    if key not in _RESOLVED:
        kinds = [rule.get("unit", "period") for rule, _m in _pieces(time.strip(), compiled, region) or () if rule.get("kind") == "same"]
        _RESOLVED[key] = kinds[0] if kinds else None
    return _RESOLVED[key]


#: Candidate time expressions of a sentence for the anchor of 同期: runs of digits, numerals and
#: calendar characters (each run is resolved by the period rules, which decide).
_TIME_CANDIDATE = regex.compile(r"[0-9０-９一二三四五六七八九十两上下前今去本明首第季度半年月份日至到\-—–~]{2,}")


def annotate_claims(claims: list[Claim], text: str, info: ArticleInfo, *, rules: RuleSet | None = None) -> None:
    """Set `article_date`, `region`, `period_start`, `period_end` and `currency` on the claims of one article."""
    stamp = info.date.isoformat() if info.date else None
    # the last closed period of each line (paragraph): what a 同期 whose sentence names none refers to
    line_period: dict[int, Period] = {}
    for claim in claims:
        claim.article_date = stamp
        claim.region = info.region
        period = None
        if claim.time:
            line = text.rfind("\n", 0, claim.start)
            anchor = None
            refers = refers_back(claim.time, info.region, rules)
            if refers:
                back = refers != "period"
                anchor = sentence_anchor(
                    claim.sentence, claim.time, info.date, region=info.region, rules=rules, forward=not back, not_now=back
                )
                last = line_period.get(line)
                if anchor is None and last is not None and not (back and _holds(last, info.date)):
                    anchor = last
            period = resolve_period(claim.time, info.date, region=info.region, anchor=anchor, rules=rules)
            if period is not None and period.start and period.end and not refers:
                line_period[line] = period
        claim.period_start = period.start.isoformat() if period and period.start else None
        claim.period_end = period.end.isoformat() if period and period.end else None
        claim.currency = claim_currency(claim, text, info.region, rules=rules)
