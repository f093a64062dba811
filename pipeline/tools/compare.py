"""Compare claims across articles: group the claims that state the same measure, list the groups whose values disagree.

Input: claim rows as `zhclaims extract` writes them (JSON Lines or CSV). A claim's measure is
the key (entity, place, period, unit, role), each part normalised by the `[[compare]]` rules
(rules/compare.toml):

- entity: synonyms replaced, words of totality stripped (累计, 总, …病例总数), none for a
  generic entity (人, 当中);
- place: `where_code`, else the `where` (none for a deictic one: 全市, 该县), else, without a
  where, the article's `region` when it is one whose claims are about the territory (HK, MO, TW);
- period: `period_start`/`period_end` when the rows have them, else the `time` (a year is on the
  calendar by itself; a relative time, or none, only with the article's date: `article_date` or
  `date`);
- unit and `currency` (when the rows have it); role: a level (none, `to`), an old value
  (`from`), or a change (`delta`).

A claim whose key lacks a part is not compared (the report counts why). A group is a key stated
by at least two articles; its values disagree when two claims of different articles do not meet
within the tolerance (a claim is the interval its qualifier and range give: `约`, `超过`, `3–5`).
An article whose own claims of one key disagree names two measures by one key (新增 and 累计
both read as 病例): it is left out of that group. Articles that state a key in the same
sentences (a reposted article, a wire copy) are one source: a key needs two sources to be a group.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import regex

from ..claim import parse_json_line
from ..rules import RuleSet

#: Default relative tolerance: two values within it of each other agree.
DEFAULT_TOLERANCE = Decimal("0.02")
#: The relative width of an approximate value (约3000: 2700–3300).
APPROX_MARGIN = Decimal("0.1")
#: The article fields shown with each claim (the corpora's metadata, when the rows have it).
ARTICLE_FIELDS = ("title", "date", "url")


@dataclass(slots=True)
class CompareRules:
    """The `[[compare]]` rules of a rule set, compiled."""

    strip_before: list[str] = field(default_factory=list)
    keep: tuple[str, ...] = ()
    strip_after: list[str] = field(default_factory=list)
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    generic: frozenset[str] = frozenset()
    skip_kinds: frozenset[str] = frozenset()
    deictic: list[regex.Pattern[str]] = field(default_factory=list)
    implicit: frozenset[str] = frozenset()
    now: frozenset[str] = frozenset()
    absolute: list[regex.Pattern[str]] = field(default_factory=list)
    attributive: frozenset[str] = frozenset()
    record_verbs: tuple[str, ...] = ()
    place_synonyms: dict[str, str] = field(default_factory=dict)
    #: the share cues of the extraction rules (entity_cue use "share": 占): what follows is a share's base
    share_cues: tuple[str, ...] = ()

    @classmethod
    def from_rules(cls, rules: RuleSet) -> CompareRules:
        """Collect the `[[compare]]` rules by use (longest surfaces first)."""
        out = cls()
        keep: list[str] = []
        generic: set[str] = set()
        kinds: set[str] = set()
        implicit: set[str] = set()
        now: set[str] = set()
        attributive: set[str] = set()
        record: list[str] = []
        for rule in rules.section("compare"):
            use, surface = rule.get("use"), rule.get("surface", [])
            if use == "strip_before":
                out.strip_before.extend(surface)
                keep.extend(rule.get("keep", []))
            elif use == "strip_after":
                out.strip_after.extend(surface)
            elif use == "synonym":
                out.synonyms.extend((s, rule.get("canonical", "")) for s in surface)
            elif use == "generic":
                generic.update(surface)
            elif use == "skip_kind":
                kinds.update(surface)
            elif use == "deictic_where" and rule.get("pattern"):
                out.deictic.append(regex.compile(rule.get("pattern")))
            elif use == "implicit_where":
                implicit.update(surface)
            elif use == "now":
                now.update(surface)
            elif use == "absolute_time" and rule.get("pattern"):
                out.absolute.append(regex.compile(rule.get("pattern")))
            elif use == "attributive_branch":
                attributive.update(surface)
            elif use == "record_verb":
                record.extend(surface)
            elif use == "place_synonym":
                out.place_synonyms.update((s, rule.get("canonical", "")) for s in surface)
        out.strip_before.sort(key=len, reverse=True)
        out.strip_after.sort(key=len, reverse=True)
        out.synonyms.sort(key=lambda pair: len(pair[0]), reverse=True)
        out.keep, out.generic, out.skip_kinds = tuple(keep), frozenset(generic), frozenset(kinds)
        out.implicit, out.now = frozenset(implicit), frozenset(now)
        out.attributive, out.record_verbs = frozenset(attributive), tuple(record)
        shares = [s for r in rules.section("entity_cue") if r.get("use") == "share" for s in r.get("surface", [])]
        out.share_cues = tuple(sorted(shares, key=len, reverse=True))
        return out

    def with_base(self, entity: str | None, sentence: str | None) -> str | None:
        """A share's entity with its base when the sentence names one right before it (占GDP的比重: GDP的比重),
        so shares of different wholes are different measures.

        >>> r = CompareRules(share_cues=("占",))
        >>> r.with_base("比重", "卫生费用占GDP的比重为6.7%"), r.with_base("比重", "园区产值占全国比重超14%"), r.with_base("比重", "比重为6.7%")
        ('GDP的比重', '全国比重', '比重')
        """
        if not entity or not sentence or not self.share_cues:
            return entity
        at = sentence.find(entity)
        if at <= 0:
            return entity
        before = sentence[:at]
        for cue in self.share_cues:
            start = before.rfind(cue)
            base = before[start + len(cue):] if start >= 0 else ""
            if base and len(base) <= MODIFIER_CHARS and not _CLAUSE_BREAK.search(base):
                return base + entity
        return entity

    def states_measure(self, sentence: str | None, quantity: str | None, rule: str | None) -> bool:
        """Whether a claim states a measure: a quantity before its noun (7名警员到场: entity branch in
        `attributive`) does only after a record verb (录得15宗个案); any other claim does.

        >>> r = CompareRules(attributive=frozenset({"entity.np_after"}), record_verbs=("录得",))
        >>> r.states_measure("7名警员到场", "7名", "count.ming+entity.np_after"), r.states_measure("今日录得7宗个案", "7宗", "count.zong+entity.np_after")
        (False, True)
        """
        if not any(part in self.attributive for part in (rule or "").split("+")):
            return True
        at = (sentence or "").find(quantity or "\0")
        return at > 0 and (sentence or "")[:at].rstrip().endswith(self.record_verbs)

    def entity(self, entity: str | None) -> str | None:
        """The entity as a measure's name: synonyms replaced, totality words stripped; None for a generic one.

        >>> r = CompareRules(strip_before=["累计"], synonyms=[("个案", "病例")], generic=frozenset({"人"}))
        >>> r.entity("累计确诊个案"), r.entity("累计人"), r.entity(None)
        ('确诊病例', None, None)
        """
        if not entity:
            return None
        text = entity
        for surface, canonical in self.synonyms:
            text = text.replace(surface, canonical)
        changed = True
        while changed:
            changed = False
            if not text.startswith(self.keep):
                for word in self.strip_before:
                    # one character (总, 全) leaves a word of two at least: 总统 is no 统
                    if text.startswith(word) and len(text) - len(word) >= (2 if len(word) == 1 else 1):
                        text, changed = text[len(word):], True
                        break
            for word in self.strip_after:
                if text.endswith(word) and len(text) - len(word) >= 1:
                    text, changed = text[: -len(word)], True
                    break
        return None if text in self.generic else text

    def place(self, where: str | None, where_code: str | None, region: str | None) -> tuple[str, str] | None:
        """The place part of a key: ('code', C), ('name', where), ('code', region) for a claim without a where; else None.

        >>> r = CompareRules(deictic=[regex.compile("^全市$")], implicit=frozenset({"HK"}))
        >>> r.place("全市", None, None), r.place("医管局", None, "HK"), r.place(None, None, "HK"), r.place("全市", "440300", None)
        (None, ('name', '医管局'), ('code', 'HK'), ('code', '440300'))
        """
        if where_code:
            return ("code", where_code)
        if where:
            return None if any(p.search(where) for p in self.deictic) else ("name", self.place_synonyms.get(where, where))
        if region is None:
            return ("none", "")  # rows without a region (before it was extracted): no place said
        return ("code", region) if region in self.implicit else None

    def period(self, time: str | None, date: str | None) -> tuple[str, str | None] | None:
        """The period of a time: (the time, None) when it names a year; else (the time, or "" for the
        article's date, and that date); None for a relative time without a date.

        >>> r = CompareRules(now=frozenset({"目前"}), absolute=[regex.compile(r"20\\d\\d")])
        >>> r.period("2020年", None), r.period("目前", "2021-03-04"), r.period(None, "2021-03-04"), r.period("去年", None)
        (('2020年', None), ('', '2021-03-04'), ('', '2021-03-04'), None)
        """
        if time and any(p.search(time) for p in self.absolute):
            return time, None
        if not date:
            return None
        if not time or time in self.now:
            return "", date
        return time, date


@dataclass(frozen=True, slots=True)
class MeasureKey:
    """What a claim measures: comparable claims share it. `date` is the article's date a relative time (or none) is read at."""

    entity: str
    place: tuple[str, str]
    period: str
    unit: str
    role: str
    date: str | None = None
    #: the last article date of a group whose claims' dates lie within the window (compare --window)
    date_to: str | None = None

    def when(self) -> str:
        """The period as shown: the time, the article date(s) it is read at, or both."""
        dates = (self.date or "") + (f"…{self.date_to}" if self.date_to and self.date_to != self.date else "")
        if not dates:
            return self.period
        return f"{self.period}@{dates}" if self.period else dates

    def label(self) -> str:
        """One line naming the measure."""
        place = self.place[1] or "—"
        return f"{self.entity} · {place} · {self.when()} · {self.unit or '—'}" + ("" if self.role == "level" else f" · {self.role}")


@dataclass(slots=True)
class Entry:
    """One claim row in a comparison: its row and the interval its value stands for."""

    row: dict[str, Any]
    low: Decimal
    high: Decimal

    @property
    def doc(self) -> str:
        return str(self.row.get("doc", ""))


@dataclass(slots=True)
class Group:
    """The claims of several articles that share a key."""

    key: MeasureKey
    entries: list[Entry]
    disagree: bool
    #: articles left out: their own claims of this key disagree
    mixed: list[str] = field(default_factory=list)

    def shown(self) -> list[Entry]:
        """One claim per article and value (an article that repeats a figure shows it once)."""
        seen: dict[tuple[str, str], Entry] = {}
        for entry in self.entries:
            seen.setdefault((entry.doc, show_value(entry.row)), entry)
        return list(seen.values())

    def docs(self) -> list[str]:
        """The articles of the group, in order of first claim."""
        return list(dict.fromkeys(e.doc for e in self.entries))

    def values(self) -> list[tuple[str, list[str]]]:
        """Each distinct value as written (value or range, unit) with the articles that give it."""
        by_value: dict[str, list[str]] = {}
        for entry in self.entries:
            by_value.setdefault(show_value(entry.row), [])
            if entry.doc not in by_value[show_value(entry.row)]:
                by_value[show_value(entry.row)].append(entry.doc)
        return list(by_value.items())


@dataclass(slots=True)
class CompareReport:
    """Groups of comparable claims, and how many claims could not be compared and why."""

    claims: int
    articles: int
    tolerance: Decimal
    groups: list[Group]
    skipped: dict[str, int]
    window: int = 0

    @property
    def disagreeing(self) -> list[Group]:
        """The groups whose values disagree."""
        return [g for g in self.groups if g.disagree]


def read_claim_rows(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The claim rows of `zhclaims extract` outputs (.jsonl, or .csv), numbers exact."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if path.suffix.lower() == ".csv":
                for row in csv.DictReader(handle):
                    rows.append({k: (v if v != "" else None) for k, v in row.items()})
            else:
                rows.extend(parse_json_line(line) for line in handle if line.strip())
    return rows


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def interval(row: dict[str, Any]) -> tuple[Decimal, Decimal] | None:
    """The values a claim allows: its range, widened for 约, open for 超过/以上/不足 (None when it has no value).

    >>> interval({"value": 100, "qualifier": "approx"}), interval({"value": 5, "high": 8}), interval({"value": 3, "qualifier": "gt"})[0]
    ((Decimal('90.0'), Decimal('110.0')), (Decimal('5'), Decimal('8')), Decimal('3'))
    """
    low = _decimal(row.get("value"))
    if low is None:
        return None
    high = _decimal(row.get("high")) or low
    qualifier = row.get("qualifier")
    if qualifier == "approx":
        return low - abs(low) * APPROX_MARGIN, high + abs(high) * APPROX_MARGIN
    if qualifier in ("gt", "ge"):
        return low, Decimal("Infinity")
    if qualifier in ("lt", "le"):
        return Decimal("-Infinity"), high
    return low, high


def agree(a: Entry, b: Entry, tolerance: Decimal) -> bool:
    """Whether two claims' intervals meet once each is widened by `tolerance` (relative)."""
    def widen(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
        lo = low - abs(low) * tolerance if low.is_finite() else low
        hi = high + abs(high) * tolerance if high.is_finite() else high
        return lo, hi

    alo, ahi = widen(a.low, a.high)
    blo, bhi = widen(b.low, b.high)
    return alo <= bhi and blo <= ahi


def article_date(row: dict[str, Any]) -> str | None:
    """The article's date (YYYY-MM-DD) of a row: `article_date`, else the corpus metadata's `date` (or `meta.date`).

    >>> article_date({"date": "2018-02-10 10:26:13"}), article_date({"meta": {"date": "2020-01-02"}}), article_date({})
    ('2018-02-10', '2020-01-02', None)
    """
    meta = row.get("meta") if isinstance(row.get("meta"), dict) else {}
    for value in (row.get("article_date"), row.get("date"), meta.get("date")):
        if value:
            text = str(value)
            return text[:10] if regex.match(r"\d{4}-\d\d-\d\d", text) else text
    return None


_CLAUSE_BREAK = regex.compile(r"[\p{P}\p{Nd}\s]")
#: The longest stretch between a place and the entity that is read as part of the measure.
MODIFIER_CHARS = 12


def with_modifiers(row: dict[str, Any], times: Iterable[str] = ()) -> str | None:
    """The entity with the words between the claim's place and it in its clause (全国|铁路完成|固定资产投资:
    the railways' investment, not the country's), which the entity reader leaves out; the claim's
    time and `times` (the article's date words) there are not part of it.

    >>> with_modifiers({"entity": "投资", "where": "全国", "sentence": "全国铁路完成投资10亿元"})
    '铁路完成投资'
    >>> with_modifiers({"entity": "投资", "where": "全国", "time": "今年", "sentence": "全国今年投资完成10亿元"})
    '投资'
    """
    entity, where, sentence = row.get("entity"), row.get("where"), row.get("sentence") or ""
    if not entity or not where:
        return entity
    at = sentence.find(where)
    if at < 0:
        return entity
    end = sentence.find(entity, at + len(where))
    between = sentence[at + len(where) : end] if end >= 0 else ""
    for time in (row.get("time"), *times):
        if time:
            between = between.replace(time, "")
    if not between or len(between) > MODIFIER_CHARS or _CLAUSE_BREAK.search(between):
        return entity
    return between + entity


def measure_key(row: dict[str, Any], rules: CompareRules) -> MeasureKey | str:
    """The claim's key, or why it has none (`kind`, `entity`, `attributive`, `place`, `period`)."""
    if row.get("kind") in rules.skip_kinds:
        return "kind"
    entity = rules.entity(rules.with_base(with_modifiers(row, rules.now), row.get("sentence")))
    if entity is None:
        return "entity"
    if not rules.states_measure(row.get("sentence"), row.get("quantity"), row.get("rule")):
        return "attributive"
    place = rules.place(row.get("where"), row.get("where_code"), row.get("region"))
    if place is None:
        return "place"
    start, end = row.get("period_start"), row.get("period_end")
    period = (f"{start or '…'}/{end or '…'}", None) if start or end else rules.period(row.get("time"), article_date(row))
    if period is None:
        return "period"
    unit = str(row.get("unit") or "") + (f" {row['currency']}" if row.get("currency") else "")
    role = {"from": "from", "delta": "delta"}.get(row.get("role") or "", "level")
    return MeasureKey(entity, place, period[0], unit, role, period[1])


def _day(date: str) -> int | None:
    from datetime import date as Date

    try:
        return Date.fromisoformat(date).toordinal()
    except ValueError:
        return None


def within_window(by_key: dict[MeasureKey, list[Entry]], window: int) -> dict[MeasureKey, list[Entry]]:
    """Join the keys that differ only by article dates at most `window` days apart (a run of such dates is one key)."""
    if window <= 0:
        return by_key
    runs: dict[MeasureKey, list[tuple[int, MeasureKey]]] = defaultdict(list)
    out: dict[MeasureKey, list[Entry]] = {}
    for key, entries in by_key.items():
        day = _day(key.date) if key.date else None
        if day is None:
            out[key] = entries
        else:
            runs[replace(key, date=None)].append((day, key))
    for dated in runs.values():
        dated.sort(key=lambda pair: pair[0])
        run: list[tuple[int, MeasureKey]] = []
        for day, key in [*dated, (None, None)]:
            if run and (day is None or day - run[-1][0] > window):
                first, last = run[0][1], run[-1][1]
                out[replace(first, date_to=last.date)] = [e for _, k in run for e in by_key[k]]
                run = []
            if key is not None:
                run.append((day, key))
    return out


def compare_claims(
    rows: Iterable[dict[str, Any]], rules: CompareRules, tolerance: Decimal = DEFAULT_TOLERANCE, window: int = 0
) -> CompareReport:
    """Group the claims of different articles by measure and mark the groups whose values disagree.

    `window`: claims read at article dates (no time, 目前, or a relative time) of articles at most
    that many days apart are of one period (0: the same day)."""
    by_key: dict[MeasureKey, list[Entry]] = defaultdict(list)
    skipped: dict[str, int] = defaultdict(int)
    count = 0
    docs: set[str] = set()
    for row in rows:
        count += 1
        docs.add(str(row.get("doc", "")))
        key = measure_key(row, rules)
        span = interval(row)
        if isinstance(key, str) or span is None:
            skipped[key if isinstance(key, str) else "value"] += 1
            continue
        by_key[key].append(Entry(row, *span))
    groups: list[Group] = []
    for key, entries in within_window(by_key, window).items():
        per_doc: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            per_doc[entry.doc].append(entry)
        if len(per_doc) < 2:
            continue
        mixed = [d for d, es in per_doc.items() if any(not agree(a, b, tolerance) for a in es for b in es)]
        kept = [e for e in entries if e.doc not in mixed]
        sources = {frozenset(_sentence(e.row) for e in kept if e.doc == doc) for doc in {e.doc for e in kept}}
        if len(sources) < 2:
            continue  # one article, or articles that state it in the same sentences (a reposted article, wire copy)
        disagree = any(not agree(a, b, tolerance) for a in kept for b in kept if a.doc != b.doc)
        groups.append(Group(key, kept, disagree, mixed))
    groups.sort(key=lambda g: (not g.disagree, -len(g.docs()), g.key.label()))
    return CompareReport(count, len(docs), tolerance, groups, dict(skipped), window)


def _sentence(row: dict[str, Any]) -> str:
    return str(row.get("sentence") or row.get("context") or row.get("doc"))


def show_value(row: dict[str, Any]) -> str:
    """A claim's value as written in the report: quantity text, else value (and high) with unit."""
    quantity = row.get("quantity")
    if quantity:
        return str(quantity)
    value = f"{row.get('value')}" + (f"–{row.get('high')}" if row.get("high") is not None else "")
    return f"{value}{row.get('unit') or ''}"


def format_report(report: CompareReport, *, all_groups: bool = False) -> str:
    """The report as text: a summary, then each disagreeing group (every group with `all_groups`) with its claims."""
    skipped = ", ".join(f"{why} {n}" for why, n in sorted(report.skipped.items()))
    lines = [
        f"{report.claims} claims of {report.articles} articles; {len(report.groups)} measures stated by 2+ articles, "
        f"{len(report.disagreeing)} disagree (tolerance {report.tolerance:%}, window {report.window} days); "
        f"not compared: {skipped or 'none'}"
    ]
    shown = report.groups if all_groups else report.disagreeing
    for number, group in enumerate(shown, start=1):
        values = "; ".join(f"{value} ({len(docs)} article{'s' if len(docs) > 1 else ''})" for value, docs in group.values())
        lines.append("")
        lines.append(f"[{number}] {group.key.label()}  {'DISAGREE' if group.disagree else 'agree'}: {values}")
        if group.mixed:
            lines.append(f"    left out (its own claims disagree): {', '.join(group.mixed)}")
        for entry in group.shown():
            row = entry.row
            meta = "  ".join(str(row[k]) for k in ARTICLE_FIELDS if row.get(k))
            lines.append(f"    {show_value(row):>12}  {entry.doc}  {meta}".rstrip())
            lines.append(f"    {'':>12}  {row.get('sentence') or row.get('context') or ''}")
    return "\n".join(lines)


def _row_data(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


def report_to_json(report: CompareReport, *, all_groups: bool = False) -> str:
    """The report as one JSON object: the summary, and the groups with their claims (numbers as exact strings)."""
    shown = report.groups if all_groups else report.disagreeing
    data = {
        "claims": report.claims,
        "articles": report.articles,
        "tolerance": str(report.tolerance),
        "groups": len(report.groups),
        "disagreeing": len(report.disagreeing),
        "not_compared": report.skipped,
        "shown": [
            {
                "entity": g.key.entity, "place": g.key.place[1], "period": g.key.when(), "unit": g.key.unit,
                "role": g.key.role, "disagree": g.disagree, "articles": g.docs(), "left_out": g.mixed,
                "values": [{"value": v, "articles": d} for v, d in g.values()],
                "claims": [_row_data(e.row) for e in g.entries],
            }
            for g in shown
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


_PAGE_STYLE = """
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:1.5em;background:#f6f6f4;color:#222}
h1{font-size:1.3em} .summary{color:#555;margin-bottom:1.5em}
section{background:#fff;border:1px solid #ddd;border-radius:6px;margin:0 0 1.2em;padding:.8em 1em}
section.disagree{border-left:6px solid #c0392b} section.agree{border-left:6px solid #27ae60}
h2{font-size:1.05em;margin:.1em 0 .6em} .values{font-weight:normal;color:#444}
.row{display:flex;gap:.8em;overflow-x:auto}
.claim{flex:1 1 0;min-width:16em;border:1px solid #e3e3e3;border-radius:4px;padding:.5em .7em;background:#fcfcfb}
.value{font-size:1.5em;font-weight:bold} .meta{font-size:.85em;color:#666;margin:.2em 0}
.sentence{font-size:.95em;line-height:1.5} mark{background:#ffe08a}
.left{font-size:.85em;color:#a65}
"""


def _highlight(sentence: str, quantity: str) -> str:
    from html import escape

    at = sentence.find(quantity) if quantity else -1
    if at < 0:
        return escape(sentence)
    return escape(sentence[:at]) + "<mark>" + escape(quantity) + "</mark>" + escape(sentence[at + len(quantity):])


def render_html(report: CompareReport, *, all_groups: bool = False, title: str = "zhclaims compare") -> str:
    """A self-contained page: each group a row of its claims side by side (value, article, title, date, link, sentence); all text escaped."""
    from html import escape

    shown = report.groups if all_groups else report.disagreeing
    parts = [
        "<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_PAGE_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="summary">{escape(format_report(report).splitlines()[0])}</p>',
    ]
    for group in shown:
        values = "; ".join(f"{value} ×{len(docs)}" for value, docs in group.values())
        parts.append(f'<section class="{"disagree" if group.disagree else "agree"}">')
        parts.append(f'<h2>{escape(group.key.label())} <span class="values">— {escape(values)}</span></h2>')
        if group.mixed:
            parts.append(f'<p class="left">left out (its own claims disagree): {escape(", ".join(group.mixed))}</p>')
        parts.append('<div class="row">')
        for entry in group.shown():
            row = entry.row
            url = str(row.get("url") or "")
            doc = escape(entry.doc)
            name = f'<a href="{escape(url, quote=True)}">{doc}</a>' if url.startswith(("http://", "https://")) else doc
            meta = " · ".join(escape(str(row[k])) for k in ("date", "title") if row.get(k))
            sentence = str(row.get("sentence") or row.get("context") or "")
            parts.append(
                f'<div class="claim"><div class="value">{escape(show_value(row))}</div>'
                f'<div class="meta">{name}{" · " + meta if meta else ""}</div>'
                f'<div class="sentence">{_highlight(sentence, str(row.get("quantity") or ""))}</div></div>'
            )
        parts.append("</div></section>")
    parts.append("</body></html>")
    return "\n".join(parts)
