"""Find quantities in clean text: number, multiplier, unit, qualifier, range; drop exclusions.

All vocabulary comes from the rule files (numbers, units, qualifiers, exclusions); this module
is the scanner. It works on characters, so a quantity is found whatever jieba makes of it; the
extraction component aligns it to tokens afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import regex

from .numbers import NumberSystem, number_system, parse_number
from .rules import PATTERN_TIMEOUT, PatternTimeout, Rule, RulePattern, RuleSet  # noqa: F401 (PatternTimeout: importable from here)


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
    """Compiled quantity grammar of one rule set."""

    def __init__(self, rules: RuleSet) -> None:
        self.system = number_system(rules)
        heads = {
            surface[1]
            for rule in rules.section("unit")
            for surface in rule.get("surface")
            if len(surface) > 1 and surface[0] in self.system.small
        }
        self.unit_heads = "".join(sorted(heads))
        self.number_re = regex.compile(r"(?<![A-Za-z0-9０-９.．])" + self.system.number_pattern(self.unit_heads))
        self.big = _Surfaces({b: f for b, f in self.system.big.items()})
        self.units = _surfaces(
            rules.section("unit"),
            lambda r: _Unit(
                r.get("unit"),
                r.get("kind"),
                Decimal(str(r.get("scale", 1))),
                r.get("numerals") == "arabic",
                r.id,
            ),
        )
        quals = rules.section("qualifier")
        self.before = _surfaces([r for r in quals if r.get("position") == "before"], lambda r: (r.get("qualifier"), r.id))
        self.after = _surfaces([r for r in quals if r.get("position") == "after"], lambda r: (r.get("qualifier"), r.id))
        self.infix = _surfaces([r for r in quals if r.get("position") == "infix"], lambda r: (r.get("qualifier"), r.id))
        self.outside = _surfaces([r for r in quals if r.get("position") == "outside"], lambda r: (r.get("qualifier"), r.id))
        self.ranges = _surfaces(rules.section("range"), lambda r: r)
        self.currency = _surfaces(rules.section("currency_prefix"), lambda r: (r.get("unit"), r.id))
        self.exclusions: list[tuple[Rule, RulePattern]] = [
            (rule, RulePattern(rule, expand_macros(rule.get("pattern"), self.system))) for rule in rules.section("exclusion")
        ]
        self.arabic = regex.compile(r"[0-9０-９]")

    # -- exclusions --------------------------------------------------------------------------
    def excluded_spans(self, text: str) -> list[tuple[int, int, Rule]]:
        """Spans of `text` that the exclusion rules take out."""
        spans: list[tuple[int, int, Rule]] = []
        for rule, pattern in self.exclusions:
            for match in pattern.finditer(text):
                spans.append((match.start(), match.end(), rule))
        return spans

    # -- scanner -----------------------------------------------------------------------------
    def _unit_at(self, text: str, pos: int, chinese: bool) -> tuple[str, _Unit] | None:
        found = self.units.at(text, pos)
        if found is None:
            return None
        surface, unit = found
        assert isinstance(unit, _Unit)
        if unit.arabic_only and chinese:
            return None
        return surface, unit

    def _number_at(self, text: str, pos: int) -> regex.Match[str] | None:
        return self.number_re.match(text, pos)

    def _read(self, text: str, match: regex.Match[str]) -> dict:
        """Read number, infix qualifier, multiplier and unit from a number match on."""
        num_text = match.group()
        chinese = not self.arabic.search(num_text)
        value = parse_number(num_text, self.system)
        fraction = self.system.fraction in num_text
        has_big = any(b in num_text for b in self.system.big)
        pos = match.end()
        qualifier = None
        rules: list[str] = []
        infix = self.infix.at(text, pos)
        if infix is not None:
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
                    pos += len(big[0])
            else:
                qualifier = None
        unit = None
        found = None if fraction else self._unit_at(text, pos, chinese)
        if found is not None:
            surface, unit = found
            pos += len(surface)
            rules.append(unit.rule)
        return {
            "value": value,
            "chinese": chinese,
            "fraction": fraction,
            "has_big": has_big,
            "end": pos,
            "qualifier": qualifier,
            "unit": unit,
            "rules": rules,
            "num_end": match.end(),
        }

    def find(self, text: str) -> list[Quantity]:
        """Every quantity of `text`, in order, exclusions removed."""
        out: list[Quantity] = []
        numbers = list(self.number_re.finditer(text, timeout=PATTERN_TIMEOUT))
        if not numbers:
            return out
        excluded = self.excluded_spans(text)
        consumed = 0
        for match in numbers:
            if match.start() < consumed:
                continue
            quantity = self._quantity(text, match)
            if quantity is None:
                continue
            if self._is_excluded(quantity, excluded, text):
                continue
            out.append(quantity)
            consumed = quantity.end
        return out

    def _is_excluded(self, q: Quantity, excluded: list[tuple[int, int, Rule]], text: str) -> bool:
        chinese = not self.arabic.search(text[q.number_start : q.number_end])
        for start, end, rule in excluded:
            if start < q.number_end and q.number_start < end:
                if rule.get("numerals") == "chinese" and not chinese:
                    continue
                return True
        return False

    def _quantity(self, text: str, match: regex.Match[str]) -> Quantity | None:
        first = self._read(text, match)
        start = match.start()
        end = first["end"]
        rules = list(first["rules"])
        value, high = first["value"], None
        unit: _Unit | None = first["unit"]
        qualifier = first["qualifier"]
        number_end = first["num_end"]

        # a range: 300户—500户, 15-20吨, 2万、3万元, 60万元至90万元
        sep = self.ranges.at(text, end)
        if sep is not None:
            surface, rule = sep
            second = self._number_at(text, end + len(surface))
            if second is not None and self._range_allowed(text, start, rule, unit):
                other = self._read(text, second)
                other_unit: _Unit | None = other["unit"]
                if other_unit is not None and (unit is None or unit.unit == other_unit.unit):
                    if unit is None:
                        value = value * other_unit.scale
                    else:
                        value = value * unit.scale
                    high = other["value"] * other_unit.scale
                    if high > value:
                        unit = other_unit
                        end = other["end"]
                        number_end = other["num_end"]
                        rules.append(rule.id)
                        rules.extend(r for r in other["rules"] if r not in rules)
                        qualifier = qualifier or other["qualifier"]
                        return self._finish(text, start, end, value, high, unit, qualifier, rules, match, number_end, scaled=True)
                    high = None
                    value = first["value"]

        if unit is None:
            currency = self.currency.before(text, start)
            if first["fraction"]:
                unit = _Unit("%", "percent", Decimal(100), False, "numeral.fraction")
                rules.append("numeral.fraction")
            elif currency is not None:
                unit = _Unit(currency[1][0], "money", Decimal(1), False, currency[1][1])
            elif first["has_big"] and not first["chinese"]:
                unit = _Unit("", "count", Decimal(1), False, "count.bare_multiplier")
                rules.append("count.bare_multiplier")
            else:
                return None
        return self._finish(text, start, end, value, high, unit, qualifier, rules, match, number_end)

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
        number_start = match.start()
        # currency written before the number: $3286亿
        currency = self.currency.before(text, start)
        if currency is not None:
            start -= len(currency[0])
            rules.append(currency[1][1])
            if unit.unit == "" or unit.kind == "count":
                unit = _Unit(currency[1][0], "money", Decimal(1), False, currency[1][1])
        before = self.before.before(text, start)
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
        if after is not None:
            end += len(after[0])
            qualifier = qualifier or after[1][0]
            rules.append(after[1][1])
        if unit.kind == "percent" and unit.rule == "numeral.fraction":
            value = _round(value)
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


def _round(value: Decimal) -> Decimal:
    """Round a share to four decimals when it is not exact (三分之一 -> 33.3333)."""
    rounded = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return value if rounded == value else rounded


def find_quantities(text: str, matcher: QuantityMatcher) -> list[Quantity]:
    """Every quantity of a clean text, in reading order."""
    return matcher.find(text)
