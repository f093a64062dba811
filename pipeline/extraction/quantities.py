"""Find quantities in clean text: number, multiplier, unit, qualifier, range; drop exclusions.

All vocabulary comes from the rule files (numbers, units, qualifiers, exclusions); this module
is the scanner. It works on characters, so a quantity is found whatever jieba makes of it; the
extraction component aligns it to tokens afterwards.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from decimal import Decimal

import regex

from collections.abc import Callable, Iterable, Iterator, Mapping

from .numbers import NumberSystem, number_system, paired_number, parse_number, share_percent
from ..rules import PATTERN_TIMEOUT, PatternTimeout, Rule, RulePattern, RuleSet  # noqa: F401 (PatternTimeout: importable from here)

#: The longest counter word looked up by its tag after a number (班次, 标准箱).
COUNTER_MAX_CHARS = 4


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity found in a text: span, exact value(s), canonical unit, kind, qualifier."""

    start: int
    end: int
    text: str
    value: Decimal
    high: Decimal | None
    unit: str
    kind: str
    qualifier: str | None
    rules: tuple[str, ...]
    number_start: int
    number_end: int


#: doc.user_data key under which the tokenizer leaves the quantities it found (it segments only
#: the sentences that hold one; the claims component then does not look for them again).
QUANTITIES_KEY = "zhclaims.quantities"


@dataclass(frozen=True, slots=True)
class _Unit:
    unit: str
    kind: str
    scale: Decimal
    arabic_only: bool
    rule: str
    not_before: tuple[str, ...] = ()
    max_value: Decimal | None = None


class _Surfaces:
    """Longest-first lookup of surface strings at a position."""

    def __init__(self, table: dict[str, object]) -> None:
        self.table = table
        self.lengths = sorted({len(s) for s in table}, reverse=True)

    def at(self, text: str, pos: int) -> tuple[str, object] | None:
        for n in self.lengths:
            piece = text[pos : pos + n]
            if len(piece) == n and piece in self.table:
                return piece, self.table[piece]
        return None

    def before(self, text: str, pos: int) -> tuple[str, object] | None:
        for n in self.lengths:
            if pos - n < 0:
                continue
            piece = text[pos - n : pos]
            if piece in self.table:
                return piece, self.table[piece]
        return None


def _surfaces(rules: list[Rule], make) -> _Surfaces:
    table: dict[str, object] = {}
    for rule in rules:
        for surface in rule.get("surface"):
            table.setdefault(surface, make(rule))
    return _Surfaces(table)


def expand_macros(pattern: str, system: NumberSystem) -> str:
    """Replace {NUM}, {CN}, {CNNUM} in a rule pattern by the number vocabulary's regexes."""
    cn = f"[{regex.escape(system.cn_chars)}]"
    big = "".join(regex.escape(b) for b in system.big)
    return (
        pattern.replace("{NUM}", system.number_pattern())
        .replace("{CNNUM}", f"[{regex.escape(system.cn_chars)}{big}]+")
        .replace("{CN}", cn)
    )


