"""Numbers as written in Chinese news: Arabic, Chinese numerals, mixed, fractions -> exact Decimal.

The vocabulary (digits, 十/百/千, 万/亿, decimal points, 分之) comes from `rules/numbers.toml`;
this module is the mechanism that reads a number with it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import lru_cache

from .rules import RuleSet, load_rules


@dataclass(frozen=True, slots=True)
class NumberSystem:
    """The numeral vocabulary: digit values, small units (十百千), big units (万亿)."""

    digits: dict[str, int]
    small: dict[str, int]
    big: dict[str, Decimal]
    points: frozenset[str]
    fraction: str

    @property
    def cn_chars(self) -> str:
        """Characters that make up a Chinese-numeral number (digits and small units)."""
        return "".join(sorted(set(self.digits) | set(self.small)))

    def core_pattern(self, unit_heads: str = "") -> str:
        """Regex source of one number without big units: Arabic (separators, decimals, 5千) or Chinese.

        `unit_heads` are characters that, after 十/百/千, start a unit (千瓦时, 千米): there the
        small unit belongs to the unit, not to the number."""
        points = "".join(sorted(p for p in self.points if len(p) == 1))
        guard = f"(?!(?!{_escape(self.fraction)})[{_escape(unit_heads)}])" if unit_heads else ""
        small = f"[{_escape(''.join(self.small))}]" + guard
        digits = f"[{_escape(''.join(self.digits))}]"
        arabic = (
            r"[0-9０-９]+(?:,[0-9]{3}(?![0-9]))*"
            rf"(?:[{_escape(points)}][0-9０-９]+)?(?:{small})?"
        )
        cn = f"(?:{digits}|{small})+(?:[{_escape(points)}]{digits}+)?"
        return f"(?:{arabic}|{cn})"

    def number_pattern(self, unit_heads: str = "") -> str:
        """Regex source of a whole number: cores joined by big units, e.g. 1万9500, 13.81万亿."""
        core = self.core_pattern(unit_heads)
        big = "|".join(sorted((_escape(b) for b in self.big), key=len, reverse=True))
        frac = _escape(self.fraction)
        whole = f"(?:{core}(?:(?:{big})+(?:{core})?)*)"
        return f"(?:{whole}{frac}{whole}|{whole})"

    def big_pattern(self) -> str:
        """Regex source of one run of big units (万, 亿, 万亿)."""
        return "(?:" + "|".join(sorted((_escape(b) for b in self.big), key=len, reverse=True)) + ")+"


def _escape(text: str) -> str:
    import regex

    return regex.escape(text)


def number_system(rules: RuleSet) -> NumberSystem:
    """Build the numeral vocabulary from the `[[numeral]]` and `[[multiplier]]` rules."""
    digits: dict[str, int] = {}
    small: dict[str, int] = {}
    points: set[str] = set()
    fraction = "分之"
    for rule in rules.section("numeral"):
        role = rule.get("role", "digit")
        for surface in rule.get("surface"):
            if role == "digit":
                digits[surface] = int(Decimal(str(rule.get("value"))))
            elif role == "small":
                small[surface] = int(Decimal(str(rule.get("value"))))
            elif role == "point":
                points.add(surface)
            elif role == "fraction":
                fraction = surface
    big = {s: Decimal(str(r.get("factor"))) for r in rules.section("multiplier") for s in r.get("surface")}
    return NumberSystem(digits=digits, small=small, big=big, points=frozenset(points), fraction=fraction)


@lru_cache(maxsize=1)
def default_system() -> NumberSystem:
    """The numeral vocabulary of the built-in rules."""
    return number_system(load_rules())


def _tokens(text: str, system: NumberSystem) -> list[tuple[str, Decimal]]:
    """Split a number into ('n', value) runs, ('s'|'b', factor) units and ('f', value) decimal parts."""
    out: list[tuple[str, Decimal]] = []
    i = 0
    bigs = sorted(system.big, key=len, reverse=True)
    while i < len(text):
        ch = text[i]
        if ch.isdigit():
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] == ","):
                j += 1
            if j < len(text) - 1 and text[j] in system.points and text[j + 1].isdigit():
                j += 1
                while j < len(text) and text[j].isdigit():
                    j += 1
            raw = "".join(str(unicodedata.digit(c)) if c.isdigit() else "." for c in text[i:j] if c != ",")
            out.append(("n", Decimal(raw)))
            i = j
            continue
        if ch in system.digits:
            # a run of Chinese digits with an optional decimal part: 三点五
            j = i
            value = Decimal(system.digits[ch])
            j += 1
            if j < len(text) - 1 and text[j] in system.points and text[j + 1] in system.digits:
                k = j + 1
                frac = ""
                while k < len(text) and text[k] in system.digits:
                    frac += str(system.digits[text[k]])
                    k += 1
                value = Decimal(f"{system.digits[ch]}.{frac}")
                j = k
            else:
                # consecutive digits without units (二〇二〇) read positionally
                while j < len(text) and text[j] in system.digits:
                    value = value * 10 + system.digits[text[j]]
                    j += 1
            out.append(("n", value))
            i = j
            continue
        if ch in system.small:
            out.append(("s", Decimal(system.small[ch])))
            i += 1
            continue
        if ch in system.points and out and i + 1 < len(text) and text[i + 1] in system.digits:
            # the decimal part of what came before: 四千六百五十点五, 一百零三点五
            j = i + 1
            while j < len(text) and text[j] in system.digits:
                j += 1
            out.append(("f", Decimal("0." + "".join(str(system.digits[c]) for c in text[i + 1 : j]))))
            i = j
            continue
        for big in bigs:
            if text.startswith(big, i):
                out.append(("b", system.big[big]))
                i += len(big)
                break
        else:
            raise ValueError(f"not a number: {text!r} (at {ch!r})")
    return out


def _whole(text: str, system: NumberSystem) -> Decimal:
    total = Decimal(0)  # finished sections, already scaled by big units
    section = Decimal(0)  # the part below the next big unit
    current: Decimal | None = None
    last_big: Decimal | None = None
    for kind, value in _tokens(text, system):
        if kind == "n":
            current = value
        elif kind == "f":
            current = (current if current is not None else Decimal(0)) + value
        elif kind == "s":
            section += (current if current is not None else Decimal(1)) * value
            current = None
        else:
            part = section + (current if current is not None else 0)
            current = None
            section = Decimal(0)
            if part == 0 and total != 0 and last_big is not None and value > last_big:
                total *= value  # 万亿: the earlier 万 is scaled again
            elif part == 0 and total == 0:
                total = value  # a bare 万 or 百亿's trailing unit
            elif last_big is not None and value > last_big:
                total = (total + part) * value
            else:
                total += part * value
            last_big = value
    return total + section + (current if current is not None else 0)


def parse_number(text: str, system: NumberSystem | None = None) -> Decimal:
    """Read one number exactly; a fraction X分之Y gives Y/X.

    >>> parse_number("121.6万")
    Decimal('1216000.0')
    >>> parse_number("一百二十"), parse_number("两"), parse_number("十")
    (Decimal('120'), Decimal('2'), Decimal('10'))
    >>> parse_number("3万5千"), parse_number("1万9500"), parse_number("13.81万亿")
    (Decimal('35000'), Decimal('19500'), Decimal('13810000000000.00'))
    >>> parse_number("百亿"), parse_number("千亿"), parse_number("19,651"), parse_number("１２")
    (Decimal('10000000000'), Decimal('100000000000'), Decimal('19651'), Decimal('12'))
    >>> parse_number("百分之三十"), parse_number("萬")
    (Decimal('0.3'), Decimal('10000'))
    """
    system = system or default_system()
    if system.fraction in text:
        den_text, num_text = text.split(system.fraction, 1)
        with localcontext() as ctx:
            ctx.prec = 28
            return _whole(num_text, system) / _whole(den_text, system)
    return _whole(text, system)
