from decimal import Decimal

import pytest

from pipeline.extraction.numbers import paired_number, parse_number, share_percent


@pytest.mark.parametrize(
    "text,value",
    [
        ("73", "73"),
        ("121.6万", "1216000"),
        ("4.29萬", "42900"),
        ("3.57亿", "357000000"),
        ("13.81万亿", "13810000000000"),
        ("1万9500", "19500"),
        ("3万5千", "35000"),
        ("19,651", "19651"),
        ("１２．５", "12.5"),
        ("十", "10"),
        ("十二", "12"),
        ("二十", "20"),
        ("一百二十", "120"),
        ("一千零五", "1005"),
        ("两", "2"),
        ("兩萬", "20000"),
        ("百亿", "10000000000"),
        ("千亿", "100000000000"),
        ("三点五", "3.5"),
        ("四千六百五十点零", "4650.0"),  # a decimal part after 十/百/千 raised ValueError
        ("一百零三点五", "103.5"),
        ("三万五千点二五", "35000.25"),
        ("百分之三十", "0.3"),
        ("四分一", "0.25"),  # Hong Kong: X分Y between Chinese numerals
        ("廿三", "23"),
        ("卅", "30"),
        ("一万五", "15000"),  # a lone last digit after a unit is the next place down
        ("1万5", "15000"),
        ("两千五", "2500"),
        ("三百五", "350"),
        ("一百零五", "105"),
        ("二十五", "25"),
    ],
)
def test_numbers_parse_exact(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(
    "text,low,high",
    [
        ("五六千", "5000", "6000"),
        ("三四十", "30", "40"),
        ("十七八", "17", "18"),
        ("一两", "1", "2"),
        ("两三", "2", "3"),
        ("七八万", "70000", "80000"),
        ("五十六", None, None),
        ("二〇二〇", None, None),
        ("一二三", None, None),
        ("三五", None, None),
    ],
)
def test_numbers_paired_estimate(text, low, high):
    expected = None if low is None else (Decimal(low), Decimal(high))
    assert paired_number(text) == expected


@pytest.mark.parametrize(
    "text,percent",
    [
        ("百分之三十", "30"),
        ("百分之十二点五", "12.5"),
        ("四分之一", "25"),
        ("四分一", "25"),
        ("三分之一", "33.333333333333336"),
        ("三分之二", "66.66666666666667"),
        ("一半", "50"),
        ("半数", "50"),
    ],
)
def test_numbers_share_percent(text, percent):
    assert share_percent(text) == Decimal(percent)


@pytest.mark.parametrize("text", ["〇分〇", "零分之三"])
def test_numbers_fraction_over_zero_is_no_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_numbers_reject_non_number():
    with pytest.raises(ValueError):
        parse_number("安置点")


# --- Property tests: a number written out is read back as the number it was written from. ---

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CN_DIGITS = "零一二三四五六七八九"
BIG_UNITS = ["", "万", "亿", "万亿"]


def _cn_section(n: int) -> str:
    """1..9999 in Chinese numerals, 零 for zeros between digits, none at the end (1005 -> 一千零五)."""
    out, zero = "", False
    for digit, unit in zip(f"{n:04d}", ("千", "百", "十", "")):
        if digit == "0":
            zero = bool(out)
            continue
        out += ("零" if zero else "") + CN_DIGITS[int(digit)] + unit
        zero = False
    return out


def cn_integer(n: int, *, short_ten: bool = False, liang: bool = False) -> str:
    """The Chinese reading of 0 <= n < 10**16: 30050 -> 三万零五十, 100000005 -> 一亿零五.

    `short_ten` writes a leading 一十 as 十 (十二); `liang` writes 二 before 千/万/亿 as 两."""
    if n == 0:
        return "零"
    sections = []
    while n:
        sections.append(n % 10000)
        n //= 10000
    out, zero = "", False
    for index in reversed(range(len(sections))):
        section = sections[index]
        if section == 0:
            zero = bool(out)
            continue
        # a gap of zeros before this section (a zero section, or fewer than four digits) reads 零
        out += ("零" if out and (zero or section < 1000) else "") + _cn_section(section) + BIG_UNITS[index]
        zero = False
    if short_ten and out.startswith("一十"):
        out = out[1:]
    if liang:
        out = "".join("两" if c == "二" and nxt in "千万亿" and (i == 0 or out[i - 1] not in CN_DIGITS[1:]) else c
                      for i, (c, nxt) in enumerate(zip(out, out[1:] + " ")))
    return out


@pytest.mark.parametrize(
    "n,text",
    [(3050, "三千零五十"), (12000, "一万二千"), (200000000, "二亿"), (100000005, "一亿零五"), (1005000, "一百万五千"),
     (1000500, "一百万零五百"), (10, "一十"), (110, "一百一十"), (1000000000000, "一万亿")],
)
def test_numbers_generator_reads_as_written(n: int, text: str):
    assert cn_integer(n) == text


@settings(deadline=None, max_examples=300)
@given(n=st.integers(0, 10**16 - 1), short_ten=st.booleans(), liang=st.booleans())
def test_numbers_chinese_integer_round_trip(n: int, short_ten: bool, liang: bool):
    text = cn_integer(n, short_ten=short_ten, liang=liang)
    assert parse_number(text) == n, text


@settings(deadline=None, max_examples=300)
@given(n=st.integers(0, 10**8), decimals=st.text(alphabet="0123456789", min_size=1, max_size=4))
def test_numbers_chinese_decimal_round_trip(n: int, decimals: str):
    text = cn_integer(n) + "点" + "".join(CN_DIGITS[int(d)] for d in decimals)
    assert parse_number(text) == Decimal(f"{n}.{decimals}"), text


FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@settings(deadline=None, max_examples=300)
@given(
    n=st.integers(0, 10**15),
    decimals=st.none() | st.text(alphabet="0123456789", min_size=1, max_size=4),
    separators=st.booleans(),
    full_width=st.booleans(),
)
def test_numbers_arabic_round_trip(n: int, decimals, separators: bool, full_width: bool):
    text = f"{n:,}" if separators else str(n)
    if decimals is not None:
        text += "." + decimals
    if full_width:
        text = text.translate(FULL_WIDTH)
    expected = Decimal(f"{n}.{decimals}" if decimals is not None else str(n))
    assert parse_number(text) == expected, text