class QuantityMatcher:
    """Compiled quantity grammar of one rule set.

    `lexicon` (word -> part-of-speech tag, jieba's dictionary and the rules' word lists) lets the
    `[[counter_tag]]` rules take a word tagged as a measure word (`q`) after a number as its counter."""

    def __init__(self, rules: RuleSet, lexicon: Mapping[str, str] | None = None) -> None:
        self.system = number_system(rules)
        heads = {
            surface[1]
            for rule in rules.section("unit")
            for surface in rule.get("surface")
            if len(surface) > 1 and surface[0] in self.system.small
        }
        self.unit_heads = "".join(sorted(heads))
        quals = rules.section("qualifier")
        #: qualifiers written before a number that starts with 十/百/千/万/亿 or is a half: 数百, 上万, 过半
        lead = [s for r in quals if r.get("position") == "before_unit" for s in r.get("surface")]
        lead += [s for r in quals if r.get("position") == "before" for s in r.get("surface")]
        number = self.system.number_pattern(self.unit_heads)
        alternatives = [number]
        if self.system.halves:
            # a half: 一半/半数 alone, a bare 半 only right after a qualifier (过半, 逾半), never in a word (半年, 半岛)
            whole = [h for h in self.system.halves if len(h) > 1]
            bare = [h for h in self.system.halves if len(h) == 1]
            if whole:
                alternatives.insert(0, "(?:" + "|".join(regex.escape(h) for h in whole) + ")")
            if bare and lead:
                behind = "|".join(regex.escape(q) for q in sorted(set(lead), key=len, reverse=True))
                bare_half = "|".join(regex.escape(h) for h in bare)
                alternatives.append(f"(?<=(?:{behind}))(?:{bare_half})(?!(?![的数])\\p{{Han}})")
        if lead:
            # a bare multiplier after a qualifier: 上万人, 破亿, 过千亿 (数百 is read by the number itself)
            behind = "|".join(regex.escape(q) for q in sorted(set(lead), key=len, reverse=True))
            # 近万七 = 17000: a lone digit after the multiplier is the next place down
            lone = f"(?:[{regex.escape(''.join(self.system.digits))}](?![{regex.escape(self.system.cn_chars)}]))?"
            alternatives.append(f"(?<=(?:{behind})){self.system.big_pattern()}{lone}")
        slashes = []
        for rule in (r for r in rules.section("numeral") if r.get("role") == "slash"):
            # 1/3投资者: two small whole numbers, not a date (3/8（周五）, 26/7至1/8) nor a round (1/4决赛)
            slash = "|".join(regex.escape(x) for x in rule.get("surface"))
            not_after = "".join(f"(?<!{regex.escape(w)})" for w in rule.get("not_after", []))
            not_before = "".join(f"(?!{regex.escape(w)})" for w in rule.get("not_before", []))
            slashes.append(f"(?<![0-9０-９/.．A-Za-z]){not_after}[1-9](?:{slash})[1-9][0-9]?(?![0-9０-９/.．]){not_before}")
        #: shares written with a slash, a pass of their own (in `number_re` its look-behinds slow every position)
        self.slash_re = regex.compile("|".join(slashes)) if slashes else None
        units = rules.section("unit")
        #: units that stand for one of themselves right after a `before` qualifier: 近倍, 逾倍 (1 倍)
        self.alone_units = frozenset(s for r in units if r.get("alone") for s in r.get("surface"))
        before = [s for r in quals if r.get("position") == "before" for s in r.get("surface")]
        if self.alone_units and before:
            behind = "|".join(regex.escape(q) for q in sorted(set(before), key=len, reverse=True))
            alone = "|".join(regex.escape(u) for u in sorted(self.alone_units, key=len, reverse=True))
            alternatives.append(f"(?=(?:{alone}))(?<=(?:{behind}))(?:{alone})")
        #: units before which a multiplier alone is one of it: 万吨 (10000 吨), 亿元
        measure = sorted({s for r in units if r.get("bare_multiplier") for s in r.get("surface")}, key=len, reverse=True)
        if measure:
            numeral = regex.escape(self.system.cn_chars + "".join(self.system.big) + "".join(lead))
            alternatives.append(
                f"(?={self.system.big_pattern()})(?<![{numeral}])(?<![0-9０-９][\\s,，]*){self.system.big_pattern()}(?=(?:{'|'.join(regex.escape(u) for u in measure)}))"
            )
        self.number_re = regex.compile(r"(?<![A-Za-z0-9０-９.．])(?:" + "|".join(alternatives) + ")")
        self.big = _Surfaces({b: f for b, f in self.system.big.items()})
        self.units = _surfaces(
            rules.section("unit"),
            lambda r: _Unit(
                r.get("unit"),
                r.get("kind"),
                Decimal(str(r.get("scale", 1))),
                r.get("numerals") == "arabic",
                r.id,
                tuple(r.get("not_before", [])),
                Decimal(str(r.get("max_value"))) if r.get("max_value") is not None else None,
            ),
        )
        self.lexicon: Mapping[str, str] = {}
        self._ensure: Callable[[str], None] | None = None
        self._counters: dict[str, _Unit | None] = {}
        self._counter_tags: list[tuple[Rule, set[str], set[str]]] = []
        self.counter_rules = rules.section("counter_tag")
        self.counter_ids = {r.id for r in self.counter_rules}
        self.nouns = _surfaces(rules.section("noun_count"), lambda r: r.id)
        #: jieba tags of set phrases and names (idioms i, l; proper nouns nz): a Chinese-numeral quantity
        #: inside such a word that runs on past it (千家万户, 三个代表) is part of the phrase
        self.phrase_tags = _tag_class(rules, "set_phrase")
        #: jieba tags of place names: a Chinese-numeral quantity that is a place name or begins one (六盘水) is no claim
        self.place_name_tags = _tag_class(rules, "place_name")
        #: jieba tags of words ending in a numeral that owns it (周五|台风), and the words they do not follow (每)
        self.numeral_end_tags = _tag_class(rules, "numeral_end")
        self.numeral_end_not_after = _tag_class(rules, "numeral_end", "not_after")
        if lexicon is not None:
            self.use_lexicon(lexicon)
        self.before = _surfaces([r for r in quals if r.get("position") == "before"], lambda r: (r.get("qualifier"), r.id))
        self.before_unit = _surfaces([r for r in quals if r.get("position") == "before_unit"], lambda r: (r.get("qualifier"), r.id))
        self.after = _surfaces([r for r in quals if r.get("position") == "after"], lambda r: (r.get("qualifier"), r.id))
        #: words an `after` qualifier may follow the quantity across, outside it (两成|水平|左右)
        self.after_across = tuple(sorted({w for r in quals if r.get("position") == "after" for w in r.get("across", [])}, key=len, reverse=True))
        self._across_of = {r.id: frozenset(r.get("across", [])) for r in quals if r.get("position") == "after"}
        self.infix = _surfaces([r for r in quals if r.get("position") == "infix"], lambda r: (r.get("qualifier"), r.id))
        self.outside = _surfaces([r for r in quals if r.get("position") == "outside"], lambda r: (r.get("qualifier"), r.id))
        #: adverbs that qualify the first quantity after them in their clause (大概可以赚1000元)
        self.scope = _surfaces([r for r in quals if r.get("position") == "scope"], lambda r: (r.get("qualifier"), r.id, int(r.get("reach", 8))))
        self.scope_reach = max((int(r.get("reach", 8)) for r in quals if r.get("position") == "scope"), default=0)
        #: marks that end a clause (`entity_cue` clause_end, `punctuation` sentence_end) and a line break
        self.clause_marks = frozenset(
            [s for r in rules.section("entity_cue") if r.get("use") == "clause_end" for s in r.get("surface")]
            + [s for r in rules.section("punctuation") if r.get("use") == "sentence_end" for s in r.get("surface")]
            + ["\n"]
        )
        self.ranges = _surfaces(rules.section("range"), lambda r: r)
        self.currency = _surfaces(rules.section("currency_prefix"), lambda r: (r.get("unit"), r.id))
        self.exclusions: list[tuple[Rule, RulePattern]] = [
            (rule, RulePattern(rule, expand_macros(rule.get("pattern"), self.system))) for rule in rules.section("exclusion")
        ]
        #: numbers without unit that a construction makes quantities: 倍差从2.37缩小到1.94 (groups named q)
        self.bare_numbers: list[tuple[Rule, RulePattern]] = [
            (rule, RulePattern(rule, expand_macros(rule.get("pattern"), self.system))) for rule in rules.section("bare_number")
        ]
        # An exclusion every match of which starts with its {NUM}/{CNNUM} (no top-level `|`): a number
        # is written only with the characters of `alphabet`, so its number lies in one run of them and
        # the rest of the pattern matches right after a character of that run. `excluded_spans` tries
        # such an exclusion only in those runs, by one match of `[alphabet]*?(?P<zhq>pattern)` (lazy:
        # the leftmost start first, as finditer's scan) from the run's start or the last match's end.
        number_class = self.system.char_class()
        glue = "".join(sorted({",", *"".join(self.system.fractions), *"".join(self.system.cn_fractions)}))
        alphabet = number_class[:-1] + regex.escape(glue) + "]"
        # the run holding a character: its end read forwards from there, its start backwards (only
        # around the places the rest of a pattern matches at: a scan of every run of the text made
        # a match object for each 一, 分 and 点 of it)
        self._run_ahead = regex.compile(alphabet + "*")
        self._run_behind = regex.compile(alphabet + "*", regex.REVERSE)
        # An exclusion with such an alternative (法》23条|23条立法) is scanned one alternative at a
        # time, each giving its spans, so that the number-led ones are tried only in the runs and not
        # at every character of the text (a single scan keeps the first of two overlapping matches).
        # (rule patterns: compiled when first used, as the exclusions themselves; see RulePattern)
        self._scans: list[tuple[Rule, RulePattern, tuple[RulePattern, RulePattern] | None]] = []
        for rule, pattern in self.exclusions:
            branches = _alternatives(rule.get("pattern"))
            if len(branches) > 1 and any(_number_led(b) for b in branches):
                parts = [(b, RulePattern(rule, expand_macros(b, self.system))) for b in branches]
            else:
                parts = [(rule.get("pattern"), pattern)]
            for source, part in parts:
                rest = _number_led(source)
                in_runs = None
                if rest:
                    in_runs = (
                        RulePattern(rule, f"{alphabet}*?(?P<zhq>{part.pattern})"),
                        RulePattern(rule, expand_macros(rest, self.system)),
                    )
                self._scans.append((rule, part, in_runs))
        self.arabic = regex.compile(r"[0-9０-９]")
        self.unit_led = set(self.system.small) | {c for b in self.system.big for c in b} | {h[0] for h in self.system.halves}

    def use_lexicon(self, lexicon: Mapping[str, str], ensure: Callable[[str], None] | None = None) -> None:
        """Take the counters of the `[[counter_tag]]` rules from a word -> tag lexicon (jieba's dictionary);
        `ensure(text)`, when given, reads the lexicon's words for the characters of a text first (a lazy dictionary)."""
        self.lexicon = lexicon
        self._ensure = ensure
        self._counters: dict[str, _Unit | None] = {}
        self._counter_tags = [(rule, set(rule.get("tags")), set(rule.get("not_surface", []))) for rule in self.counter_rules]

    def _counter(self, word: str) -> _Unit | None:
        """The counter `word` is by its tag in the lexicon (the first `[[counter_tag]]` rule that takes it), or None."""
        if word in self._counters:
            return self._counters[word]
        unit = None
        tag = self.lexicon.get(word)
        if tag is not None and not self.arabic.search(word):
            for rule, tags, banned in self._counter_tags:
                if tag in tags and word not in banned:
                    unit = _Unit(word, rule.get("kind"), Decimal(1), False, rule.id)
                    break
        self._counters[word] = unit
        return unit

    # -- exclusions --------------------------------------------------------------------------
    def excluded_spans(self, text: str) -> list[tuple[int, int, Rule]]:
        """Spans of `text` that the exclusion rules take out."""
        spans: list[tuple[int, int, Rule]] = []
        ahead, behind = self._run_ahead, self._run_behind
        for rule, pattern, in_runs in self._scans:
            if in_runs is None:
                for match in pattern.finditer(text):
                    spans.append((match.start(), match.end(), rule))
                continue
            if not pattern.may_match(text):
                continue
            in_runs, tail = in_runs[0].compiled, in_runs[1].compiled
            pos = 0  # the end of the last match: the scan goes on from there, as finditer's
            try:
                hosts: list[tuple[int, int]] = []  # the runs holding the character before a place the rest matches at
                for found in tail.finditer(text, overlapped=True, timeout=PATTERN_TIMEOUT):
                    at = found.start() - 1
                    if at < 0 or (hosts and at < hosts[-1][1]):
                        continue  # (in the run of the last place)
                    end = ahead.match(text, at).end()
                    if end > at:  # the character is in a run: from its start to its end
                        hosts.append((behind.match(text, 0, at).start(), end))
                for run_start, run_end in hosts:
                    while pos < run_end:
                        match = in_runs.match(text, max(pos, run_start), timeout=PATTERN_TIMEOUT)
                        if match is None:
                            break
                        start, end = match.span("zhq")
                        spans.append((start, end, rule))
                        pos = end if end > start else end + 1
            except TimeoutError:
                raise pattern._error(text, PATTERN_TIMEOUT) from None
        return spans

    # -- scanner -----------------------------------------------------------------------------
    def _unit_at(self, text: str, pos: int, chinese: bool) -> tuple[str, _Unit] | None:
        found = self.units.at(text, pos)
        if found is None:
            return self._counter_at(text, pos)
        surface, unit = found
        assert isinstance(unit, _Unit)
        if unit.arabic_only and chinese:
            return None
        after = pos + len(surface)
        if any(text.startswith(word, after) for word in unit.not_before):
            return None
        return surface, unit

    def _counter_at(self, text: str, pos: int) -> tuple[str, _Unit] | None:
        """A word tagged as a measure word after a number, unless it begins a longer word (批 in 批准)."""
        if not self._counter_tags or not self.lexicon:
            return None
        for n in range(COUNTER_MAX_CHARS, 0, -1):
            word = text[pos : pos + n]
            unit = self._counter(word) if len(word) == n else None
            if unit is not None:
                if any(text[pos : pos + m] in self.lexicon for m in range(n + 1, n + 4) if pos + m <= len(text)):
                    return None
                return word, unit
        return None

    def _number_at(self, text: str, pos: int) -> regex.Match[str] | None:
        return self.number_re.match(text, pos)

    def _read(self, text: str, match: regex.Match[str]) -> dict:
        """Read number, infix qualifier, multiplier and unit from a number match on."""
        num_text = match.group()
        if num_text in self.alone_units:
            return self._alone(text, match)
        chinese = not self.arabic.search(num_text)
        half = num_text in self.system.halves
        fraction = half or any(f in num_text for f in self.system.fractions + self.system.cn_fractions + self.system.slashes)
        value = parse_number(num_text, self.system)
        if any(s in num_text for s in self.system.slashes) and not 0 < value < 1:
            raise ValueError(f"no share: {num_text!r}")  # 5/3 is no part of a whole
        paired = paired_number(num_text, self.system) if chinese and not fraction else None
        pair_high = None
        if paired is not None:
            value, pair_high = paired
        has_big = any(b in num_text for b in self.system.big)
        multiplier = Decimal(1)
        for big in sorted(self.system.big, key=len, reverse=True):
            if num_text.endswith(big) and len(num_text) > len(big):
                multiplier = self.system.big[big]
                break
        else:
            if not chinese and num_text[-1] in self.system.small:
                multiplier = Decimal(self.system.small[num_text[-1]])
        pos = match.end()
        qualifier = None
        rules: list[str] = []
        infix = self.infix.at(text, pos)
        if infix is not None and not fraction:
            surface, (qualifier, rule_id) = infix
            # 几 and 多 need a following unit or multiplier to be a qualifier; checked below
            after = pos + len(surface)
            big = self.big.at(text, after)
            if big is not None or self._unit_at(text, after + (len(big[0]) if big else 0), chinese):
                pos = after
                rules.append(rule_id)
                if big is not None:
                    value *= big[1]
                    has_big = True
                    multiplier = big[1]
                    pos += len(big[0])
            else:
                qualifier = None
        unit = None
        found = None if fraction else self._unit_at(text, pos, chinese)
        if found is not None and found[1].max_value is not None and value > found[1].max_value:
            found = None  # 过百成员: 成 is a tenth only up to 十成
        if found is not None and found[1].rule in self.counter_ids and value != value.to_integral_value():
            found = None  # a counter found by its tag counts whole things: 2.18段 is a paragraph number
        if found is not None:
            surface, unit = found
            pos += len(surface)
            rules.append(unit.rule)
            half = next((h for h in self.system.halves if len(h) == 1 and text.startswith(h, pos)), None)
            if half is not None and not self.lexicon.get(text[pos : pos + 2], "").startswith("n") and paired is None:
                # 八成半 = 85%, 3倍半: a half after the unit adds half of it (not in a noun: 半岛, 半价)
                value += Decimal("0.5")
                pos += len(half)
                rules.append("numeral.half")
        return {
            "value": value,
            "pair_high": pair_high,
            "chinese": chinese,
            "fraction": fraction,
            "half": half,
            "unit_led": num_text[0] in self.unit_led,
            "has_big": has_big,
            "multiplier": multiplier,
            "end": pos,
            "qualifier": qualifier,
            "unit": unit,
            "rules": rules,
            "num_text": num_text,
            "num_end": match.end(),
        }

    def _alone(self, text: str, match: regex.Match[str]) -> dict:
        """A unit alone after a qualifier (近倍) read as one of itself."""
        found = self._unit_at(text, match.start(), True)
        if found is None or self._word_goes_on(text, match.start(), len(found[0])):
            raise ValueError(f"no unit alone: {match.group()!r}")
        return {
            "value": Decimal(1), "pair_high": None, "chinese": True, "fraction": False, "half": False,
            "unit_led": False, "has_big": False, "multiplier": Decimal(1), "end": match.end(),
            "qualifier": None, "unit": found[1], "rules": [found[1].rule], "num_text": match.group(), "num_end": match.end(),
        }

    def find(self, text: str) -> list[Quantity]:
        """Every quantity of `text`, in order, exclusions removed."""
        out: list[Quantity] = []
        numbers = list(self.number_re.finditer(text, timeout=PATTERN_TIMEOUT))
        if self.slash_re is not None and numbers:
            shares = list(self.slash_re.finditer(text, timeout=PATTERN_TIMEOUT))
            if shares:
                spans = [m.span() for m in shares]
                numbers = [m for m in numbers if not any(s < m.end() and m.start() < e for s, e in spans)]
                numbers = sorted(numbers + shares, key=lambda m: m.start())
        if not numbers:
            return out
        if self._ensure is not None:
            self._ensure(text)  # the lexicon's words for this text's characters (counters, word edges)
        excluded = _SpanIndex(self.excluded_spans(text))
        # an exclusion of any kind and numerals takes out every quantity whose number overlaps it (a
        # quantity's number starts with its match and ends at or after it): such a number is not read
        taken = bytearray(len(text))
        for start, end, rule in excluded:
            if not rule.get("kind") and not rule.get("numerals"):
                taken[start:end] = b"\x01" * (end - start)
        consumed = 0
        for match in numbers:
            if match.start() < consumed or any(taken[match.start() : match.end()]):
                continue
            quantity = self._quantity(text, match, excluded)
            if quantity is None:
                continue
            if self._is_excluded(quantity, excluded, text) or self._in_phrase(text, quantity):
                continue
            if quantity.qualifier is None and self.scope_reach:
                quantity = self._scoped(text, quantity, consumed)
            out.append(quantity)
            consumed = quantity.end
        if self.bare_numbers:
            out = self._with_bare_numbers(text, out, excluded)
        return out

    def _with_bare_numbers(self, text: str, found: list[Quantity], excluded: list[tuple[int, int, Rule]]) -> list[Quantity]:
        """`found` with the numbers of `[[bare_number]]` constructions (groups `q`) that no quantity covers, unit "",
        in reading order: a construction holds only when none of its numbers is a quantity already."""
        added: list[Quantity] = []
        for rule, pattern in self.bare_numbers:
            for match in pattern.finditer(text):
                spans = match.spans("q")
                if any(q.start < end and start < q.end for start, end in spans for q in found + added):
                    continue
                for start, end in spans:
                    number = self.number_re.match(text, start)
                    if number is None or number.end() != end or not self._readable(number):
                        continue
                    unit = _Unit("", rule.get("kind"), Decimal(1), False, rule.id)
                    q = self._finish(text, start, end, parse_number(number.group(), self.system), None, unit, None, [rule.id], number, end)
                    if not self._is_excluded(q, excluded, text):
                        added.append(q)
        return sorted(found + added, key=lambda q: q.start) if added else found

    def _in_phrase(self, text: str, q: Quantity) -> bool:
        """Whether a quantity written in Chinese numerals, with a unit, lies inside a lexicon word of a `set_phrase` tag that
        begins at most three characters before its number and runs on past its end (千家|万户, 三个代表), or is a
        word of a `place_name` tag that runs on past it (六盘水, 七台河: 三台 alone may be three machines), or
        begins with the last character of a `numeral_end` word begun before it (周五|台风, 初五)."""
        if not self.phrase_tags or not self.lexicon or (not q.unit and "count.bare_multiplier" not in q.rules) or self.arabic.search(q.text):
            return False  # a count without counter (七连冠, noun_count) is checked against words by its own rule
        if self.numeral_end_tags:  # 周五|台风: the numeral ends a time word begun before it
            for start in range(max(0, q.number_start - 3), min(q.start, q.number_start)):  # not the quantity's own 过半
                tag = self.lexicon.get(text[start : q.number_start + 1])
                if tag is not None and tag.startswith(self.numeral_end_tags) and not text.endswith(self.numeral_end_not_after, 0, start):
                    return True  # (每|周三次 is 每周|三次: a rate)
        if self.place_name_tags:
            for end in range(q.end + 1, min(len(text), q.end + 3) + 1):
                tag = self.lexicon.get(text[q.number_start:end])
                if tag is not None and tag.startswith(self.place_name_tags):
                    return True
        for start in range(max(0, q.number_start - 3), q.number_start + 1):
            for end in range(q.end + 1, min(len(text), q.end + 4) + 1):
                tag = self.lexicon.get(text[start:end])
                if tag is not None and tag.startswith(self.phrase_tags):
                    return True
        return False

    def _scoped(self, text: str, q: Quantity, floor: int) -> Quantity:
        """`q` with the qualifier of a `scope` adverb before it in its clause (大概|可以赚|1000元), when no
        clause mark and no earlier quantity (ending at `floor`) stands between and the adverb is within its reach."""
        pos = q.start
        limit = max(floor, q.start - self.scope_reach - max(self.scope.lengths))
        while pos > limit:
            found = self.scope.before(text, pos)
            if found is not None:
                surface, (qualifier, rule_id, reach) = found
                if q.start - pos <= reach and pos - len(surface) >= floor:
                    return replace(q, qualifier=qualifier, rules=q.rules + (rule_id,))
            if text[pos - 1] in self.clause_marks:
                break
            pos -= 1
        return q

    def _is_excluded(self, q: Quantity, excluded: list[tuple[int, int, Rule]], text: str) -> bool:
        chinese = None  # whether the number has no arabic digit, asked only of a chinese-numerals exclusion
        for start, end, rule in _overlapping(excluded, q.number_start, q.number_end):
            if rule.get("numerals") == "chinese":
                if chinese is None:
                    chinese = not self.arabic.search(text[q.number_start : q.number_end])
                if not chinese:
                    continue
            if rule.get("kind") and rule.get("kind") != q.kind:
                continue
            return True
        return False

    def _quantity(self, text: str, match: regex.Match[str], excluded: list[tuple[int, int, Rule]] = ()) -> Quantity | None:  # type: ignore[assignment]
        try:
            first = self._read(text, match)
        except ValueError:
            return None  # 〇分〇: a fraction over zero is no number
        start = match.start()
        end = first["end"]
        negative = (
            start > 0
            and text[start - 1] in self.system.signs
            and (start < 2 or not (text[start - 2].isalnum() and not self._han_word(text[start - 2])))
            and (start < 2 or text[start - 2] not in "+/±")
        )
        rules = list(first["rules"])
        value, high = first["value"], None
        unit: _Unit | None = first["unit"]
        qualifier = first["qualifier"]
        number_end = first["num_end"]
        if first["pair_high"] is not None and unit is not None:
            # 五六千元, 三四十人: two neighbouring digits are an estimate between them
            value, high = value * unit.scale, first["pair_high"] * unit.scale
            rules.append("numeral.paired")
            return self._finish(text, start, end, value, high, unit, qualifier, rules, match, number_end, scaled=True)

        # a range: 300户—500户, 15-20吨, 2万、3万元, 60万元至90万元, 20-60万元, 7、8万元
        sep = self.ranges.at(text, end)
        vague = first["unit_led"] and self.before_unit.before(text, start) is not None
        if sep is not None and not first["fraction"] and not vague:
            surface, rule = sep
            second = self._number_at(text, end + len(surface))
            if second is not None and self._range_allowed(text, start, rule, unit) and self._readable(second):
                other = self._read(text, second)
                other_unit: _Unit | None = other["unit"]
                if other_unit is not None and (unit is None or unit.unit == other_unit.unit):
                    scale = (unit or other_unit).scale
                    low = value
                    high = other["value"] * other_unit.scale
                    if unit is None and first["multiplier"] == 1 and other["multiplier"] > 1 and low * other["multiplier"] * scale < high:
                        low *= other["multiplier"]  # 20-60万元: the low end takes the high end's multiplier
                    if rule.get("paired"):
                        low = _paired_low(low * scale, high) / scale
                    if high > low * scale and (not rule.get("paired") or _neighbours(low * scale, high)):
                        unit = other_unit
                        end = other["end"]
                        number_end = other["num_end"]
                        rules.append(rule.id)
                        rules.extend(r for r in other["rules"] if r not in rules)
                        qualifier = qualifier or other["qualifier"]
                        return self._finish(text, start, end, low * scale, high, unit, qualifier, rules, match, number_end, scaled=True)
                    high = None
                if rule.get("paired") and unit is None:
                    shared = self._list_unit(text, second, excluded)
                    if shared is not None and shared[1] == first["multiplier"]:
                        unit = shared[0]
                        rules.append(rule.id)

        if unit is None:
            currency = self.currency.before(text, start)
            if first["fraction"]:
                unit = _Unit("%", "percent", Decimal(1), False, "numeral.fraction")
                value = share_percent(first["num_text"], self.system)
                rules.append("numeral.half" if first["half"] else "numeral.fraction")
            elif currency is not None:
                unit = _Unit(currency[1][0], "money", Decimal(1), False, currency[1][1])
            elif first["has_big"] and (
                not first["chinese"]
                or self._vague_bare(text, start, first["num_end"], first["unit_led"])
                or self._round_bare(text, first["num_text"], first["num_end"])
            ):
                unit = _Unit("", "count", Decimal(1), False, "count.bare_multiplier")
                rules.append("count.bare_multiplier")
            elif (noun_rule := self._noun_count(text, match, first)) is not None:
                unit = _Unit("", "count", Decimal(1), False, noun_rule)
                rules.append(noun_rule)
            else:
                return None
        if negative and high is None:
            value, start = -value, start - 1
            rules.append("numeral.minus")
        return self._finish(text, start, end, value, high, unit, qualifier, rules, match, number_end)

    def _readable(self, match: regex.Match[str]) -> bool:
        """True when the number matched can be read (not a fraction over zero, 〇分〇)."""
        try:
            parse_number(match.group(), self.system)
        except ValueError:
            return False
        return True

    def _han_word(self, char: str) -> bool:
        """A Han character that is no numeral (增速为-5%: a sign after a word, not a range after a number)."""
        return "\u4e00" <= char <= "\u9fff" and char not in self.system.cn_chars and char not in self.unit_led

    def _list_unit(self, text: str, match: regex.Match[str], excluded) -> tuple[_Unit, Decimal] | None:
        """The unit at the end of a list of numbers (15、11、6岁; 40和45班次), which each number of it shares."""
        for _ in range(12):
            if not self._readable(match):
                return None
            other = self._read(text, match)
            if other["unit"] is not None:
                span_end = other["end"]
                if any(_overlapping(excluded, match.start(), span_end)):
                    return None
                return other["unit"], other["multiplier"]
            if other["fraction"] or other["has_big"]:
                return None
            sep = self.ranges.at(text, other["end"])
            if sep is None or not sep[1].get("paired"):
                return None
            nxt = self._number_at(text, other["end"] + len(sep[0]))
            if nxt is None:
                return None
            match = nxt
        return None

    def _noun_count(self, text: str, match: regex.Match[str], first: dict) -> str | None:
        """The `[[noun_count]]` rule by which a number right before a noun of people counts them without
        a counter word (54男9女, 3童, 两患者; unit ""), or None. Only whole numbers of up to four digits that
        are no year and follow no Latin letter; a Chinese numeral only 二 to 九 alone and in no word; the
        noun not the start of a longer word (3女儿 is a third daughter, 学生会 a union)."""
        end = match.end()
        if first["end"] != end or first["has_big"] or first["fraction"] or first["pair_high"] is not None:
            return None
        found = self.nouns.at(text, end)
        if found is None:
            return None
        surface, rule_id = found
        lexicon, value, start, num_text = self.lexicon, first["value"], match.start(), first["num_text"]
        if any(text[end : end + m] in lexicon for m in range(len(surface) + 1, len(surface) + 3) if end + m <= len(text)):
            return None
        if first["chinese"]:
            if end - start != 1 or not 2 <= value <= 9:
                return None
            if any(text[start - k : start + 1] in lexicon for k in (1, 2, 3) if start - k >= 0):
                return None
        else:
            if not num_text.isdigit() or len(num_text) > 4 or len(num_text) == 4 and 1900 <= value <= 2099:
                return None
            if regex.search(r"(?:[A-Za-z][\s-]*|[/:∶])$", text[max(0, start - 3) : start]):
                return None
        return str(rule_id)

    def _word_goes_on(self, text: str, pos: int, length: int) -> bool:
        """Whether the word of `length` characters at `pos` begins a longer word of the lexicon."""
        return any(text[pos : pos + length + m] in self.lexicon for m in (1, 2) if pos + length + m <= len(text))

    def _vague_bare(self, text: str, start: int, end: int, unit_led: bool) -> bool:
        """A Chinese-numeral multiplier without unit is a count only after a qualifier (上万, 破亿, 近百万),
        and not when its last character begins a word (过万里路)."""
        if not unit_led or (self.before_unit.before(text, start) is None and self.before.before(text, start) is None):
            return False
        return not self._word_goes_on(text, end - 1, 1)

    def _round_bare(self, text: str, num_text: str, end: int) -> bool:
        """A round amount in Chinese numerals, 百 or 千 and multipliers only (百万, 千亿), is a count without unit
        even with no qualifier before it; not when its last character begins a word (百万|富翁 is a word of its own)."""
        if len(num_text) < 2 or self.system.small.get(num_text[0], 0) < 100 or any(c not in self.system.big for c in num_text[1:]):
            return False
        return not self._word_goes_on(text, end - 1, 1)

    def _range_allowed(self, text: str, start: int, rule: Rule, unit: _Unit | None) -> bool:
        if rule.get("first_without_unit") and unit is not None:
            return False
        before = text[max(0, start - 4) : start]
        return not any(before.endswith(word) for word in rule.get("not_after", []))

    def _finish(
        self,
        text: str,
        start: int,
        end: int,
        value: Decimal,
        high: Decimal | None,
        unit: _Unit,
        qualifier: str | None,
        rules: list[str],
        match: regex.Match[str],
        number_end: int,
        *,
        scaled: bool = False,
    ) -> Quantity:
        if not scaled:
            value = value * unit.scale
        if value.as_tuple().exponent > 0:
            value = value.quantize(Decimal(1))  # 7E+4 (a scaled paired estimate) is written 70000
        if high is not None and high.as_tuple().exponent > 0:
            high = high.quantize(Decimal(1))
        number_start = match.start()
        # currency written before the number: $3286亿
        currency = self.currency.before(text, start)
        if currency is not None:
            start -= len(currency[0])
            rules.append(currency[1][1])
            if unit.unit == "" or unit.kind == "count":
                unit = _Unit(currency[1][0], "money", Decimal(1), False, currency[1][1])
        before = self.before.before(text, start)
        if text[number_start] in self.unit_led:
            # 数百, 上万 (before_unit) or 超过百家 (before): the longer qualifier written there
            vague = self.before_unit.before(text, start)
            if vague is not None and (before is None or len(vague[0]) > len(before[0])):
                before = vague
        if before is not None:
            start -= len(before[0])
            qualifier = qualifier or before[1][0]
            rules.append(before[1][1])
        else:
            outside = self.outside.before(text, start)
            if outside is not None:
                qualifier = qualifier or outside[1][0]
                rules.append(outside[1][1])
        after = self.after.at(text, end)
        if after is not None and self._word_goes_on(text, end, len(after[0])):
            after = None  # 5人|多次, 3个|多功能厅: the word begins a longer one
        if after is not None:
            end += len(after[0])
            qualifier = qualifier or after[1][0]
            rules.append(after[1][1])
        elif qualifier is None:
            word = next((w for w in self.after_across if text.startswith(w, end)), None)
            across = self.after.at(text, end + len(word)) if word else None
            if across is not None and word in self._across_of.get(across[1][1], ()):
                qualifier = across[1][0]
                rules.append(across[1][1])
        return Quantity(
            start=start,
            end=end,
            text=text[start:end],
            value=value,
            high=high,
            unit=unit.unit,
            kind=unit.kind,
            qualifier=qualifier,
            rules=tuple(dict.fromkeys(rules)),
            number_start=number_start,
            number_end=number_end,
        )


