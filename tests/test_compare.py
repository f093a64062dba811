"""zhclaims compare: claims of different articles grouped by measure, and the groups whose values disagree."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.rules import load_rules
from pipeline.tools.cli import app
from pipeline.tools.compare import CompareRules, compare_claims, measure_key, render_html
from pipeline.tools.rulecheck import run_compare_examples

RULES = load_rules()
COMPARE = CompareRules.from_rules(RULES)
runner = CliRunner()


def row(doc: str, value, entity="确诊个案", *, unit="宗", date="2020-03-05", **fields) -> dict:
    """An invented claim row as `zhclaims extract` writes it (the sentence is made from the entity)."""
    quantity = f"{value}{unit}"
    data = {
        "doc": doc, "quantity": quantity, "value": Decimal(str(value)), "high": None, "unit": unit, "kind": "count",
        "qualifier": None, "entity": entity, "role": None, "where": None, "time": None,
        "sentence": f"{entity}{quantity}。", "rule": "count.zong+entity.np_before", "date": date,
    }
    data.update(fields)
    return data


def groups_of(rows, **options):
    report = compare_claims(rows, COMPARE, **options)
    return [(g.key.entity, sorted(g.docs()), g.disagree) for g in report.groups]


# --- the rule data ----------------------------------------------------------------------------

_COMPARE_RULES = [r for r in RULES.section("compare") if r.get("examples")]


@pytest.mark.parametrize("rule", _COMPARE_RULES, ids=[r.id for r in _COMPARE_RULES])
def test_compare_rule_examples_pass(rule):
    count, failures = run_compare_examples(rule, RULES)
    assert count and not failures, "\n".join(str(f) for f in failures)


# --- grouping and conflicts on invented rows -------------------------------------------------

CASES = [
    # the same measure, the same day, two values: a conflict
    ("conflict", [row("a", 15), row("b", 18)], [("确诊病例", ["a", "b"], True)]),
    # totality words and synonyms: 累计确诊个案 and 确诊病例总数 are one measure
    ("normalised", [row("a", 15, "累计确诊个案"), row("b", 15, "确诊病例总数")], [("确诊病例", ["a", "b"], False)]),
    ("agree", [row("a", 15, sentence="甲报:15宗。"), row("b", 15, sentence="乙报:15宗。")], [("确诊病例", ["a", "b"], False)]),
    # within the tolerance (2%): agree
    ("tolerance", [row("a", 1000, "受访者"), row("b", 1015, "受访者")], [("受访者", ["a", "b"], False)]),
    # 约 widens a value: 约100 meets 105
    ("approx", [row("a", 100, "参加者", qualifier="approx"), row("b", 105, "参加者")], [("参加者", ["a", "b"], False)]),
    # 超过3000 meets 3500, not 2000
    ("open", [row("a", 3000, "参加者", qualifier="gt"), row("b", 3500, "参加者"), row("c", 2000, "参加者")],
     [("参加者", ["a", "b", "c"], True)]),
    # one article alone is no group, nor one sentence reposted by two
    ("one article", [row("a", 15), row("a", 15)], []),
    ("reposted", [row("a", 15, sentence="今日录得15宗。"), row("b", 15, sentence="今日录得15宗。")], []),
    ("reposted twice", [row(d, 15, sentence=s) for d in "ab" for s in ("今日录得15宗。", "(共15宗)")], []),
    # different days, different places, different units, a change beside a level: no group
    ("other day", [row("a", 15), row("b", 18, date="2020-03-06")], []),
    ("other place", [row("a", 15, where="湾仔区", where_code="HK"), row("b", 18, where="南山区", where_code="440305")], []),
    ("other unit", [row("a", 15), row("b", 18, unit="人")], []),
    ("change", [row("a", 15), row("b", 3, role="delta")], []),
    # a year is on the calendar without the date; a relative time only at the same date
    ("year", [row("a", 15, time="2019年", date=None), row("b", 18, time="2019年", date=None)], [("确诊病例", ["a", "b"], True)]),
    ("relative", [row("a", 15, time="去年"), row("b", 18, time="去年", date="2021-03-05")], []),
    # period fields, when the rows have them, beat the time string
    ("period", [row("a", 15, time="今年", period_start="2020-01-01", period_end="2020-12-31"),
                row("b", 18, time="2020年", period_start="2020-01-01", period_end="2020-12-31", date="2020-09-01")],
     [("确诊病例", ["a", "b"], True)]),
    # an article whose own claims of one key disagree is left out; the rest still agree
    ("mixed article", [row("a", 15), row("a", 900), row("b", 15, sentence="乙:15宗。"), row("c", 15)], [("确诊病例", ["b", "c"], False)]),
    # generic entities and ages are not compared
    ("generic", [row("a", 15, "人", unit="人"), row("b", 18, "人", unit="人")], []),
    ("age", [row("a", 30, "男子", unit="岁", kind="age"), row("b", 40, "男子", unit="岁", kind="age")], []),
    # a quantity before its noun counts an event's participants, unless a record verb reports it
    ("attributive", [row("a", 5, "队员", unit="名", sentence="5名队员到场。", rule="count.ming+entity.np_after"),
                     row("b", 7, "队员", unit="名", sentence="7名队员到场。", rule="count.ming+entity.np_after")], []),
    ("record verb", [row("a", 5, "新个案", sentence="今日录得5宗新个案。", rule="count.zong+entity.np_after"),
                     row("b", 7, "新个案", sentence="今日录得7宗新个案。", rule="count.zong+entity.np_after")],
     [("新病例", ["a", "b"], True)]),
    # a share's base belongs to the measure
    ("share base", [row("a", 14, "比重", unit="%", sentence="园区产值占全省比重14%。"),
                    row("b", 7, "比重", unit="%", sentence="卫生费用占产值的比重为7%。")], []),
    ("same base", [row("a", 14, "比重", unit="%", sentence="园区产值占全省比重14%。"),
                   row("b", 7, "比重", unit="%", sentence="工业增加值占全省比重7%。")], [("全省比重", ["a", "b"], True)]),
    # the words between the place and the entity belong to the measure
    ("modifier", [row("a", 9, "投资", unit="元", where="全国", sentence="全国铁路完成投资9元。"),
                  row("b", 90, "投资", unit="元", where="中国", sentence="中国投资完成90元。")], []),
]


@pytest.mark.parametrize(("name", "rows", "expected"), CASES, ids=[c[0] for c in CASES])
def test_compare_groups_and_conflicts(name, rows, expected):
    assert groups_of(rows) == expected


def test_compare_window_joins_nearby_dates():
    rows = [row("a", 15), row("b", 18, date="2020-03-07"), row("c", 18, date="2020-03-20")]
    assert groups_of(rows) == []
    assert groups_of(rows, window=3) == [("确诊病例", ["a", "b"], True)]
    assert groups_of(rows, window=14) == [("确诊病例", ["a", "b", "c"], True)]


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"entity": None}, "entity"),
        ({"where": "全市"}, "place"),  # a deictic place without a code
        ({"date": None}, "period"),  # no time of its own and no article date
        ({"region": "mainland"}, "place"),  # no place in mainland text: set elsewhere
    ],
)
def test_compare_measure_key_says_why_not(fields, why):
    assert measure_key(row("a", 15, **fields), COMPARE) == why


@pytest.mark.parametrize(
    ("fields", "place"),
    [
        ({}, ("none", "")),  # rows from before the region field: no place said
        ({"region": "HK"}, ("code", "HK")),  # a Hong Kong article's claim without a place is about Hong Kong
        ({"where": "本港", "where_code": "HK"}, ("code", "HK")),
        ({"where": "我国"}, ("name", "中国")),
    ],
)
def test_compare_measure_key_place(fields, place):
    key = measure_key(row("a", 15, **fields), COMPARE)
    assert key.place == place


# --- output ----------------------------------------------------------------------------------


def test_compare_html_escapes_text():
    rows = [
        row("a<b", 15, sentence="确诊个案15宗<script>alert(1)</script>。", title="<b>标题</b>", url="javascript:alert(1)"),
        row("c", 18, url="https://example.org/?a=1&b=2", title="乙报"),
    ]
    page = render_html(compare_claims(rows, COMPARE))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;标题&lt;/b&gt;" in page and "a&lt;b" in page
    assert 'href="javascript' not in page  # only http(s) links
    assert 'href="https://example.org/?a=1&amp;b=2"' in page
    assert "<mark>15宗</mark>" in page


def _write(path: Path, rows) -> Path:
    from pipeline.claim import format_decimal

    lines = [json.dumps({k: (format_decimal(v) if isinstance(v, Decimal) else v) for k, v in r.items()}, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_compare_cli_text_json_html(tmp_path):
    first = _write(tmp_path / "one.jsonl", [row("a", 15, title="甲报", url="https://example.org/a")])
    second = _write(tmp_path / "two.jsonl", [row("b", 18, title="乙报"), row("b", 3, "新增个案")])
    result = runner.invoke(app, ["compare", str(first), str(second)])
    assert result.exit_code == 0, result.output
    assert "1 measures stated by 2+ articles, 1 disagree" in result.output
    assert "确诊病例 · — · 2020-03-05 · 宗  DISAGREE: 15宗 (1 article); 18宗 (1 article)" in result.output
    assert "a  甲报  2020-03-05  https://example.org/a" in result.output

    result = runner.invoke(app, ["compare", str(first), str(second), "--json", "--tolerance", "0.25"])
    data = json.loads(result.output)
    assert (data["groups"], data["disagreeing"], data["shown"]) == (1, 0, [])

    html = tmp_path / "out" / "compare.html"
    result = runner.invoke(app, ["compare", str(first), str(second), "--html", str(html)])
    assert result.exit_code == 0 and "<mark>18宗</mark>" in html.read_text(encoding="utf-8")


def test_compare_cli_missing_file(tmp_path):
    result = runner.invoke(app, ["compare", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2


def test_compare_reads_csv_as_extract_writes_it(tmp_path):
    # extract --format csv: empty cells are nulls, numbers are text
    import csv

    path = tmp_path / "claims.csv"
    rows = [row("a", 15, sentence="甲:15宗。"), row("b", 18)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    result = runner.invoke(app, ["compare", str(path), "--json"])
    data = json.loads(result.output)
    assert (data["groups"], data["disagreeing"]) == (1, 1)
    assert [v["value"] for v in data["shown"][0]["values"]] == ["15宗", "18宗"]


def test_compare_report_shows_a_repeated_figure_once():
    from pipeline.tools.compare import format_report

    rows = [row("a", 15, sentence="甲:15宗。"), row("a", 15, sentence="(15宗)"), row("b", 18)]
    text = format_report(compare_claims(rows, COMPARE))
    assert [line.split()[1] for line in text.splitlines() if line.strip().startswith(("15宗", "18宗"))] == ["a", "b"]
    assert "15宗 (1 article); 18宗 (1 article)" in text
