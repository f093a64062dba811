"""Comparable claims: periods of times against the article's date, the article's date and region, currencies."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.claim import OUTPUT_FIELDS
from pipeline.extraction.periods import (
    Period,
    article_info,
    article_region,
    find_dateline,
    is_traditional,
    resolve_period,
    sentence_anchor,
)
from pipeline.run import process_text


@pytest.mark.parametrize(
    "time, ref, region, start, end",
    [
        ("2020年", "2021-05-10", "mainland", "2020-01-01", "2020-12-31"),
        ("2020年度", "2021-05-10", "mainland", "2020-01-01", "2020-12-31"),
        ("今年上半年", "2021-05-10", "mainland", "2021-01-01", "2021-06-30"),
        ("1—7月", "2020-08-20", "mainland", "2020-01-01", "2020-07-31"),
        ("一季度", "2020-05-01", "mainland", "2020-01-01", "2020-03-31"),
        ("截至7月底", "2020-08-20", "mainland", None, "2020-07-31"),
        ("近两年", "2021-05-10", "mainland", "2019-05-10", "2021-05-10"),
        ("年初", "2021-05-10", "mainland", "2021-01-01", "2021-01-01"),
        ("昨天", "2021-03-01", "mainland", "2021-02-28", "2021-02-28"),
        ("昨日", "2021-05-10", "HK", "2021-05-09", "2021-05-09"),
        ("目前", "2021-05-10", "TW", "2021-05-10", "2021-05-10"),
        ("2019-20年度", "2020-02-26", "HK", "2019-04-01", "2020-03-31"),
        ("民国109年", "2021-01-05", "TW", "2020-01-01", "2020-12-31"),
        ("12月", "2021-01-12", "mainland", "2020-12-01", "2020-12-31"),
        ("2021年2月至4月", "2021-05-10", "mainland", "2021-02-01", "2021-04-30"),
        ("今年一至三月", "2021-05-10", "mainland", "2021-01-01", "2021-03-31"),
    ],
)
def test_periods_resolve_against_the_article_date(time, ref, region, start, end):
    period = resolve_period(time, date.fromisoformat(ref), region=region)
    assert period == Period(start and date.fromisoformat(start), end and date.fromisoformat(end))


@pytest.mark.parametrize(
    "time, ref",
    [
        ("今年", None),  # relative, and the article is undated
        ("昨天", None),
        ("每月", "2021-05-10"),  # a frequency
        ("当年", "2021-05-10"),  # anaphoric
        ("期间", "2021-05-10"),
        ("同期", "2021-05-10"),  # no period in the sentence to refer to
        ("新政策实施以来", "2021-05-10"),  # an event of unknown date
        ("2019-20年度", "2020-02-26"),  # a fiscal year outside Hong Kong: unknown start
        ("13月", "2021-05-10"),
    ],
)
def test_periods_unresolvable_time_stays_null(time, ref):
    assert resolve_period(time, date.fromisoformat(ref) if ref else None, region="mainland") is None


@pytest.mark.parametrize(
    "sentence, time, ref, start, end",
    [
        ("1—4月全县税收收入12亿元,去年同期为10亿元", "去年同期", "2021-05-10", "2020-01-01", "2020-04-30"),
        ("今年上半年全市接待游客500万人次,比上年同期增长9%", "上年同期", "2021-08-10", "2020-01-01", "2020-06-30"),
        ("去年同期两市收入约百亿,今年1季度增至290亿", "去年同期", "2022-05-16", "2021-01-01", "2021-03-31"),
    ],
)
def test_periods_same_period_refers_to_the_sentence(sentence, time, ref, start, end):
    day = date.fromisoformat(ref)
    anchor = sentence_anchor(sentence, time, day)
    assert resolve_period(time, day, anchor=anchor) == Period(date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize(
    "text, dropped, reference, expected",
    [
        ("青禾县春耕忙\n本报青禾2020年4月25日电 全县春播过半。", [], None, "2020-04-25"),
        ("本报讯（2020-04-25）全县新建书屋42个。", [], None, "2020-04-25"),
        ("新华社北京4月25日电 记者获悉。", ["2020-04-25 10:12 来源：新华社"], None, "2020-04-25"),
        ("新华社北京12月30日电 记者获悉。", [], "2021-01-02", "2020-12-30"),
        ("新华社北京4月25日电 记者获悉。", [], None, None),  # no year anywhere: no date
        ("（中央社记者林一台北25日电）立法院今天三读通过。", [], "2020-04-26", "2020-04-25"),
        ("全县新建书屋42个。", ["相关阅读：春耕备忘2015-09-22", "发布时间：2019-09-07 15:10"], None, "2019-09-07"),
        ("全县新建书屋42个。", [], None, None),
    ],
)
def test_periods_dateline_dates_the_article(text, dropped, reference, expected):
    found, _rule = find_dateline(text, dropped=dropped, reference=date.fromisoformat(reference) if reference else None)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize(
    "meta, default, expected, source",
    [
        ("2021-03-01", "2019-01-01", "2021-03-01", "metadata"),  # metadata first
        ("Wed, 24 Mar 2021 03:46:53 GMT", None, "2021-03-24", "metadata"),  # an RSS-style front-matter date
        ("Wed, 24 Mar 2021 20:46:53 GMT", None, "2021-03-25", "metadata"),  # the next morning in UTC+8
        (None, "2019-01-01", "2020-04-25", "dateline.full"),  # then the dateline
        (None, None, "2020-04-25", "dateline.full"),
    ],
)
def test_periods_article_date_precedence(meta, default, expected, source):
    info = article_info("本报青禾2020年4月25日电 全县春播过半。", meta_date=meta, default_date=default, traditional=False)
    assert (info.date.isoformat(), info.date_source) == (expected, source)


def test_periods_default_date_when_nothing_else_dates_it():
    info = article_info("全县春播过半。", default_date="2019-01-01", traditional=False)
    assert (info.date, info.date_source) == (date(2019, 1, 1), "--date")


@pytest.mark.parametrize(
    "original, region",
    [
        ("立法會今日通過撥款，全港約三成市民受惠，港鐵亦加開班次。", "HK"),
        ("台北市政府今天宣布，全市國中學生每人補助新台幣500元，健保另計。", "TW"),
        ("澳門特區政府公佈，氹仔新屋苑今年落成。", "MO"),
        ("立法会今日通过拨款，全港约三成市民受惠。", "mainland"),  # simplified script
        ("這份報告沒有提到任何地方，只談到整體經濟。", None),  # traditional, no place: unknown
    ],
)
def test_periods_region_from_script_and_places(original, region):
    from pipeline.rules import load_rules
    from pipeline.text.convert import to_simplified

    simplified = to_simplified(original, load_rules())
    assert article_region(simplified, traditional=is_traditional(original, simplified)) == region


@pytest.mark.parametrize(
    "raw, quantity, currency, region, start, end",
    [
        ("【2020年4月25日】今年首季，全港整體稅收達3286億元，按年上升12%。", "3286亿元", "HKD", "HK", "2020-01-01", "2020-03-31"),
        ("（中央社台北25日電）台北市今年上半年發放補助500萬元。去年全年共計發放1200萬元。", "1200万元", "TWD", "TW", "2019-01-01", "2019-12-31"),
        ("本报青禾2020年4月25日电 全县一季度税收收入达3.2亿元。", "3.2亿元", "CNY", "mainland", "2020-01-01", "2020-03-31"),
        ("本报青禾2020年4月25日电 该县一季度出口额达500万美元。", "500万美元", "USD", "mainland", "2020-01-01", "2020-03-31"),
    ],
)
def test_periods_claims_carry_date_region_period_currency(nlp, rules, raw, quantity, currency, region, start, end):
    processed = process_text(raw, rules, nlp, default_date="2020-04-26")
    claim = next(c for c in processed.claims if c.quantity == quantity)
    assert (claim.currency, claim.region, claim.period_start, claim.period_end) == (currency, region, start, end)
    assert claim.article_date == "2020-04-25"


def test_periods_fields_follow_the_gold_columns():
    """The comparable fields come after the gold columns (added at the end, never reordering them)."""
    at = OUTPUT_FIELDS.index("article_date")
    assert OUTPUT_FIELDS[at:at + 5] == ("article_date", "region", "period_start", "period_end", "currency")
    assert at > OUTPUT_FIELDS.index("rule")


@pytest.mark.parametrize(
    "args, article_date, start",
    [
        (["--date", "2021-05-10"], "2021-05-10", "2020-01-01"),  # --date dates an article without dateline
        ([], None, None),  # undated: 去年 stays null
    ],
)
def test_periods_cli_extract_date_option(tmp_path, args, article_date, start):
    import json

    from typer.testing import CliRunner

    from pipeline.tools.cli import app

    article = tmp_path / "a.txt"
    article.write_text("去年全县税收收入3.2亿元，同比增长5%。\n", encoding="utf-8")
    out = tmp_path / "claims.jsonl"
    result = CliRunner().invoke(app, ["extract", str(article), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    row = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert (row["article_date"], row["period_start"], row["currency"], row["region"]) == (article_date, start, "CNY", "mainland")


def test_periods_cli_extract_rejects_a_bad_date(tmp_path):
    from typer.testing import CliRunner

    from pipeline.tools.cli import app

    article = tmp_path / "a.txt"
    article.write_text("全县税收收入3.2亿元。\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(article), "--date", "2021-13-40"])
    assert result.exit_code == 2 and "--date must be YYYY-MM-DD" in result.output


def test_periods_explain_shows_period_and_currency(nlp, rules):
    from pipeline.tools.explain import explain, format_explanation

    text = format_explanation(explain("去年全县税收收入3.2亿元。", nlp, rules, default_date="2021-05-10"))
    lines = [line.strip() for line in text.splitlines()]
    assert "period    2020-01-01 – 2020-12-31  (article 2021-05-10, mainland)" in lines
    assert "currency  CNY" in lines
