from decimal import Decimal

import pytest

from pipeline.numbers import parse_number


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
        ("百分之三十", "0.3"),
    ],
)
def test_numbers_parse_exact(text, value):
    assert parse_number(text) == Decimal(value)


def test_numbers_reject_non_number():
    with pytest.raises(ValueError):
        parse_number("安置点")
