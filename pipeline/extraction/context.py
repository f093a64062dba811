"""A quantity's context: what is counted (entity), where, when, and its role in a change.

Pure functions over a tokenised, entity-tagged sentence; the cue words and patterns come from
`rules/context.toml` and `rules/entities.toml`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

import regex

from .libraries import import_spacy

import_spacy()  # spaCy without its command line, before any module of it (see libraries)
from spacy.tokens import Doc, Span, Token  # noqa: E402

from .nlp import TEXT_KEY, builtin_sentence_end, punctuation, sentence_end_pattern
from ..rules import Rule, RulePattern, RuleSet

_BRACKETS = set("“”‘’「」『』()（）《》")
_PUNCT = regex.compile(r"^[\p{P}\p{S}\s]+$")
_HAS_DIGIT = regex.compile(r"[0-9０-９]")
#: A code of Latin letters then digits (G79, A380, M2): a name, part of a noun phrase, no number.
_CODE = regex.compile(r"^[A-Za-z]+[0-9][A-Za-z0-9]*$")
_CLAUSE_END = regex.compile(r"[,，;；:：]")
_SCOPE = regex.compile(r"^全")
#: Characters at most between a date and a word that restates it (5月1日|开幕日|当天).
_APPOSITION_REACH = 6
#: Characters before and after a quantity that role cues are looked for in (cues end where it starts).
_ROLE_REACH = 120
#: How far after a quantity a time of its clause may come to scope it (约300名工人|今日): the
#: counted noun between, no more.
_AFTER_REACH = 4
_ANY_PUNCT = regex.compile(r"[\p{P}\s]")
#: How far (in multiples of a phrase's max_chars) a noun-phrase reader looks from its start.
_REACH = 8
_TITLE = regex.compile(r"《[^《》]*》")
#: A quote or name in corner brackets (「…」, 『…』): a time inside scopes only what is inside.
_QUOTE = regex.compile(r"「[^「」]*」|『[^『』]*』")
_DIGIT_AT = regex.compile(r"[0-9０-９]")
#: Prepositions a clause may open with before its place (在香港, 由柳州到南宁: the origin of a route).
_LEAD_PREPOSITION = regex.compile(r"^(?:在|对|于|据|截至|经|由)")
#: An occasion before a clause's subject (在发布会上, 于记者会中): no place, passed over like a time.
_LEAD_OCCASION = regex.compile(r"^(?:在|于)[^\p{P}\s在于]{1,8}?会(?:上|中|里)")


class ContextRules:
    """Compiled context rules of one rule set."""

    def __init__(self, rules: RuleSet) -> None:
        times = [(r, RulePattern(r)) for r in rules.section("time")]
        self.times = [(r, p) for r, p in times if not r.get("attach")]
        self.time_after = [(r, p) for r, p in times if r.get("attach") == "after"]
        self.time_before = [(r, p) for r, p in times if r.get("attach") == "before"]
        self.time_between = [(r, p) for r, p in times if r.get("attach") == "between"]
        self.weak_times = frozenset(r.id for r, _ in times if r.get("weak"))
        self.day_times = frozenset(r.id for r, _ in times if r.get("day"))
        self.following_times = frozenset(r.id for r, _ in times if r.get("follows"))
        self.carrying_times = frozenset(r.id for r, _ in times if r.get("carries"))
        self.restating_times = frozenset(r.id for r, _ in times if r.get("restates"))
        self.roles = [(r, RulePattern(r)) for r in rules.section("role")]
        cues: dict[str, list[str]] = {}
        for rule in rules.section("entity_cue"):
            cues.setdefault(rule.get("use"), []).extend(rule.get("surface"))
        self.skip_before = sorted(set(cues.get("skip_before", [])), key=len, reverse=True)
        self.respectively = tuple(cues.get("respectively", []))
        self.list_separators = sorted(set(cues.get("list", [])), key=len, reverse=True)
        self.comparisons = sorted(set(cues.get("comparison", [])), key=len, reverse=True)
        self._strip_words = sorted({*self.skip_before, *self.comparisons}, key=len, reverse=True)
        self.markers = sorted(set(cues.get("comparison_marker", [])), key=len, reverse=True)
        self.shares = sorted(set(cues.get("share", [])), key=len, reverse=True)
        self.verbal = frozenset(cues.get("verbal", []))
        self.attributive = frozenset(cues.get("attributive", []))
        self.predicates = frozenset(cues.get("predicate", []))
        self.function_words = frozenset(cues.get("function", []))
        self._not_noun = tuple(sorted({*self.function_words, *cues.get("lead_in", []), *cues.get("skip_before", [])}, key=len, reverse=True))
        self.list_closers = frozenset(cues.get("list_closer", []))
        self.copulas = frozenset(cues.get("copula", []))
        tags: dict[str, list[str]] = {}
        for rule in rules.section("tag_class"):
            tags.setdefault(rule.get("use"), []).extend(rule.get("tags"))
        self.tag_classes = {use: tuple(dict.fromkeys(found)) for use, found in tags.items()}
        self.sentence_end = sentence_end_pattern(rules)
        self.part_ends = tuple(punctuation(rules, "part_end"))
        self.announce = frozenset(punctuation(rules, "announce"))
        separators = set(self.list_separators)
        # a marker that is also a list separator (与) cannot tell a comparison's base from a list item
        self.base_markers = frozenset(m for m in self.markers if m not in separators)
        self.partners = sorted(set(cues.get("partner", [])), key=len, reverse=True)
        speech = sorted(set(cues.get("speech", [])), key=len, reverse=True)
        # a one-character verb (说, 称) only before punctuation: not 说明, 称为
        self._speech = regex.compile("|".join(
            regex.escape(v) + (r"(?=[\p{P}\s])" if len(v) == 1 else "") for v in speech
        )) if speech else None
        self.reports = tuple(sorted(set(cues.get("report", [])), key=len, reverse=True))
        self.day_ends = tuple(cues.get("day_end", []))
        self.cumulative = tuple(cues.get("cumulative", []))
        self.records = tuple(sorted(set(cues.get("record", [])), key=len, reverse=True))
        self.topics = tuple(cues.get("topic", []))
        self.appositions = frozenset(cues.get("apposition", []))
        self.time_objects = tuple(sorted(set(cues.get("time_object", [])), key=len, reverse=True))
        route_from = sorted(set(cues.get("route_from", [])), key=len, reverse=True)
        route_to = sorted(set(cues.get("route_to", [])), key=len, reverse=True)
        self.route_from = tuple(route_from)
        self.route_place_tags = tuple(cues.get("route_place_tag", []))
        self.frame_open = tuple(cues.get("frame_open", []))
        self.frame_close = tuple(cues.get("frame_close", []))
        self.elaborations = tuple(cues.get("elaboration", []))
        self.place_joins = tuple(sorted(set(cues.get("place_join", [])), key=len, reverse=True))
        self.route_rule = next((r.id for r in rules.section("entity_cue") if r.get("use") == "route_from"), None)
        # 由|杭州东|到…: an origin of two to six characters between the cues, no punctuation or digit
        self._route = regex.compile(
            "(?:" + "|".join(map(regex.escape, route_from)) + r")(?P<origin>[^\p{P}\s\d]{2,6}?)(?:"
            + "|".join(map(regex.escape, route_to)) + ")"
        ) if route_from and route_to else None

    def phrase_cues(self, blocked: tuple[tuple[int, int], ...] = (), scopes: tuple[tuple[int, int], ...] = ()) -> PhraseCues:
        """The phrase cues of these rules, with character spans no phrase may cross or extend into."""
        t = self.tag_classes
        return PhraseCues(
            self.verbal, self.attributive, blocked, scopes, self.predicates, self.function_words, self.base_markers,
            self.list_closers, t.get("nominal", ()), t.get("stop", ()), t.get("function", ()),
            t.get("function_single", ()), t.get("predicative", ()), t.get("time", ()), t.get("cut_function", ()),
            self.sentence_end, self.copulas, t.get("relative_open", ()), t.get("clause_object", ()), t.get("locative", ()), t.get("noun_word", ()),
        )

    # -- time -----------------------------------------------------------------------------------
    def time_spans(self, sentence: str) -> list[tuple[int, int, str, str]]:
        """Time expressions of a sentence: (start, end, text, rule ids joined by +), each composed of
        adjacent pieces (2021年|一季度, 截至|2020年|底, 2016年|至|2018年|间); none inside a title (《…》)."""
        found: list[tuple[int, int, str]] = []
        for rule, pattern in self.times:
            for match in pattern.finditer(sentence):
                if match.end() > match.start():
                    found.append((match.start(), match.end(), rule.id))
        if not found:
            return []
        titles = [(m.start(), m.end()) for m in _TITLE.finditer(sentence)] if "《" in sentence else []
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        atoms: list[tuple[int, int, str]] = []
        for item in found:
            if atoms and item[0] < atoms[-1][1]:
                continue
            if titles and _overlaps_any(item[0], item[1], titles):
                continue
            atoms.append(item)
        merged: list[tuple[int, int, str, str]] = []
        k = 0
        while k < len(atoms):
            start, end, rule_id = atoms[k]
            ids = [rule_id]
            weak = rule_id in self.weak_times  # a frequency (每月) joins no other piece
            k += 1
            while True:
                if weak:
                    break
                if k < len(atoms) and atoms[k][0] == end and atoms[k][2] not in self.weak_times:  # 2021年|一季度
                    ids.append(atoms[k][2])
                    end, k = atoms[k][1], k + 1
                    continue
                joined = _match_at(self.time_between, sentence, end)
                if joined and k < len(atoms) and atoms[k][0] == joined[0]:  # 2016年|至|2018年
                    ids += [joined[1], atoms[k][2]]
                    end, k = atoms[k][1], k + 1
                    continue
                suffix = _match_at(self.time_after, sentence, end)
                if suffix and not (k < len(atoms) and atoms[k][0] < suffix[0] < atoms[k][1]):  # 2020年|底
                    end = suffix[0]
                    ids.append(suffix[1])
                    while k < len(atoms) and atoms[k][1] <= end:  # 今天|（4月20日）: the date is part of it
                        k += 1
                    continue
                break
            for rule, pattern in self.time_before:  # 截至|2020年底
                # (a prefix may hold a time zone: 截至当地时间|5日, six characters)
                match = next((m for m in pattern.finditer(sentence, max(0, start - 8), start) if m.end() == start), None)
                if match is not None and not (merged and match.start() < merged[-1][1]):
                    start = match.start()
                    ids.insert(0, rule.id)
                    break
            merged.append((start, end, sentence[start:end], "+".join(dict.fromkeys(ids))))
        return merged

    def time_of(
        self,
        sentence: str,
        times: list[tuple[int, int, str, str]],
        q_start: int,
        quantities: list[tuple[int, int]],
        own_clause: bool = False,
    ) -> tuple[str | None, str | None]:
        """The time expression (of the sentence's `time_spans`, with its rule ids) that scopes the
        quantity at q_start: the nearest before it in its own clause, a date over a frequency
        (去年每月…); else the nearest date (or `carries` time: 全年) before it in the sentence (a
        semicolon does not end it), else a frequency; with `own_clause` (an age) only a time of its own clause. A time after a comparison marker (比2019年同期, 较上年) is the base of a
        comparison, not it; a time written as X的 right before a quantity scopes that one only (also
        the base value of a comparison: 比2017年的|2073亿元); a
        time inside 「…」 or 『…』 scopes only a quantity inside the same quote, and none after a
        `topic` cue of its clause (关于2025年计划的报告: a document's topic)."""
        found: list[tuple[int, str, str]] = []
        after: tuple[str, str] | None = None
        quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(sentence)] if "「" in sentence or "『" in sentence else []
        speech = _open_quote(sentence, q_start) if quotes or "「" in sentence or "『" in sentence else -1
        for start, end, text, rule_id in times:
            quote = next(((a, b) for a, b in quotes if a < start and end < b), None)
            if quote is not None and not quote[0] < q_start < quote[1]:
                continue  # 在「2019年新春」活动中捐出5万元: a name or another's words
            if start < speech:
                continue  # 7年前他病倒,「一年只能赚3万元」: the speaker's words keep their own time
            if start >= q_start:
                if not own_clause:  # not an age (37岁的某某|今年1月…)
                    after = after or self._time_after(sentence, start, text, rule_id, q_start, quantities)
                continue
            if sentence.startswith("的", end) and q_start == end + 1 and not _overlaps_any(start, end, quantities):
                return text, rule_id  # 比5年前的|1.2万元: the base value's own time, after a marker too
            if _overlaps_any(start, end, quantities) or self.is_comparison_base(sentence, start):
                continue
            if self.records and sentence.startswith(self.records, end):
                continue  # 创今年新高: part of a record
            if self.topics and any(word in sentence[clause_start(sentence, start) : start] for word in self.topics):
                continue  # 关于2025年计划的报告: the topic of a document
            if self.time_objects and sentence.endswith(self.time_objects, 0, start):
                continue  # 对下季度的预期: the object of a view, no time of the claim
            if self._report_day(sentence, start, end, rule_id, q_start):
                continue  # 某部门6日称,过去一天…: the day of the report, not of the figures
            if sentence.startswith("的", end) and (any(s == end + 1 for s, _ in quantities) or _DIGIT_AT.match(sentence, end + 1)):
                # "年初的21.7%", "2012年的1.8": scopes the number right after it only
                if q_start == end + 1:
                    return text, rule_id
                continue
            found.append((start, text, rule_id))
        own = clause_start(sentence, q_start)
        if after is not None and not any(f[0] >= own for f in found):
            return after  # 约300名工人|今日|已交样本: its own clause's time, after the counted noun
        if not found:
            return None, None
        strong = [f for f in found if not self._is_weak(f[2])]
        in_clause = [f for f in found if f[0] >= own]
        # the nearest time of the claim's own clause (a date over a frequency: 去年每月…)
        chosen = [f for f in in_clause if f in strong] or in_clause
        if own_clause:  # an age: only a time of its own clause (他去年10月… 5岁的女儿)
            return (chosen[-1][1], chosen[-1][2]) if chosen else (None, None)
        # no time in its own clause: the nearest date before it, or a weak time that carries (全年)
        ends = {e for _, e, _, _ in times}
        chosen = chosen or [
            f for f in found
            if f in strong or self.carrying_times & set(f[2].split("+")) and f[0] not in ends  # 去年全年 restates 去年
        ] or found
        if len(chosen) > 1 and self.restating_times & set(chosen[-1][2].split("+")):
            earlier, last = chosen[-2], chosen[-1]
            between = sentence[earlier[0] + len(earlier[1]) : last[0]]
            if earlier in strong and len(between) <= _APPOSITION_REACH and not regex.search(r"[\p{P}\s\d]", between):
                return earlier[1], earlier[2]  # 5月1日|开幕日|当天: the date it restates
        if len(chosen) > 1 and self.appositions and chosen[-2] in strong:
            earlier, last = chosen[-2], chosen[-1]
            if sentence[earlier[0] + len(earlier[1]) : last[0]] in self.appositions:
                return earlier[1], earlier[2]  # 2016年|即|上届: the date the second time restates
        if chosen[-1][0] < own and self._running_total(sentence[own:q_start]) and self.day_times & set(chosen[-1][2].split("+")):
            return None, None  # 今日新增…,累计…: the day does not scope the running total
        return chosen[-1][1], chosen[-1][2]

    def _time_after(
        self, sentence: str, start: int, text: str, rule_id: str, q_start: int, quantities: list[tuple[int, int]]
    ) -> tuple[str, str] | None:
        """(text, rule ids) of a time that comes after the quantity at q_start in its clause, at most
        `_AFTER_REACH` characters after it with only the counted noun between (有15名病人|现时|仍留医):
        no quantity, punctuation, function word, lead-in preposition or copula (机组|全部|建成后,
        因素|在|过去5年); only a time of `follows` pieces (今日, 现时: not 全部建成后); else None."""
        q_end = next((e for s, e in quantities if s == q_start), None)
        if q_end is None or start < q_end or start - q_end > _AFTER_REACH or not set(rule_id.split("+")) <= self.following_times:
            return None
        between = sentence[q_end:start]
        if any(word in between for word in self._not_noun) or _ANY_PUNCT.search(between) or _HAS_DIGIT.search(between) or any(q_end < s < start for s, _ in quantities):
            return None
        return text, rule_id

    def _report_day(self, sentence: str, start: int, end: int, rule_id: str, q_start: int) -> bool:
        """True when the time at start:end names a single day (a `day` time rule, or a date ending
        in a `day_end` cue: 日, 号) and a speech verb (`speech` cues: 称, 表示 …) comes between it and the quantity at
        q_start: the day a source spoke (某部门6日称,…), not the time of the figures it gave; not a
        time opened by a `before` piece (截至10月22日, 警方提到…: the figures as of that day)."""
        if any(rule.id in rule_id.split("+") for rule, _ in self.time_before):
            return False
        if self._speech is None or not (self.day_times & set(rule_id.split("+")) or sentence[end - 1 : end] in self.day_ends):
            return False
        return self._speech.search(sentence, end, q_start) is not None

    def _running_total(self, clause_head: str) -> bool:
        """True when the text of the claim's clause before it names a running total (累计 …)."""
        return any(cue in clause_head for cue in self.cumulative)

    def distribute_times(self, sentence: str, quantities: list[tuple[int, int]], times: list[str | None]) -> list[str | None]:
        """Times of a sentence's quantities, a list of times (2018年及2019年) shared out over a list of
        as many quantities (…分别为907人及1348人: the first gets 2018年, the second 2019年)."""
        out = list(times)
        separators = "|".join(regex.escape(s) for s in self.list_separators)
        if not separators:
            return out
        chain: list[int] = []
        for i in range(len(quantities) + 1):
            joined = i < len(quantities) and chain and sentence[quantities[chain[-1]][1] : quantities[i][0]] in self.list_separators
            if joined:
                chain.append(i)
                continue
            if len(chain) > 1 and len({times[k] for k in chain}) == 1 and times[chain[0]]:
                parts = regex.split(separators, times[chain[0]])
                if len(parts) == len(chain) and all(parts) and not _builds_on(parts):
                    for k, part in zip(chain, parts):
                        out[k] = part
            chain = [i] if i < len(quantities) else []
        return out

    def distribute_wheres(
        self, ents: list[Span], sent_start: int, sentence: str, quantities: list[tuple[int, int]], wheres: list[str | None]
    ) -> list[str | None]:
        """Wheres of a sentence's quantities, a list of places (甲市和乙市…分别增长5%和6%) shared out over
        a list of as many quantities after a `respectively` cue: the first gets 甲市, the second 乙市."""
        out = list(wheres)
        if not self.respectively or not any(word in sentence for word in self.respectively):
            return out
        chain: list[int] = []
        for i in range(len(quantities) + 1):
            if i < len(quantities) and chain and sentence[quantities[chain[-1]][1] : quantities[i][0]] in self.list_separators:
                chain.append(i)
                continue
            if len(chain) > 1 and len({wheres[k] for k in chain}) == 1 and wheres[chain[0]]:
                places = self._place_list(ents, sent_start, sentence, wheres[chain[0]], quantities[chain[0]][0])
                if len(places) == len(chain) and any(w in sentence[places[-1].end_char - sent_start : quantities[chain[0]][0]] for w in self.respectively):
                    for k, place in zip(chain, places):
                        out[k] = place.text
            chain = [i] if i < len(quantities) else []
        return out

    def _place_list(self, ents: list[Span], sent_start: int, sentence: str, text: str, before: int) -> list[Span]:
        """The run of entities joined by list separators (甲市、乙市和丙市) that holds the last entity
        `text` ending before `before` (a sentence offset)."""
        at = next((k for k in range(len(ents) - 1, -1, -1) if ents[k].text == text and ents[k].end_char - sent_start <= before), None)
        if at is None:
            return []
        first = last = at
        while first > 0 and sentence[ents[first - 1].end_char - sent_start : ents[first].start_char - sent_start] in self.list_separators:
            first -= 1
        while last + 1 < len(ents) and ents[last + 1].end_char - sent_start <= before and sentence[ents[last].end_char - sent_start : ents[last + 1].start_char - sent_start] in self.list_separators:
            last += 1
        return ents[first : last + 1]

    def _is_weak(self, rule_ids: str) -> bool:
        """True when a time is a frequency (a `weak` time rule: 每月)."""
        return any(r in self.weak_times for r in rule_ids.split("+"))

    def is_comparison_base(self, sentence: str, start: int) -> bool:
        """True when a comparison marker (`comparison_marker` cues: 比, 较 ...) comes right before `start`."""
        return any(sentence.endswith(marker, 0, start) for marker in self.markers)

    # -- role -----------------------------------------------------------------------------------
    def role_of(
        self, sentence: str, q_start: int, q_end: int, previous_roles: list[str | None], is_range: bool, previous_end: int = 0
    ) -> tuple[str | None, str | None, int]:
        """The role of the quantity in a change; returns (role, rule id, cue start in sentence).
        An `after_role` cue is read between the previous quantity (ending at `previous_end`), which
        must have that role, and this one (增加5%|至|1000亿元)."""
        if is_range:
            return None, None, q_start
        clause_from = max(clause_start(sentence, q_start), q_start - _ROLE_REACH)
        before = sentence[clause_from:q_start]
        before_sentence = sentence[max(0, previous_end, q_start - _ROLE_REACH) : q_start]
        after = sentence[q_end : q_end + _ROLE_REACH]
        for rule, pattern in self.roles:
            needed = rule.get("after_role")
            if needed and (not previous_roles or previous_roles[-1] != needed):
                continue
            if rule.get("position") == "after":
                match = pattern.search(after)
                if match is not None:
                    return rule.get("role"), rule.id, q_start
                continue
            text = before_sentence if needed else before
            match = pattern.search(text)
            if match is not None:
                return rule.get("role"), rule.id, q_start - len(text) + match.start()
        return None, None, q_start

    # -- where ----------------------------------------------------------------------------------
    def where_of(
        self, ents: list[Span], sent_start: int, q_start: int, sentence: str, openers: list[Span] | None = None,
        q_end: int | None = None, doc: Doc | None = None,
    ) -> tuple[str | None, str | None]:
        """The place or organisation that scopes the quantity, with the id of the entity rule that
        found it: the nearest entity before it in the same clause (but a proper name opening the
        sentence over a later 全X scope word that restates it: 庆阳市…,全市…), else the nearest one
        before it that opens a clause of the sentence (a 全X scope word restates only a name of its
        own part of the sentence: 香港…;全港… keeps 全港), else a 全X scope word that opens a later clause
        (新建广场12个,全县广场总数…: not one inside a predicate, 成为全省…). A partner after 对, 与 … (全省对东盟出口) is
        no where, unless the quantity follows it at once (对佛山120家企业的调查); so is an
        organisation that is a speaker's affiliation, places a count counts, and places inside a
        title (《…》). With no place before the quantity, a body right after it (its end
        `q_end`: 15名|德国议会|议员) or a later 全X scope word (see `_later_scope`). `openers` (of all
        the sentence's entities, see `openers`) may be given when several quantities share a
        sentence. The origin of a route (由杭州东到宁波…) comes first (see `_route_origin`; `doc` gives its
        tokens' tags)."""
        if "《" in sentence:  # 《2026中国发展报告》: a place inside a title is part of a name
            titles = [(sent_start + m.start(), sent_start + m.end()) for m in _TITLE.finditer(sentence)]
            ents = [e for e in ents if not _overlaps_any(e.start_char, e.end_char, titles)]
        partners = self._partners(ents, sent_start, sentence)
        route = self._route_origin(ents, partners, sent_start, sentence, q_start, doc)
        if route is not None:
            return route, self.route_rule
        before = [
            e for e in ents
            if e.end_char <= sent_start + q_start
            and not (e in partners and e.end_char != sent_start + q_start)
            and not (e.label_ == "ORG" and self._is_speaker(e, sentence, e.end_char - sent_start, q_start))
        ]
        if not before:
            return self._later_scope(ents, partners, sent_start, q_start, sentence, openers, q_end)
        clause_from = sent_start + clause_start(sentence, q_start)
        same_clause = [e for e in before if e.start_char >= clause_from]
        all_openers = openers
        if openers is None:
            openers = self.openers(before, sent_start, sentence)
        openers = [e for e in openers if e.end_char <= sent_start + q_start and e in before]
        chosen: Span | None = None
        outside = [e for e in same_clause if not _in_remark(sentence, e.start_char - sent_start, q_start)]
        same_clause = outside or same_clause  # 全国共有3个城市（甲、乙）…: a remark's places are examples
        if same_clause:
            chosen = same_clause[-1]
            if _SCOPE.match(chosen.text):
                restated = [e for e in openers if not _SCOPE.match(e.text) and e.end_char <= chosen.start_char and chosen.text[1:2] in e.text
                            and not any(m in sentence[e.end_char - sent_start : chosen.start_char - sent_start] for m in self.part_ends)]
                chosen = restated[-1] if restated else chosen
        elif openers:
            chosen = openers[-1]
        else:
            chosen = self._elaborated(before, sent_start, sentence, q_start)
        if chosen is None:
            return self._later_scope(ents, partners, sent_start, q_start, sentence, all_openers, q_end)
        if chosen is None or self._counted(sentence, sent_start, chosen, before, q_start):
            return None, None
        joined = self._joined_from(before, chosen, sent_start, sentence)
        if joined is not None:
            return sentence[joined.start_char - sent_start : chosen.end_char - sent_start], chosen.id_ or None
        return chosen.text, chosen.id_ or None

    def _elaborated(self, before: list[Span], sent_start: int, sentence: str, q_start: int) -> Span | None:
        """The last place of the sentence's first clause when a later clause before the quantity opens
        with an `elaboration` cue (甲市推行新政,其中将补贴由5亿元增至8亿元: the clauses after 其中
        detail the first clause, whose place scopes them); else None."""
        if not self.elaborations:
            return None
        first_end = _CLAUSE_END.search(sentence, 0, q_start)
        if first_end is None:
            return None
        elaborated = any(
            sentence.startswith(self.elaborations, m.end()) for m in _CLAUSE_END.finditer(sentence, first_end.start(), q_start)
        )
        if not elaborated:
            return None
        places = [e for e in before if e.end_char - sent_start <= first_end.start()]
        return places[-1] if places else None

    def _joined_from(self, before: list[Span], chosen: Span, sent_start: int, sentence: str) -> Span | None:
        """The first of places joined to the chosen one by a conjunction (`place_join` cues: 甲站及乙站
        拘捕20人, one where), unless the sentence shares a list out (分别); an entity or one word of a
        place tag (`route_place_tag` cues: 北海道/ns)."""
        if not self.place_joins or any(w in sentence for w in self.respectively):
            return None
        first = None
        at = chosen
        while True:
            head = sentence[: at.start_char - sent_start]
            join = next((w for w in self.place_joins if head.endswith(w)), None)
            if join is None:
                return first
            end = len(head) - len(join)
            prev = next((e for e in before if e.end_char - sent_start == end), None)
            if prev is None and end > 0:  # a place name the recogniser does not know: one place-tagged word (北海道/ns)
                word = chosen.doc.char_span(sent_start + end - 1, sent_start + end, alignment_mode="expand")
                if word is not None and len(word) == 1 and word.end_char == sent_start + end and word[0].tag_ in self.route_place_tags:
                    return word
            if prev is None:
                return first
            first = at = prev

    def _route_origin(
        self, ents: list[Span], partners: list[Span], sent_start: int, sentence: str, q_start: int, doc: Doc | None
    ) -> str | None:
        """The origin of the last route before the quantity (由杭州东到宁波…两班: 杭州东), a name the place
        recogniser may not know or may run on into the destination: it opens at a token of a place tag
        (`route_place_tag` cues) or an entity, and no other entity comes between it and the quantity."""
        if self._route is None or not any(w in sentence[:q_start] for w in self.route_from):
            return None
        found = [m for m in self._route.finditer(sentence, 0, q_start)]
        if not found:
            return None
        m = found[-1]
        origin_at = sent_start + m.start("origin")
        if any(e.start_char >= sent_start + m.end() and e.end_char <= sent_start + q_start and e not in partners for e in ents):
            return None
        opens = any(e.start_char == origin_at for e in ents)
        if not opens and doc is not None:
            span = doc.char_span(origin_at, origin_at + 1, alignment_mode="expand")
            opens = span is not None and len(span) > 0 and span[0].idx == origin_at and span[0].tag_ in self.route_place_tags
        return m.group("origin") if opens else None

    def _later_scope(
        self, ents: list[Span], partners: list[Span], sent_start: int, q_start: int, sentence: str, openers: list[Span] | None,
        q_end: int | None = None,
    ) -> tuple[str | None, str | None]:
        """(text, rule id) of a body right after the quantity (15名|德国议会|议员: whose members are
        counted; not a place, mostly the counted thing's origin: 27个|非洲|国家), else of the first 全X scope word after the quantity that opens a clause of the
        sentence (新建广场12个,全县广场总数…), else (None, None)."""
        if q_end is not None:
            attached = next((e for e in ents if e.start_char == sent_start + q_end and e.label_ == "ORG"), None)
            if attached is not None:
                return attached.text, attached.id_ or None
        later = [e for e in ents if e.start_char >= sent_start + q_start and _SCOPE.match(e.text) and e not in partners]
        if not later:
            return None, None
        opening = self.openers(later, sent_start, sentence) if openers is None else [e for e in later if e in openers]
        return (opening[0].text, opening[0].id_ or None) if opening else (None, None)

    def _counted(self, sentence: str, sent_start: int, ent: Span, before: list[Span], q_start: int) -> bool:
        """True when the entity closes a list of places right before the quantity, which counts
        them (南京和无锡两个城市): the places are what is counted, not where."""
        if ent.end_char != sent_start + q_start:
            return False
        head = sentence[: ent.start_char - sent_start]
        separator = next((s for s in self.list_separators if head.endswith(s)), None)
        return separator is not None and any(e.end_char - sent_start == len(head) - len(separator) for e in before)

    def _is_speaker(self, ent: Span, sentence: str, local_end: int, q_start: int) -> bool:
        """True when the organisation ending at `local_end` is a speaker's affiliation: a speech verb
        (`speech` cues: 表示, 指出 …) follows in its clause before the quantity (某局局长某某表示,…),
        or a report verb (`report` cues: 公布 …) after a person's name (某局经理某某公布,…) or in a
        clause that a colon closes (某署发布最新数据：…)."""
        clause_end = _CLAUSE_END.search(sentence, local_end)
        stop = min(q_start, clause_end.start() if clause_end else len(sentence))
        if self._speech is not None and self._speech.search(sentence, local_end, min(stop + 1, len(sentence))) is not None:
            return True
        at = next((sentence.find(v, local_end, stop) for v in self.reports if 0 <= sentence.find(v, local_end, stop)), -1)
        if at < 0:
            return False
        if clause_end is not None and clause_end.group() in self.announce and clause_end.start() < q_start:
            return True  # 某署发布最新数据：…: the source of the figures after the colon
        offset = ent.end_char - local_end  # sentence start in the doc
        return any(t.tag_.startswith(("nr", "nw")) for t in tokens_between(ent.doc, ent.end_char, offset + at))  # nw: a new word, mostly a name

    def _partners(self, ents: list[Span], sent_start: int, sentence: str) -> list[Span]:
        """The entities that are partners: after a partner word, or listed after one (对甲、乙)."""
        out: list[Span] = []
        for ent in ents:
            local = ent.start_char - sent_start
            if self._is_partner(sentence, local):
                out.append(ent)
            elif out and (sep := sentence[out[-1].end_char - sent_start : local]) and sep in self.list_separators:
                out.append(ent)
        return out

    def _is_partner(self, sentence: str, local: int) -> bool:
        """True when a partner word (`partner` cues: 对, 与 …) or a comparison marker (比全国…: the
        base of a comparison) comes right before `local`."""
        return any(sentence.endswith(word, 0, local) for word in self.partners) or any(
            sentence.endswith(word, 0, local) for word in self.base_markers
        )

    def openers(self, ents: list[Span], sent_start: int, sentence: str) -> list[Span]:
        """The entities that open a clause of the sentence, after a preposition (在, 对 …) or a
        time expression (目前香港…, 2024上半年台湾…)."""
        openers = []
        for ent in ents:
            local = ent.start_char - sent_start
            start = clause_start(sentence, local)
            if self._only_lead_in(sentence[start:local]) or self._in_frame(sentence, start, local):
                openers.append(ent)
        return openers

    def _in_frame(self, sentence: str, start: int, local: int) -> bool:
        """True when the clause starting at `start` is a frame (`frame_open` … `frame_close` cues:
        在3万名本地用户中,…) that holds `local`: its place scopes the clauses after it."""
        if not self.frame_open or not sentence.startswith(self.frame_open, start):
            return False
        end = _CLAUSE_END.search(sentence, local)
        return end is not None and sentence.endswith(self.frame_close, 0, end.start())

    def _time_at_start(self, text: str) -> int:
        """Length of the longest time expression that opens `text` (0 when none does)."""
        spans = self.time_spans(text)
        return spans[0][1] if spans and spans[0][0] == 0 else 0

    def _only_lead_in(self, prefix: str) -> bool:
        """True when `prefix` is nothing but prepositions, occasions (在发布会上) and time expressions."""
        while prefix:
            stripped = _LEAD_PREPOSITION.sub("", _LEAD_OCCASION.sub("", prefix))
            stripped = stripped[self._time_at_start(stripped) :].lstrip("的 ")
            if stripped == prefix:
                return False
            prefix = stripped
        return True

    # -- entity ---------------------------------------------------------------------------------
    def strip_time_before(self, text: str, times: list[tuple[int, int, str, str]]) -> str:
        """Remove a time expression that ends `text`, with its comparison marker and the copulas
        before it: 规模以上工业增加值|比2019年同期 (增长11.1%)."""
        for start, end, _, _ in times:
            if end == len(text):
                text = text[:start]
                marker = next((m for m in self.markers if text.endswith(m)), "")
                return self.strip_before(text[: len(text) - len(marker)])
        return text

    def strip_before(self, text: str) -> str:
        """Remove trailing copulas and comparison words (达到, 分别为, 同比 …) from a text."""
        changed = True
        while changed and text:
            changed = False
            for word in self._strip_words:  # longest first: 两年平均 before 均
                if word and text.endswith(word):
                    text = text[: -len(word)]
                    changed = True
                    break
        return text




def _match_at(pieces: list[tuple[Rule, RulePattern]], text: str, pos: int) -> tuple[int, str] | None:
    """(end, rule id) of the longest piece that matches at `pos`, or None."""
    best: tuple[int, str] | None = None
    for rule, pattern in pieces:
        match = pattern.match(text, pos)
        if match is not None and match.end() > pos and (best is None or match.end() > best[0]):
            best = (match.end(), rule.id)
    return best


def _builds_on(parts: list[str]) -> bool:
    """True when a later part of a list of times starts with the end of an earlier one (中秋节及中秋节翌日,
    9月1日中秋节及中秋节翌日): one span of days, not a list of times.

    >>> _builds_on(["中秋节", "中秋节翌日"]), _builds_on(["2018年", "2019年"])
    (True, False)
    """
    return any(
        b.startswith(a[-n:]) for k, a in enumerate(parts) for b in parts[k + 1 :] for n in range(2, len(a) + 1)
    )


def _open_quote(sentence: str, pos: int) -> int:
    """Start of the corner quote (「…」, 『…』, closed or still open) that `pos` is inside, else -1."""
    depth = 0
    for k in range(pos - 1, -1, -1):
        char = sentence[k]
        if char in "」』":
            depth += 1
        elif char in "「『":
            if depth == 0:
                return k
            depth -= 1
    return -1


def _in_remark(sentence: str, local: int, q_start: int) -> bool:
    """True when `local` lies inside a bracketed remark （…） that closes before `q_start`."""
    opened = max(sentence.rfind("（", 0, local), sentence.rfind("(", 0, local))
    if opened < 0:
        return False
    closed = max(sentence.rfind("）", opened, local), sentence.rfind(")", opened, local))
    if closed >= 0:
        return False
    after = min((i for i in (sentence.find("）", local), sentence.find(")", local)) if i >= 0), default=-1)
    return 0 <= after < q_start


def _overlaps_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def clause_start(sentence: str, pos: int, ends: regex.Pattern[str] = _CLAUSE_END) -> int:
    """Where the clause holding `pos` starts: just after the last of `ends` before `pos`.

    >>> clause_start("甲,乙;丙", 4)
    4
    """
    last = 0
    for match in ends.finditer(sentence, 0, pos):
        if _in_number(sentence, match.start()):
            continue  # 1,500 and 8:30: a separator inside a number ends no clause
        last = match.end()
    return last


def clause_end(sentence: str, pos: int, ends: regex.Pattern[str] = _CLAUSE_END) -> int:
    """Where the clause holding `pos` ends: at the first of `ends` from `pos` on that stands between
    no two digits (as `clause_start`), else the sentence's end.

    >>> clause_end("甲,乙;丙", 2), clause_end("甲,乙", 2), clause_end("共1,500份,其中", 0)
    (3, 3, 7)
    """
    for match in ends.finditer(sentence, pos):
        if not _in_number(sentence, match.start()):
            return match.start()
    return len(sentence)


def _in_number(text: str, at: int) -> bool:
    """True when the ASCII comma or colon at `at` stands between two digits (1,500, 8:30).

    >>> _in_number("共1,500份", 2), _in_number("共15份,其中", 4)
    (True, False)
    """
    return text[at] in ",:" and 0 < at < len(text) - 1 and text[at - 1].isdigit() and text[at + 1].isdigit()


def _last_starting_before(spans: tuple[tuple[int, int], ...], pos: int) -> tuple[int, int] | None:
    """The last of sorted, non-overlapping `spans` that starts before `pos`, or None."""
    at = bisect_left(spans, (pos,)) - 1
    return spans[at] if at >= 0 else None


@dataclass(frozen=True, slots=True)
class PhraseCues:
    """What a noun phrase may hold beyond its tags: cue words of the rules and blocked spans.

    `verbal`: words jieba tags as nouns that act as the predicate (选派, 核定) and end a phrase;
    `attributive`: verbs that modify a noun inside a phrase (兼职委员, 闲置土地);
    `blocked`: character spans (absolute) no phrase may take a token of, e.g. time expressions;
    `scopes`: spans of places and scope words, which end a phrase that already has a noun;
    `predicates`: verbs that take the quantity or its noun as object (完成, 缩短), never a modifier;
    `function_words`: adverbs and other function words (仍, 双双, 合共) whatever jieba tags them;
    `base_markers`: words that open the base of a comparison (较, 比), which is no part of a phrase;
    `list_closers`: words that close a parallel list (钢材、水泥|等);
    the `*_tags` are jieba tag prefixes of `[[tag_class]]` rules: nominal words, stops, function
    words (any length, or one character), words that describe a predicate, time words, and the
    tags of a word whose one-character piece left by a cue is dropped; `sentence_end`: the rules'
    sentence end, which no bracket pair crosses.
    """

    verbal: frozenset[str] = frozenset()
    attributive: frozenset[str] = frozenset()
    blocked: tuple[tuple[int, int], ...] = ()
    scopes: tuple[tuple[int, int], ...] = ()
    predicates: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()
    base_markers: frozenset[str] = frozenset()
    list_closers: frozenset[str] = frozenset()
    nominal_tags: tuple[str, ...] = ()
    stop_tags: tuple[str, ...] = ()
    function_tags: tuple[str, ...] = ()
    single_function_tags: tuple[str, ...] = ()
    predicative_tags: tuple[str, ...] = ()
    time_tags: tuple[str, ...] = ()
    cut_function_tags: tuple[str, ...] = ()
    #: the rules' sentence end (`[[punctuation]]`); None: the built-in rules'
    sentence_end: regex.Pattern[str] | None = None
    #: the verbs joining a subject to its value (为, 是: `copula` cues), passed over right after a quantity
    copulas: frozenset[str] = frozenset()
    #: jieba tags of a function word that may open a relative clause right after a quantity (最终, 被)
    relative_open_tags: tuple[str, ...] = ()
    #: jieba tags of a word (an object, a time, an aspect particle) that makes a verb after a counted
    #: noun its predicate rather than a relative clause up to 的 (企业|参加了今年的博览会)
    clause_object_tags: tuple[str, ...] = ()
    #: jieba tags of a locative word (中外, 两岸, 海外) that modifies a noun right after it
    locative_tags: tuple[str, ...] = ()
    #: exact jieba tags of a word that is a plain noun (n, nz, b …), not an abbreviation or verbal noun
    noun_word_tags: tuple[str, ...] = ()

    def is_scope(self, token: Token) -> bool:
        """True when the token lies in a place or scope word (全市), which is the claim's `where`."""
        span = _last_starting_before(self.scopes, token.idx + 1)
        return span is not None and token.idx + len(token.text) <= span[1]

    def is_blocked(self, token: Token) -> bool:
        """True when the token overlaps a blocked span."""
        span = _last_starting_before(self.blocked, token.idx + len(token.text))
        return span is not None and token.idx < span[1]


    def is_verbal(self, token: Token) -> bool:
        """True for a verb (not a verbal noun) or a word the rules list as verbal."""
        if token.text in self.attributive:
            return False
        return (token.tag_.startswith("v") and token.tag_ != "vn") or token.text in self.verbal or token.text in self.predicates

    def is_nominal(self, token: Token) -> bool:
        """True for a word that can end a noun phrase before a modifier: a noun, verbal noun,
        adjective or distinguishing word (公共|预算), not a place or scope word, a time or a cue word."""
        text = token.text
        if text in self.function_words or text in self.predicates or text in self.verbal or text in _BRACKETS:
            return False
        if _PUNCT.match(text) or _HAS_DIGIT.search(text) and not _CODE.match(text) or self.is_blocked(token) or self.is_scope(token):
            return False
        return token.tag_.startswith(self.nominal_tags) or token.tag_.startswith("a") and not token.tag_.startswith("ad")

    def is_function(self, token: Token) -> bool:
        """True for a function word: listed as one, or tagged as an adverb, numeral word or
        single-character verb (仍, 双双, 赚); such a word is never what is counted."""
        text, tag = token.text, token.tag_
        if text in self.function_words:
            return True
        if text in self.attributive or _HAS_DIGIT.search(text):
            return False
        return tag.startswith(self.function_tags) or (len(text) == 1 and tag.startswith(self.single_function_tags))


@cache
def longest_first(words: frozenset[str]) -> tuple[str, ...]:
    """A cue set's words, longest first (the order to try them in at one place), sorted once per set.

    >>> longest_first(frozenset({"等", "等等"}))
    ('等等', '等')
    """
    return tuple(sorted(words, key=len, reverse=True))


@cache
def default_cues() -> PhraseCues:
    """The phrase cues of the built-in rules, for a reader called without cues."""
    from ..rules import load_rules

    return ContextRules(load_rules()).phrase_cues()
_OPENERS = {"“": "”", "‘": "’", "(": ")", "（": "）", "「": "」", "『": "』", "《": "》"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}


def _is_stop(token: Token, collected: bool, cues: PhraseCues) -> bool:
    text = token.text
    if text in _BRACKETS:
        return False
    if cues.is_blocked(token) or cues.is_scope(token):
        return True
    if _PUNCT.match(text) or _HAS_DIGIT.search(text) and not _CODE.match(text):
        return True
    if text in cues.attributive:
        return False
    if cues.is_verbal(token):
        return collected
    tag = token.tag_
    if tag.startswith("m"):  # mq: a numeral with its counter (一季度)
        return collected and not text.endswith("点")
    return tag.startswith(cues.stop_tags) and not tag.startswith(cues.nominal_tags)


def tokens_between(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens that overlap characters `start`..`end` of the doc, found by bisection (no walk of the doc)."""
    starts = doc.user_data.get(_STARTS_KEY)
    if starts is None:
        starts = doc.to_array("IDX").tolist() if len(doc) else []
        doc.user_data[_STARTS_KEY] = starts
    first = max(0, bisect_right(starts, max(0, start)) - 1)
    last = bisect_left(starts, end)
    global _TOKENS
    cached = _TOKENS  # one read: another thread may set it meanwhile, and these are the doc's tokens
    if cached[0] is not doc or len(cached[1]) != len(starts):
        cached = _TOKENS = (doc, list(doc))
    return cached[1][first:last]


#: the Token objects of the doc tokens_between read last (spaCy makes a Token per doc[i]); one doc kept
_TOKENS: tuple[Doc | None, list[Token]] = (None, [])


#: doc.user_data key of the tokens' character offsets (computed once per doc by tokens_between).
_STARTS_KEY = "zhclaims.token_starts"


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of each sentence, as `doc.sents` gives them, read from the token arrays.

    `doc.sents` builds a Span per sentence by walking every token in Python; this does it in one
    `to_array` call.
    """
    if not len(doc):
        return []
    rows = doc.to_array(["IDX", "LENGTH", "SENT_START"]).tolist()
    spans: list[tuple[int, int]] = []
    for i, (idx, length, sent_start) in enumerate(rows):
        if i == 0 or sent_start == 1:
            spans.append((idx, idx))
        spans[-1] = (spans[-1][0], idx + length)
    return spans


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per doc (spaCy joins every token's text on each access), or as the tokenizer left it."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def _bracket_group(tokens: list[Token], at: int, step: int, bound: int, cues: PhraseCues) -> int | None:
    """Index of the token that closes (step 1) or opens (step -1) the bracket at `at`, within
    the clause (`bound` is the last index that may be used), or None."""
    sentence_end = cues.sentence_end or builtin_sentence_end()
    want = _OPENERS.get(tokens[at].text) if step == 1 else _CLOSERS.get(tokens[at].text)
    k = at + step
    while want and (k <= bound if step == 1 else k >= bound):
        if tokens[k].text == want:
            return k
        if _CLAUSE_END.match(tokens[k].text) or sentence_end.match(tokens[k].text):
            return None
        k += step
    return None


def np_after(doc: Doc, start: int, limit: int, max_chars: int = 14, cues: PhraseCues | None = None) -> str:
    """The noun phrase that starts at character `start` (73个|安置点): up to a stop; past a
    modifier ending in 的 (3个|年幼的|孩子) or a short relative clause (131名|搬迁来的|党员), but
    not past a noun (10个|社区|的缩影); a quoted or bracketed piece that opens the phrase is
    taken whole (“联合党委”成员单位)."""
    cues = default_cues() if cues is None else cues
    capped, full_limit = limit > start + _REACH * max_chars, limit
    limit = min(limit, start + _REACH * max_chars)  # a phrase never needs more: keeps long lines linear
    tokens = [t for t in tokens_between(doc, start, limit) if t.idx + len(t.text) > start and t.idx < limit]
    out = ""
    last: Token | None = None
    verb_first = relative = noun = False
    k = 0
    while k < len(tokens):
        token = tokens[k]
        text = token.text[max(0, start - token.idx) :]
        if token.text == "的":
            if last is not None and last.tag_.startswith("n") and last.text not in cues.attributive and not (
                verb_first and _is_verb_word(tokens[_first_index(tokens, out, k)], cues)
            ):
                break  # 10个社区|的缩影; but 90多个|发布规划的|城市 is a relative clause
            out, last, verb_first, noun, k = "", None, False, False, k + 1
            continue
        if token.text in _CLOSERS and out.count(_CLOSERS[token.text]) <= out.count(token.text):
            break  # …的人|」（…: the phrase began inside a quotation, which closes here
        if noun and token.text in cues.base_markers:
            break  # 教育开支|较前任…: a comparison's base follows the noun
        if noun and _ends_after(tokens, k, cues):
            break  # 4个展馆|工作，, 20名护士|当值, 约900名地盘工人|今日: the predicate after the noun
        if token.text in _OPENERS and not out:
            close = _bracket_group(tokens, k, 1, len(tokens) - 1, cues)
            if close is not None and token.text in "(（" and any(_HAS_DIGIT.search(t.text) for t in tokens[k:close]):
                break  # 60%|（共21人）: a remark with a number, not a name
            if close is not None and k == 0 and token.text in "(（" and len("".join(t.text for t in tokens[k + 1 : close])) == 1:
                # 7万套|（间）, 200件|（套）|文物: one character in brackets right after the number is
                # another counter of it; what is counted follows it, if anything
                k = close + 1
                continue
            if close is None and capped:
                # a quoted name longer than the reach: read on to its end (rare, so not costly)
                tokens = [t for t in tokens_between(doc, start, full_limit) if t.idx + len(t.text) > start]
                close = _bracket_group(tokens, k, 1, len(tokens) - 1, cues)
            if close is not None:
                out += "".join(t.text for t in tokens[k : close + 1])
                last, k = tokens[close], close + 1
                continue
        if k == 0 and text == token.text and (
            len(text) == 1 and text in cues.function_words and cues.is_verbal(token)
            or text in cues.copulas and k + 1 < len(tokens) and cues.is_nominal(tokens[k + 1])
        ):
            k += 1  # 6宗|属|输入个案, 四分一|为|派驻人员: a verb of one character that is a function word, or a copula, right after the number
            continue
        if not out and text == token.text and cues.is_scope(token):
            noun_at = _noun_after_place(tokens, k, cues)
            if noun_at is not None:
                # 27个|非洲国家, 30%的|上海市民: a place opening the phrase with a noun right
                # after it modifies that noun (the place stays the claim's where)
                out, last, k = "".join(t.text for t in tokens[k:noun_at]), tokens[noun_at - 1], noun_at
                continue
        if not out and text == token.text and len(text) > 1 and token.tag_.startswith(cues.locative_tags) and _noun_after_place(tokens, k + 1, cues) == k + 1:
            # 3200名|中外媒体记者, 两架|海外货运航班: a locative word of two characters or more
            # opening the phrase with a noun right after it modifies that noun
            out, last, k = text, token, k + 1
            continue
        verbal = cues.is_verbal(token)
        predicate = token.text in cues.attributive and not _modifies_next(tokens, k, cues)
        if predicate or _is_stop(token, bool(out), cues) and not (not out and verbal):
            # 51票|对50票的|表决结果, 64GB|和128GB的|容量: a second figure joined to the first, then 的
            joined = not out and k + 1 < len(tokens) and _HAS_DIGIT.search(tokens[k + 1].text) and token.tag_.startswith(("c", "p"))
            # 12个|最终获批的|城市, 5%|可能被忽视的|个案: an adverb or preposition (`relative_open`
            # tags) opening a relative clause (not a verb with 了: 19家|削减了5月的航班 is the
            # predicate; not a particle: 30亩|地的 is a mis-tagged noun)
            opens = token.tag_.startswith(cues.relative_open_tags) and cues.is_function(token) and (not out or last is not None and cues.is_function(last))
            after = _relative_clause_end(tokens, k) if (verbal or predicate or joined or opens) and not relative else None
            if after is not None and noun and not verb_first and any(
                t.text != "的" and t.tag_.startswith(cues.clause_object_tags) for t in tokens[k + 1 : after]
            ):
                # after a noun read right after the number, a verb with an object, a time or an
                # aspect particle up to 的 is that noun's predicate (300家|企业|参加了今年的博览会), not a
                # relative clause over a later head (131名|外地|迁来的|职工)
                after = None
            if after is not None and opens and not (verbal or predicate or joined) and all(t.tag_.startswith(("t", "f", "s")) for t in tokens[k + 1 : after - 1]):
                after = None  # 3间|在去年的|评审中获奖: a preposition and a time or place up to 的 is the frame's noun phrase, no relative clause
            if after is None:
                break
            out, last, verb_first, relative, noun, k = "", None, False, True, False, after
            continue
        if not out and verbal:
            verb_first = True
            if token.text in cues.predicates:
                # 5%|来自官立学校: a predicate takes an object; it modifies no noun (a relative
                # clause up to 的 may follow)
                after = _relative_clause_end(tokens, k) if not relative else None
                if after is None:
                    break
                out, last, verb_first, relative, noun, k = "", None, False, True, False, after
                continue
        if not out and text != token.text and text in cues.function_words:
            k += 1  # 6宗|属: the rest of a word the number cut (宗属) is a function word
            continue
        out += text
        last = token
        noun = noun or (token.tag_.startswith((*cues.nominal_tags, "k")) and not verbal)  # k: a suffix (被捕|者)
        if len(out) >= max_chars:
            break
        k += 1
    if verb_first and (len(out) <= 2 or not noun):
        # a verb right after the number with no noun after it (提高, 创新高) is the predicate;
        # with one (确诊|个案) it modifies the noun
        return ""
    if out and last is not None and out == last.text and cues.is_function(last):
        return ""  # 七倍|多, 4人|一起: a function word names nothing
    return _balance(out)


def _is_verb_word(token: Token, cues: PhraseCues) -> bool:
    """True for a verb by its tag (开通, 没有; not a verbal noun) or a listed predicate (来自): a phrase
    it opens up to 的 is a relative clause (59个|开通地铁的|城市); a listed verbal word that jieba
    tags otherwise (新建) may modify a noun (10个|新建社区|的缩影)."""
    return token.tag_.startswith("v") and token.tag_ != "vn" and token.text not in cues.attributive or token.text in cues.predicates


def _first_index(tokens: list[Token], out: str, k: int) -> int:
    """Index of the token where the text `out`, read up to tokens[k] (excluded), starts."""
    length, j = 0, k
    while j > 0 and length < len(out):
        j -= 1
        length += len(tokens[j].text)
    return j


def _ends_after(tokens: list[Token], k: int, cues: PhraseCues) -> bool:
    """True when tokens[k], after a noun read forward, is a predicate rather than more of the
    phrase: a time word, or a verbal noun, adjective or function word with no noun after it
    (展馆|工作，, 增速|最高，); or an opening bracket after a noun (因素|(人口老化…)."""
    token = tokens[k]
    if token.text in _OPENERS:
        if not (k > 0 and tokens[k - 1].tag_.startswith("n") and token.text in "(（"):
            return False
        close = _bracket_group(tokens, k, 1, min(len(tokens) - 1, k + 3), cues)
        return close is None  # a short alternative stays: 行政村(社区)
    tag = token.tag_
    if tag.startswith(cues.time_tags) and not cues.is_blocked(token):
        return True
    if token.text in cues.function_words or token.text in cues.predicates:
        pass
    elif not ((tag == "vn" or tag.startswith(("a", "d"))) and len(token.text) <= 2):
        return False
    if token.text in cues.attributive:
        return False
    following = tokens[k + 1] if k + 1 < len(tokens) else None
    if following is not None and (following.text == "的" or following.text in _CLOSERS):
        return False  # 实际|投运|的城市, “…研究”: a relative clause or a quoted name goes on
    return following is None or not cues.is_nominal(following)


def _relative_clause_end(tokens: list[Token], k: int, reach: int = 5) -> int | None:
    """Index just after the 的 that closes a short relative clause starting at tokens[k]
    (搬迁来的, 年过7旬的), or None when punctuation comes first or 的 is out of reach."""
    for j in range(k, min(len(tokens), k + reach)):
        if tokens[j].text == "的":
            return j + 1 if j > k else None
        if _PUNCT.match(tokens[j].text) and tokens[j].text not in _BRACKETS:
            return None
    return None


def _noun_after_place(tokens: list[Token], k: int, cues: PhraseCues) -> int | None:
    """Index of the noun right after the place or scope word that opens at tokens[k] (非洲|国家),
    or None when no noun follows it at once (a verb, a 的, punctuation, another figure)."""
    j = k
    while j < len(tokens) and cues.is_scope(tokens[j]):
        j += 1
    if j == len(tokens):
        return None
    following = tokens[j]
    return j if following.tag_.startswith(cues.nominal_tags) and cues.is_nominal(following) and not cues.is_verbal(following) else None


def _modifies_next(tokens: list[Token], k: int, cues: PhraseCues) -> bool:
    """True when the token after tokens[k] can continue a noun phrase (兼职|委员)."""
    return k + 1 < len(tokens) and not _is_stop(tokens[k + 1], True, cues)


def np_before(doc: Doc, end: int, floor: int, max_chars: int = 16, cues: PhraseCues | None = None) -> str:
    """The noun phrase that ends at character `end` (建立|党组织|166个), read backwards; a quoted
    or bracketed piece right before the end is taken whole (省级“人才驿站”|2个), a leading verbal
    noun followed by a noun is left out (培训|社区党组织书记).

    Compounds are head-final: a verb between two words of a noun phrase is a modifier
    (一般公共|预算|收入), unless the rules list it as a predicate (完成). What is no part of the
    phrase is passed over before its head: the predicate (税收收入|完成|612亿元), function words
    (产销量|双双|超过…), a one-character verb (月|赚|3万元); and a comparison's base is dropped
    (失业率|较第一季|上升…). A phrase of function words alone is no phrase ("")."""
    cues = default_cues() if cues is None else cues
    floor = max(floor, end - _REACH * max_chars)
    tokens = [t for t in tokens_between(doc, floor, end) if t.idx < end and t.idx >= floor]
    if tokens and tokens[-1].idx + len(tokens[-1].text) > end and _cut_piece_is_function(tokens[-1], end - tokens[-1].idx, cues):
        tokens.pop()  # 单日急|增: a cue word cut a word, and what is left of it (急) is no noun
    # a phrase right before a number is the object of a verb before it (设立|党小组|196个), one
    # before a verb or cue word is the subject (一般公共预算收入|突破…), where verbs are modifiers
    subject = _predicate_at(doc, end, cues)
    fallback = ""
    pieces: list[Token] = []
    k = len(tokens) - 1
    while k >= 0:
        token = tokens[k]
        if token.text in _CLOSERS and not pieces:
            open_at = _bracket_group(tokens, k, -1, 0, cues)
            if open_at is not None and token.text in ")）" and open_at > 0 and cues.is_nominal(tokens[open_at - 1]):
                k = open_at - 1  # 货币供应量|（M2）: an abbreviation or remark after the noun it explains
                continue
            if open_at is not None:
                pieces[:0] = tokens[open_at : k + 1]
                k = open_at - 1
                continue
        if token.text in ")）" and pieces:
            open_at = _bracket_group(tokens, k, -1, 0, cues)
            inside = tokens[open_at + 1 : k] if open_at is not None else []
            if open_at is None or len("".join(t.text for t in inside)) > 4 or any(cues.is_verbal(t) for t in inside):
                break  # 金融机构（含外资）|本外币贷款余额: a remark before the phrase; 村(社区)|干部 goes on
        if pieces and token.text in cues.base_markers:
            pieces, k = [], k - 1  # 失业率|较|第一季, 较|某某任内|增加: what was read is the base of a comparison, a time or not
            continue
        if pieces and token.text in _OPENERS and not any(t.text == _OPENERS[token.text] for t in pieces):
            break  # 经济总量（|GDP 5136亿元）: the phrase is inside a bracket that opens here
        if not pieces and token.text.isspace() and k > 0 and tokens[k - 1].tag_ == "eng" and k == len(tokens) - 1:
            k -= 1  # GDP| |3538亿元: a space between a Latin word and the number joins them
            continue
        if not pieces and (_passed_before_head(tokens, k, cues) or subject and _is_predicative(token, cues)):
            k, subject = k - 1, True
            continue
        if not pieces and not fallback and len(token.text) > 1 and _is_adverbial_verb(tokens, k, cues):
            # 工程|累计|建设|2297处: a verb after an adverb is a predicate; it is what is counted
            # only when no noun phrase comes before it (全年共|培训|3000人次)
            fallback, k, subject = token.text, k - 1, True
            continue
        bound_head = len(pieces) == 1 and len(pieces[0].text) == 1 and cues.is_verbal(token)
        modifier = bool(pieces) and _is_modifier_verb(tokens, k, cues, subject)
        if not modifier and (
            token.text == "的" or _is_stop(token, bool(pieces), cues) and not (not pieces and cues.is_verbal(token)) and not bound_head
        ):
            marker = _base_marker_before(tokens, k, cues)
            if marker is not None:
                pieces, k = [], marker - 1  # 降幅|比|一季度|收窄: the time is a comparison's base
                continue
            break  # a one-character head (率, 单) takes the verb before it: 召开率, 交办单
        pieces.insert(0, token)
        if sum(len(t.text) for t in pieces) >= max_chars:
            break
        k -= 1
    while not subject and len(pieces) > 1 and pieces[0].tag_ == "vn" and pieces[0].text not in cues.attributive and (
        pieces[1].tag_.startswith("n") or pieces[1].text in cues.attributive
    ):
        if pieces[0].i > 0 and cues.is_verbal(doc[pieces[0].i - 1]):
            break  # 办理|服务|事项: after the predicate, the verbal noun is part of its object
        pieces.pop(0)
    while len(pieces) > 1 and len(pieces[0].text) > 1 and pieces[0].text in cues.function_words:
        pieces.pop(0)  # 举办|相关|培训班: a function word at the phrase's edge names nothing
    if pieces and all(
        cues.is_function(t) or t.tag_.startswith(("a", *cues.time_tags)) or subject and t.tag_.startswith(cues.predicative_tags)
        for t in pieces
    ):
        # 仍|只得, 再|多, 一般, 昨日: function words, adjectives and time words name nothing, nor
        # does a numeral word before a verb (一天|赚|600元); right before a number it may (我们一家|三口)
        pieces = []
    if not pieces:
        return fallback
    text = "".join(t.text for t in pieces)
    if pieces and pieces[-1].idx + len(pieces[-1].text) > end:
        text = text[: end - pieces[0].idx]
    return _balance(text)


def _cut_piece_is_function(token: Token, length: int, cues: PhraseCues) -> bool:
    """True when the first `length` characters of a word cut by a cue (急|增, 预|计, 合|共) are
    no noun: one character that is a function word, or the start of an adverb, verb or
    distinguishing word (a new word the tagger guessed, 议席数|为, keeps its piece)."""
    piece = token.text[:length]
    if piece in cues.function_words:
        return True
    return len(piece) == 1 and token.tag_.startswith(cues.cut_function_tags)


def _passed_before_head(tokens: list[Token], k: int, cues: PhraseCues) -> bool:
    """True when tokens[k], read before any word of a phrase, is passed over: a listed predicate
    (收入|完成|…), an adverb or function word (产销量|双双|…), a one-character verb after a noun
    (月|赚|…) — so the noun phrase before it is the one that is counted."""
    token = tokens[k]
    if cues.is_blocked(token) or cues.is_scope(token) or _PUNCT.match(token.text):
        return False
    if token.text in cues.predicates or token.text in cues.function_words or token.text in cues.base_markers:
        return True  # a marker there (失业率|较|第一季…) opened the base already passed over
    if token.tag_.startswith(cues.function_tags):
        return True
    if len(token.text) == 1 and cues.is_verbal(token) and token.text not in cues.attributive:
        # 召开|率: a one-character word after a verb is a bound head, not a predicate; after a
        # function word (要|缴) it is a verb
        return k > 0 and (not cues.is_verbal(tokens[k - 1]) or cues.is_function(tokens[k - 1]))
    return False


def _is_predicative(token: Token, cues: PhraseCues) -> bool:
    """True for an adjective or numeral word between a subject and its predicate (增速|最高|达…,
    开支|平均|相差…, 总产量|十年|增长…): it describes the predicate, the subject is before it."""
    return token.tag_.startswith(cues.predicative_tags) and not _HAS_DIGIT.search(token.text)


def _is_adverbial_verb(tokens: list[Token], k: int, cues: PhraseCues) -> bool:
    """True when tokens[k] is a verb with an adverb or function word right before it (累计|建设)."""
    token = tokens[k]
    verb = cues.is_verbal(token) or token.tag_ == "vn"
    if not verb or token.text in cues.attributive or cues.is_blocked(token) or cues.is_scope(token):
        return False
    return k > 0 and cues.is_function(tokens[k - 1]) and not _PUNCT.match(tokens[k - 1].text)


def _is_modifier_verb(tokens: list[Token], k: int, cues: PhraseCues, subject: bool) -> bool:
    """True when the verb tokens[k], with a phrase read after it, is a modifier inside a noun
    compound: a word of two or more characters, not a listed predicate, in a subject between a
    noun (or adjective) and the phrase (公共|预算|收入…突破); in an object, only when a verb
    further left is the predicate (完成|一般公共|预算|收入 123亿元)."""
    token = tokens[k]
    if len(token.text) < 2 or not cues.is_verbal(token) or token.text in cues.predicates or token.text in cues.verbal:
        return False
    if cues.is_blocked(token) or cues.is_scope(token):
        return False
    if k > 0 and tokens[k - 1].text == "的":
        return True  # 已公布的|被捕|人数: after 的 comes the noun phrase, whose verbs modify its head
    before = tokens[k - 1] if k > 0 else None
    if before is not None and before.text in cues.predicates:
        return True  # 办理|审批|事项, 颁发|登记|证书: a verb right after the predicate modifies its object
    if subject and (
        before is None
        or _PUNCT.match(before.text) and before.text not in _BRACKETS
        or cues.is_scope(before)
        or cues.is_blocked(before)
        or before.tag_.startswith(("m", *cues.time_tags)) and not _HAS_DIGIT.search(before.text)
    ):
        return True  # 审批|时间|缩短…, 全港|退学|人数|骤升…: a subject that opens its clause
    if not (k > 0 and cues.is_nominal(tokens[k - 1])):
        return False
    if subject:
        return True
    j = k - 1
    while j >= 0 and cues.is_nominal(tokens[j]):
        j -= 1
    return j >= 0 and tokens[j].text in cues.predicates


def _base_marker_before(tokens: list[Token], k: int, cues: PhraseCues) -> int | None:
    """Index of a comparison marker right before the time words that end at tokens[k]
    (比|一季度, 较|上年同期), or None when tokens[k] is no time word or no marker precedes."""
    j = k
    while j >= 0 and (cues.is_blocked(tokens[j]) or tokens[j].tag_.startswith(("m", "t"))):
        j -= 1
    if j == k or j < 0:
        return None
    return j if tokens[j].text in cues.base_markers else None


def _predicate_at(doc: Doc, at: int, cues: PhraseCues) -> bool:
    """True when a predicate or cue word starts at character `at` (收入|突破…, 增速|较…), so the
    phrase that ends there is a subject; False before a number (设立|党小组|196个), a list
    separator or punctuation (网格长|、网格员), where it may be an object."""
    token = next((t for t in tokens_between(doc, at, at + 1) if t.idx <= at < t.idx + len(t.text)), None)
    if token is None or token.tag_.startswith(("m", "x")) or _HAS_DIGIT.search(token.text):
        return False
    if token.tag_.startswith("c") and token.text not in cues.function_words:
        return False  # a conjunction: 网格长|和网格员
    return not _PUNCT.match(token.text)


def _balance(text: str) -> str:
    """Drop unbalanced brackets at the edges of a phrase.

    >>> _balance("”党组织"), _balance("网格(小区)党支部")
    ('党组织', '网格(小区)党支部')
    """
    pairs = {"“": "”", "‘": "’", "(": ")", "（": "）", "「": "」", "《": "》"}
    closers = {v: k for k, v in pairs.items()}
    changed = True
    while changed and text:
        changed = False
        if text[0] in closers or (text[0] in pairs and pairs[text[0]] not in text):
            text, changed = text[1:], True
        elif text and (text[-1] in pairs or (text[-1] in closers and closers[text[-1]] not in text)):
            text, changed = text[:-1], True
    return text


def list_items(text: str, separators: list[str]) -> list[str]:
    """Split a parallel list (薪俸税、物业税) on the separators.

    >>> list_items("单位党组织、党员", ["、", "和"])
    ['单位党组织', '党员']
    """
    if not separators:
        return [text]
    pattern = "|".join(regex.escape(s) for s in separators)
    return [p for p in regex.split(pattern, text) if p]



def parallel_lists(doc: Doc, start: int, end: int, separators: frozenset[str], cues: PhraseCues | None = None) -> list[list[str]]:
    """The parallel lists of noun phrases (钢材、水泥和玻璃) in doc.text[start:end], in
    reading order; an item is a whole segment between separators, except the first (the noun
    phrase before the first separator) and the last (the noun phrase after the last one)."""
    cues = default_cues() if cues is None else cues
    tokens = [t for t in tokens_between(doc, start, end) if start <= t.idx and t.idx + len(t.text) <= end]
    lists: list[list[str]] = []
    clause: list[Token] = []
    for token in [*tokens, None]:
        if token is None or _CLAUSE_END.match(token.text):
            lists.extend(_clause_lists(doc, clause, separators, cues))
            clause = []
        else:
            clause.append(token)
    return lists


def _clause_lists(doc: Doc, clause: list[Token], separators: frozenset[str], cues: PhraseCues) -> list[list[str]]:
    if not clause:
        return []
    floor, limit = clause[0].idx, clause[-1].idx + len(clause[-1].text)
    segments: list[list[Token]] = [[]]
    for token in clause:
        if token.text in separators and token.tag_ in ("c", "x"):
            segments.append([])
        else:
            segments[-1].append(token)
    lists: list[list[str]] = []
    items: list[str] = []
    for k, segment in enumerate(segments):
        if not segment:
            items = []
            continue
        # a middle item is a whole segment: no digit, punctuation or time word, and short
        clean = len("".join(t.text for t in segment)) <= 12 and not any(
            _PUNCT.match(t.text) or _HAS_DIGIT.search(t.text) or cues.is_blocked(t) for t in segment
        )
        closer = next((n for n, t in enumerate(segment) if t.text in cues.list_closers), None)
        if items and closer is not None and closer > 0 and k + 1 < len(segments):
            # 钢材、水泥、玻璃|等|建材、…: 等 closes the list; what follows may open another
            items.append("".join(t.text for t in segment[:closer]))
            lists.append(items)
            segment = segment[closer + 1 :]
            items = []
            if not segment:
                continue
        elif items and clean and k + 1 < len(segments):
            items.append("".join(t.text for t in segment))
            continue
        if items:
            last = np_after(doc, segment[0].idx, limit, cues=cues)
            first = segment[0]
            if not last and not _PUNCT.match(first.text) and not _HAS_DIGIT.search(first.text) and not cues.is_blocked(first):
                last = first.text  # 甲电、乙电、来电|4家: the last item of a list is its first word, whatever its tag
            closers = longest_first(cues.list_closers)
            if closers:
                last = regex.split("|".join(regex.escape(c) for c in closers), last, maxsplit=1)[0]
            if last:
                items.append(last)
            if len(items) > 1:
                lists.append(items)
            items = []
        if k + 1 < len(segments):
            first = np_before(doc, segment[-1].idx + len(segment[-1].text), floor, cues=cues)
            opener = segment[-1].idx + len(segment[-1].text) - len(first)
            governed = any(t.tag_ == "p" and t.idx + len(t.text) == opener for t in segment)
            items = [first] if first and not governed else []  # 以|人民币和美元计: no list of subjects
    return lists
