"""Numbers as written in Chinese news: Arabic, Chinese numerals, mixed, fractions -> exact Decimal.

The vocabulary (digits, 十/百/千, 万/亿, decimal points, 分之) comes from `rules/numbers.toml`;
this module is the mechanism that reads a number with it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from typing import TYPE_CHECKING

from ..rules import RuleSet, load_rules

if TYPE_CHECKING:
    import regex


@dataclass(frozen=True, slots=True)
class NumberSystem:
    """The numeral vocabulary: digit values, small units (十百千), big units (万亿), fraction and half words."""

    digits: dict[str, int]
    small: dict[str, int]
    big: dict[str, Decimal]
    points: frozenset[str]
    #: X分之Y between any numbers (百分之三十, 3分之1)
    fractions: tuple[str, ...] = ()
    #: X分Y only between Chinese numerals (四分一, Hong Kong)
    cn_fractions: tuple[str, ...] = ()
    #: words for a half, read as 50 (%): 一半, 半数, 半
    halves: tuple[str, ...] = ()
    #: minus signs written before a number (-5.2%)
    signs: tuple[str, ...] = ()
    #: Y/X written with a slash, numerator first (1/3): a share of small whole numbers
    slashes: tuple[str, ...] = ()

    @property
    def cn_chars(self) -> str:
        """Characters that make up a Chinese-numeral number (digits and small units)."""
        return "".join(sorted(set(self.digits) | set(self.small)))

    @property
    def fraction(self) -> str:
        """The first fraction surface (分之), or "" when the rules define none."""
        return self.fractions[0] if self.fractions else ""

    def char_class(self) -> str:
        """Regex class of every character a number is written with (Arabic and Chinese digits, 十百千, 万亿, points)."""
        chars = set(self.digits) | set(self.small) | {c for b in self.big for c in b} | {c for p in self.points for c in p}
        chars |= {c for h in self.halves for c in h}
        return "[0-9０-９" + _escape("".join(sorted(chars))) + "]"

    def core_pattern(self, unit_heads: str = "") -> str:
        """Regex source of one number without big units: Arabic (separators, decimals, 5千) or Chinese.

        `unit_heads` are characters that, after 十/百/千, start a unit (千瓦时, 千米): there the
        small unit belongs to the unit, not to the number."""
        points = "".join(sorted(p for p in self.points if len(p) == 1))
        stops = "|".join(_escape(f) for f in self.fractions + self.cn_fractions if len(f) > 1)
        guard = f"(?!(?!{stops})[{_escape(unit_heads)}])" if unit_heads and stops else (f"(?![{_escape(unit_heads)}])" if unit_heads else "")
        small = f"[{_escape(''.join(self.small))}]" + guard
        digits = f"[{_escape(''.join(self.digits))}]"
        arabic = (
            r"[0-9０-９]+(?:,[0-9]{3}(?![0-9]))*"
            rf"(?:[{_escape(points)}][0-9０-９]+)?(?:{small})?"
        )
        cn = f"(?:{digits}|{small})+(?:[{_escape(points)}]{digits}+)?"
        return f"(?:{arabic}|{cn})"

    def number_pattern(self, unit_heads: str = "") -> str:
        """Regex source of a whole number: cores joined by big units, e.g. 1万9500, 13.81万亿; fractions."""
        core = self.core_pattern(unit_heads)
        big = "|".join(sorted((_escape(b) for b in self.big), key=len, reverse=True))
        whole = f"(?:{core}(?:(?:{big})+(?:{core})?)*)"
        alternatives = [f"{whole}(?:{'|'.join(_escape(f) for f in self.fractions)}){whole}"] if self.fractions else []
        if self.cn_fractions:
            cn = f"[{_escape(self.cn_chars)}]+"
            digits = f"[{_escape(''.join(self.digits))}]"
            alternatives.append(f"{cn}(?:{'|'.join(_escape(f) for f in self.cn_fractions)}){digits}(?![{_escape(self.cn_chars)}])")
        alternatives.append(whole)
        return "(?:" + "|".join(alternatives) + ")"

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
    fractions: list[str] = []
    cn_fractions: list[str] = []
    halves: list[str] = []
    signs: list[str] = []
    slashes: list[str] = []
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
                (cn_fractions if rule.get("numerals") == "chinese" else fractions).append(surface)
            elif role == "half":
                halves.append(surface)
            elif role == "sign":
                signs.append(surface)
            elif role == "slash":
                slashes.append(surface)
    big = {s: Decimal(str(r.get("factor"))) for r in rules.section("multiplier") for s in r.get("surface")}
    return NumberSystem(
        digits=digits,
        small=small,
        big=big,
        points=frozenset(points),
        fractions=tuple(sorted(fractions, key=len, reverse=True)),
        cn_fractions=tuple(sorted(cn_fractions, key=len, reverse=True)),
        halves=tuple(sorted(halves, key=len, reverse=True)),
        signs=tuple(signs),
        slashes=tuple(slashes),
    )


@lru_cache(maxsize=1)
def default_system() -> NumberSystem:
    """The numeral vocabulary of the built-in rules."""
    return number_system(load_rules())


@lru_cache(maxsize=1)
def numeral_chars() -> regex.Pattern[str]:
    """Compiled class of the characters numbers of the built-in rules are written with (one definition
    for every stage that asks "is this part of a number?")."""
    import regex

    return regex.compile(default_system().char_class())


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
            out.append(("d" if j == i + 1 else "n", Decimal(raw)))
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
            out.append(("d" if j == i + 1 else "n", value))
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
    tokens = _tokens(text, system)
    for index, (kind, value) in enumerate(tokens):
        if kind == "d" and index == len(tokens) - 1 and index > 0 and tokens[index - 1][0] in "sb" and tokens[index - 1][1] >= 100 and value != 0:
            # a lone last digit after a unit is the next place down: 一万五 = 15000, 三百五 = 350
            value *= tokens[index - 1][1] / 10
            kind = "n"
        if kind in "nd":
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
    """Read one number exactly; a fraction X分之Y gives Y/X (ValueError when X is zero, 〇分〇).

    >>> parse_number("121.6万")
    Decimal('1216000.0')
    >>> parse_number("一百二十"), parse_number("两"), parse_number("十")
    (Decimal('120'), Decimal('2'), Decimal('10'))
    >>> parse_number("3万5千"), parse_number("1万9500"), parse_number("13.81万亿")
    (Decimal('35000'), Decimal('19500'), Decimal('13810000000000.00'))
    >>> parse_number("百亿"), parse_number("千亿"), parse_number("19,651"), parse_number("１２")
    (Decimal('10000000000'), Decimal('100000000000'), Decimal('19651'), Decimal('12'))
    >>> parse_number("百分之三十"), parse_number("萬"), parse_number("四分一")
    (Decimal('0.3'), Decimal('10000'), Decimal('0.25'))
    >>> parse_number("一万五"), parse_number("1万5"), parse_number("三百五"), parse_number("一百零五")
    (Decimal('15000'), Decimal('15000'), Decimal('350'), Decimal('105'))
    >>> parse_number("廿三"), parse_number("卅")
    (Decimal('23'), Decimal('30'))
    """
    system = system or default_system()
    if text in system.halves:
        return Decimal("0.5")
    for slash in system.slashes:
        if slash in text:
            num, den = (_whole(part, system) for part in text.split(slash, 1))
            if not den:
                raise ValueError(f"a fraction over zero is no number: {text}")
            return num / den
    for fraction in system.fractions + system.cn_fractions:
        if fraction in text:
            den_text, num_text = text.split(fraction, 1)
            den = _whole(den_text, system)
            if not den:
                raise ValueError(f"a fraction over zero is no number: {text}")
            return _whole(num_text, system) / den
    return _whole(text, system)


def share_percent(text: str, system: NumberSystem | None = None) -> Decimal:
    """A fraction or half word as a percentage, as exact as a JSON number carries it (三分之二 -> 66.66666666666667).

    >>> share_percent("百分之三十"), share_percent("三分之二"), share_percent("一半"), share_percent("1/4")
    (Decimal('30'), Decimal('66.66666666666667'), Decimal('50'), Decimal('25'))
    """
    system = system or default_system()
    if text in system.halves:
        return Decimal(50)
    for slash in system.slashes:
        if slash in text:
            num, den = (_whole(part, system) for part in text.split(slash, 1))
            return _share(num, den)
    for fraction in system.fractions + system.cn_fractions:
        if fraction in text:
            den_text, num_text = text.split(fraction, 1)
            return _share(_whole(num_text, system), _whole(den_text, system))
    return _whole(text, system) * 100


def _share(num: Decimal, den: Decimal) -> Decimal:
    """num/den as a percentage: exact when it ends, else the double nearest to it, which is what JSON carries."""
    exact = num * 100 / den
    if exact == exact.quantize(Decimal("0.0001")):
        return exact
    return Decimal(repr(float(num * 100) / float(den)))


def paired_number(text: str, system: NumberSystem | None = None) -> tuple[Decimal, Decimal] | None:
    """Two neighbouring Chinese digits for an estimate (五六千, 三四十, 十七八, 一两) as (low, high), else None.

    >>> paired_number("五六千"), paired_number("三四十"), paired_number("十七八")
    ((Decimal('5000'), Decimal('6000')), (Decimal('30'), Decimal('40')), (Decimal('17'), Decimal('18')))
    >>> paired_number("一两"), paired_number("五十六"), paired_number("二〇二〇")
    ((Decimal('1'), Decimal('2')), None, None)
    """
    system = system or default_system()
    digits = [i for i, c in enumerate(text) if c in system.digits]
    pairs = [i for i in digits if i + 1 in digits]
    if len(pairs) != 1 or any(i + 2 in digits for i in pairs):
        return None
    i = pairs[0]
    low, high = system.digits[text[i]], system.digits[text[i + 1]]
    if low == 0 or high != low + 1:
        return None
    return _whole(text[: i + 1] + text[i + 2 :], system), _whole(text[:i] + text[i + 1 :], system)
