"""`explain`: clean text, tokens, entities, excluded numbers, dropped lines, and the rule behind each claim field."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.tools.cli import app
from pipeline.tools.explain import explain, explanation_to_json, format_explanation, render_html

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_ed8c8fe637e82367.txt"
runner = CliRunner()


def _refs(item) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for ref in item.rules:
        out.setdefault(ref.field, []).append((ref.id, ref.where.rsplit(":", 1)[0].rsplit("/", 1)[-1]))
    return out


@pytest.mark.parametrize(
    "text,quantity,expected",
    [
        ("全州共73个安置点规范建立党组织166个", "73个",
         {"unit": [("count.ge", "units.toml")], "where": [("place.scope", "entities.toml")],
          "entity": [("entity.np_after", "extract.py")]}),
        ("覆盖率由年初的60%提高到95%以上。", "60%",
         {"unit": [("percent.sign", "units.toml")], "role": [("role.from", "context.toml")], "time": [("time.point", "context.toml")],
          "entity": [("entity.np_before", "extract.py")]}),
        ("覆盖率由年初的60%提高到95%以上。", "95%以上",
         {"unit": [("percent.sign", "units.toml")], "qualifier": [("ge.after", "qualifiers.toml")], "role": [("role.to", "context.toml")],
          "entity": [("entity.same_as_previous", "extract.py")]}),
        ("每个村庄配备300户—500户", "300户—500户",
         {"unit": [("count.hu", "units.toml")], "high": [("range.dash", "qualifiers.toml")],
          "entity": [("entity.np_before", "extract.py")]}),
        # an entity branch that is a rule of context.toml points to its line there
        ("钢材、水泥产量分别为12万吨、8万吨", "12万吨",
         {"unit": [("weight.ton", "units.toml")], "entity": [("entity.respectively", "context.toml")]}),
        # a table cell takes the header of its row
        ("行业\t增速\n制造业\t5.8%\n", "5.8%",
         {"unit": [("percent.sign", "units.toml")], "entity": [("entity.table_row", "extract.py")]}),
    ],
)
def test_explain_names_the_rule_of_each_field(nlp, rules, text, quantity, expected):
    result = explain(text, nlp, rules)
    item = next(c for c in result.claims if c.claim.quantity == quantity)
    assert _refs(item) == expected


def test_explain_tokens_entities_and_claims(nlp, rules):
    result = explain("全州共73个安置点规范建立党组织166个", nlp, rules)
    assert result.clean == "全州共73个安置点规范建立党组织166个\n"
    assert ("73", "m") in [(t.text, t.tag) for t in result.tokens]
    assert "".join(t.text for t in result.tokens) == result.clean
    assert [(e.text, e.label, e.start, e.end, e.rule) for e in result.entities] == [("全州", "GPE", 0, 2, "place.scope")]
    assert [(c.claim.quantity, c.claim.value, c.claim.where) for c in result.claims] == [
        ("73个", Decimal(73), "全州"),
        ("166个", Decimal(166), "全州"),
    ]


def test_explain_dropped_lines_and_excluded_numbers(nlp, rules):
    result = explain("据了解，2021年共建成网格3个。\n记者 王小禾 通讯员 李大山\n", nlp, rules)
    assert result.clean == "据了解，2021年共建成网格3个。\n"
    assert [(d.line, d.rule.id if d.rule else None) for d in result.dropped] == [("记者 王小禾 通讯员 李大山", "byline.reporter")]
    assert [(x.number, x.matched, x.rule.id) for x in result.excluded] == [("2021", "2021年", "date.ymd")]
    assert [c.claim.quantity for c in result.claims] == ["3个"]


def test_explain_dropped_lines_say_why(nlp, rules):
    md = "据了解，2021年共建成网格3个，覆盖全县12个乡镇的全部行政村和社区。\n\n[更多乡村新闻](https://example.org/more)\n"
    result = explain(md, nlp, rules, fmt="md")
    assert [(d.line, d.rule, d.why) for d in result.dropped] == [("更多乡村新闻", None, "signal: link text 100% of the line")]
    assert "更多乡村新闻    <- signal: link text 100% of the line" in format_explanation(result)


def test_explain_from_clean_keeps_the_text(nlp, rules):
    result = explain("记者 王小禾 通讯员 李大山", nlp, rules, from_clean=True)
    assert result.clean == "记者 王小禾 通讯员 李大山" and result.dropped == []


def test_explain_format_shows_fields_and_rule_files(nlp, rules):
    text = format_explanation(explain("覆盖率由年初的60%提高到95%以上。", nlp, rules))
    assert "claims: 2" in text
    assert "  2. 95%以上  [13:18]" in text
    lines = [line.strip() for line in text.splitlines()]
    assert any(line.startswith("qualifier ge  <- ge.after (") and "qualifiers.toml:" in line for line in lines)
    assert any(line.startswith("role      from  <- role.from (") for line in lines)
    assert "rule      percent.sign+ge.after+role.to+entity.same_as_previous" in lines


def test_explain_json_numbers_exact(nlp, rules):
    data = json.loads(explanation_to_json(explain("集体经济积累121.6万元,增长0.35%", nlp, rules)), parse_float=Decimal)
    assert [(c["quantity"], c["value"]) for c in data["claims"]] == [("121.6万元", 1216000), ("0.35%", Decimal("0.35"))]
    assert data["claims"][1]["role"] == "delta"
    assert {"id": "role.delta", "section": "role", "field": "role"}.items() <= data["claims"][1]["rules"][1].items()
    assert {"id": "entity.clause_quantity", "section": "built-in", "field": "entity"}.items() <= data["claims"][1]["rules"][2].items()


def test_explain_html_marks_every_claim_and_entity(nlp, rules):
    from pipeline.text.reader import read_article

    article = read_article(SEED)
    result = explain(article.text, nlp, rules, fmt=article.fmt)
    page = render_html(result, title=SEED.name)
    assert page.startswith("<!DOCTYPE html>") and f"<title>zhclaims explain: {SEED.name}</title>" in page
    assert "<script" not in page and "<link" not in page
    assert result.claims
    for item in result.claims:
        claim = item.claim
        assert f'data-label="{claim.kind}" data-rule="{claim.rule}"' in page
        assert f'">{claim.quantity}<span' in page
    assert 'data-label="GPE" data-rule="place.scope"' in page and '">全州<span' in page
    assert page.count('<mark class="entity" data-label="count"') == sum(c.claim.kind == "count" for c in result.claims)


def test_cli_explain_text_json_and_html(tmp_path: Path):
    plain = runner.invoke(app, ["explain", "全州共73个安置点规范建立党组织166个"])
    assert plain.exit_code == 0, plain.output
    assert "claims: 2" in plain.output and "where     全州  <- place.scope (" in plain.output
    as_json = runner.invoke(app, ["explain", "--json", "全州共73个安置点"])
    assert json.loads(as_json.output)["claims"][0]["quantity"] == "73个"
    page = tmp_path / "page.html"
    written = runner.invoke(app, ["explain", "--html", str(page), str(SEED)])
    assert written.exit_code == 0, written.output
    claims = json.loads(runner.invoke(app, ["explain", "--json", str(SEED)]).output)["claims"]
    assert f"{len(claims)} claims" in written.output
    counts = sum(c["kind"] == "count" and c["rule"].startswith("count.") for c in claims)
    assert counts and page.read_text(encoding="utf-8").count('data-label="count" data-rule="count.') == counts


@pytest.mark.parametrize(
    "text,claims",
    [
        # longer than a file name may be (255 bytes): the text itself, not a path
        ("全县今年新建村级活动场所12个，改扩建便民服务中心8个，培训村干部1300人次，" * 4, 12),
    ],
)
def test_cli_explain_long_text_is_not_taken_for_a_path(text, claims):
    result = runner.invoke(app, ["explain", "--json", text])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["claims"]) == claims


def test_cli_explain_user_rule_shows_its_file(tmp_path: Path):
    (tmp_path / "mine.toml").write_text(
        '[[unit]]\nid = "count.lun"\nsurface = ["轮"]\nunit = "轮"\nkind = "count"\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["explain", "--rules", str(tmp_path), "开展督查3轮"])
    assert result.exit_code == 0, result.output
    assert f"unit      轮  <- count.lun ({tmp_path / 'mine.toml'}:1)" in result.output


def test_cli_import_loads_no_heavy_library():
    # `zhclaims --help` stays fast because spaCy, jieba and OpenCC are imported inside the commands
    code = "import sys, pipeline.tools.cli; print(sorted(m for m in ('spacy', 'jieba', 'opencc', 'regex') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == "[]"