def _number_led(pattern: str) -> str:
    """The rest of the exclusion `pattern` after its leading {NUM} or {CNNUM} when every match starts
    with that number: it begins with one and has no `|` outside brackets and groups; else ""."""
    for macro in ("{NUM}", "{CNNUM}"):
        if pattern.startswith(macro):
            rest = pattern[len(macro):]
            break
    else:
        return ""
    return rest if len(_alternatives(rest)) == 1 else ""


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of `pattern` (split at each `|` outside brackets and groups); the
    whole pattern alone when it has none, is unbalanced or opens with inline flags (which hold for all).

    >>> _alternatives("{NUM}条(?=立法|草案)|《{NUM}条》|[|]")
    ['{NUM}条(?=立法|草案)', '《{NUM}条》', '[|]']
    """
    if not pattern or regex.match(r"\(\?[a-zA-Z]+\)", pattern):
        return [pattern]
    cuts: list[int] = []
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1  # a literal ] first in a class
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            cuts.append(i)
        i += 1
    if depth != 0 or in_class or not cuts:
        return [pattern]
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1 : b] for a, b in zip(bounds, bounds[1:])]


def _neighbours(low: Decimal, high: Decimal) -> bool:
    """Whether low and high are d and d+1 of one decimal place (2万、3万; 7、8万): a paired estimate."""
    if low <= 0 or high <= low:
        return False
    step = high - low
    return step == Decimal(10) ** step.adjusted() and step.as_tuple().digits[0] == 1 and low % step == 0


def _paired_low(low: Decimal, high: Decimal) -> Decimal:
    """The low end of a paired estimate written without its zeros (2、30 -> 20; 7、8万 -> 70000), else low itself."""
    if low == low.to_integral_value() and 1 <= low <= 8:
        place = high / (low + 1)
        if place >= 1 and place == Decimal(10) ** place.adjusted() and place.as_tuple().digits[0] == 1:
            return low * place
    return low


def _tag_class(rules: RuleSet, use: str, key: str = "tags") -> tuple[str, ...]:
    """The values of `key` (the tags, or another list) of the rules' `[[tag_class]]` of one `use`, in order."""
    return tuple(v for r in rules.section("tag_class") if r.get("use") == use for v in r.get(key, []))


def find_quantities(text: str, matcher: QuantityMatcher) -> list[Quantity]:
    """Every quantity of a clean text, in reading order."""
    return matcher.find(text)


class _SpanIndex(list):
    """Exclusion spans (start, end, rule) sorted by start, with the greatest end up to each: the spans
    that overlap a range are found without reading them all (`_overlapping`)."""

    def __init__(self, spans: Iterable[tuple[int, int, Rule]]) -> None:
        super().__init__(sorted(spans, key=lambda span: span[0]))
        self.starts = [span[0] for span in self]
        self.reach: list[int] = []
        furthest = -1
        for span in self:
            furthest = max(furthest, span[1])
            self.reach.append(furthest)


def _overlapping(spans: list[tuple[int, int, Rule]], start: int, end: int) -> Iterator[tuple[int, int, Rule]]:
    """The spans of `spans` that overlap [start, end) (in no set order when `spans` is a `_SpanIndex`)."""
    if not isinstance(spans, _SpanIndex):
        yield from (span for span in spans if span[0] < end and start < span[1])
        return
    j = bisect_left(spans.starts, end) - 1
    while j >= 0 and spans.reach[j] > start:
        if start < spans[j][1]:
            yield spans[j]
        j -= 1
