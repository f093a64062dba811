"""The command line on real files of the repository: extract, clean, score, rules check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.tools.cli import app

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_cli_extract_writes_jsonl_in_field_order(tmp_path: Path):
    out = tmp_path / "claims.jsonl"
    result = runner.invoke(app, ["extract", str(REPO / "seeds" / "000_ed8c8fe637e82367.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The same claims as the library gives on the same article (how many is the score gate's business).
    from pipeline.text.reader import read_article
    from pipeline.rules import load_rules
    from pipeline.run import clean_document, extract_text, load_nlp

    ruleset = load_rules()
    article = read_article(REPO / "seeds" / "000_ed8c8fe637e82367.txt")
    cleaned = clean_document(article.text, fmt=article.fmt, rules=ruleset)
    expected = extract_text(cleaned.text, "000_ed8c8fe637e82367", load_nlp(ruleset))
    assert [(r["quantity"], r["start"]) for r in rows] == [(c.quantity, c.start) for c in expected]
    assert all(cleaned.text[r["start"]:r["end"]] == r["quantity"] for r in rows)
    assert list(rows[0]) == ["doc", "quantity", "context", "start", "end", "value", "high", "unit", "kind",
                             "qualifier", "entity", "role", "where", "time", "sentence", "rule", "where_code",
                             "article_date", "region", "period_start", "period_end", "currency",
                             "line", "quantity_orig", "sentence_orig", "title", "date", "url", "meta"]
    assert rows[0]["doc"] == "000_ed8c8fe637e82367" and rows[0]["quantity"] == "73个"


def test_cli_extract_dash_output_is_standard_output(tmp_path: Path, monkeypatch):
    """-o - writes to standard output, as - names standard input among the paths (no file named -)."""
    article = tmp_path / "a.txt"
    article.write_text("全县共建成村级活动场所86个。", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["extract", str(article), "-o", "-"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["quantity"] for r in rows] == ["86个"]
    assert not (tmp_path / "-").exists() and not (tmp_path / "-.errors.jsonl").exists()


def test_cli_extract_csv_from_clean(tmp_path: Path):
    out = tmp_path / "claims.csv"
    result = runner.invoke(app, ["extract", str(REPO / "gold" / "002_f299fb9804765b73.clean.txt"), "--from-clean", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_text(encoding="utf-8")
    assert raw.startswith("\ufeffdoc,quantity,context")  # the byte-order mark Excel needs, on by default
    lines = raw.lstrip("\ufeff").splitlines()
    text = (REPO / "gold" / "002_f299fb9804765b73.clean.txt").read_text(encoding="utf-8")
    import csv
    rows = list(csv.DictReader(lines))
    assert rows and all(text[int(r["start"]):int(r["end"])] == r["quantity"] for r in rows)


def test_cli_extract_bad_input_reported_and_batch_goes_on(tmp_path: Path):
    (tmp_path / "a.txt").write_text("全州共73个安置点。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "c.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 1
    assert "b.txt" in result.output
    assert [json.loads(l)["doc"] for l in out.read_text(encoding="utf-8").splitlines()] == ["a"]


def test_cli_clean_writes_clean_files(tmp_path: Path):
    result = runner.invoke(app, ["clean", str(REPO / "seeds" / "003_bfcd23cd9aa4ea68.txt"), "-d", str(tmp_path)])
    assert result.exit_code == 0, result.output
    produced = (tmp_path / "003_bfcd23cd9aa4ea68.clean.txt").read_text(encoding="utf-8")
    assert produced == (REPO / "gold" / "003_bfcd23cd9aa4ea68.clean.txt").read_text(encoding="utf-8")


def test_cli_clean_report_lists_dropped_lines_and_warnings(tmp_path: Path):
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "a.txt").write_text(
        "今年以来,青禾县把民生工程办成民心工程,新建村级活动场所12个,培训基层干部3000余人次。\n"
        "大力整治党员涉黑涉恶?jiǎn)栴},坚决整治。\n"
        "据介绍,村史馆由村集体出资建设,总投资56万元,建筑面积420平方米,免费向群众开放。\n"
        "责编:钱程\n",
        encoding="utf-8",
    )
    (articles / "b.txt").write_text("全县共培训干部300人次。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["clean", str(articles), "-d", str(out)])
    assert result.exit_code == 0, result.output
    report = [json.loads(line) for line in (out / "clean.report.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["doc"] for r in report] == ["a", "b"]
    assert report[0]["lines"] == 3 and report[0]["dropped"] == [{"line": "责编:钱程", "why": "rule editor.line"}]
    assert report[0]["warnings"] == ["corrupted bytes at line 2: '?jiǎn)栴}'"]
    assert report[1] == {"doc": "b", "path": str(articles / "b.txt"), "lines": 1, "dropped": [], "warnings": []}
    assert "cleaned 2 of 2 articles" in result.output and "1 lines dropped, 1 warnings, 0 failed" in result.output
    assert (out / "clean.errors.jsonl").read_text(encoding="utf-8") == ""


def test_cli_score_json_has_both_modes():
    result = runner.invoke(app, ["score", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["docs"] == 5
    assert data["gold_text"]["quantity"]["f1"] >= 0.97
    assert data["end_to_end"]["quantity"]["f1"] >= 0.97


def test_cli_rules_check_user_counter_word(tmp_path: Path):
    rules_dir = tmp_path / "myrules"
    rules_dir.mkdir()
    (rules_dir / "mine.toml").write_text(
        '[[unit]]\nid = "count.lun"\nsurface = ["轮"]\nunit = "轮"\nkind = "count"\n'
        'examples = [{ text = "开展督查3轮", quantity = "3轮", value = 3 }]\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "check", str(rules_dir)])
    assert result.exit_code == 0, result.output
    article = tmp_path / "a.txt"
    article.write_text("今年开展专项督查3轮,发现问题12个。\n", encoding="utf-8")
    without = runner.invoke(app, ["extract", str(article)])
    with_rule = runner.invoke(app, ["extract", str(article), "--rules", str(rules_dir)])
    assert '"quantity": "3轮"' not in without.output
    assert '"quantity": "3轮"' in with_rule.output


def test_cli_rules_check_broken_rule_file_names_it(tmp_path: Path):
    (tmp_path / "broken.toml").write_text('[[unit]]\nid = "x"\nsurface = ["轮"]\nunit = 3\nkind = "count"\n', encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(tmp_path)])
    assert result.exit_code == 2
    assert "broken.toml:1:" in result.output and "'unit' must be str" in result.output


def test_cli_help_lists_commands():
    result = subprocess.run([sys.executable, "-m", "pipeline.tools.cli", "--help"], capture_output=True, text=True, check=True)
    for command in ("extract", "clean", "score", "rules"):
        assert command in result.stdout


@pytest.mark.parametrize(
    "rule",
    [
        '[[boilerplate]]\nid = "mine.slow_marker"\npattern = "(a|aa)+$"\ndrop = []\n',
        '[[time]]\nid = "mine.slow_time"\npattern = "(a|aa)+$"\n',
    ],
    ids=["boilerplate", "time"],
)
def test_cli_extract_pathological_rule_fails_its_article_and_batch_goes_on(tmp_path: Path, monkeypatch, rule):
    import pipeline.rules

    monkeypatch.setattr(pipeline.rules, "PATTERN_TIMEOUT", 0.05)
    rules_dir = tmp_path / "myrules"
    rules_dir.mkdir()
    (rules_dir / "slow.toml").write_text(rule, encoding="utf-8")
    articles = tmp_path / "articles"
    articles.mkdir()
    # the run of a's before 新 makes (a|aa)+$ try every split of it; the other article is ordinary
    (articles / "a.txt").write_text("a" * 60 + "新建村级活动场所12个。\n", encoding="utf-8")
    (articles / "b.txt").write_text("今年新建村级活动场所12个。\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(articles), "--rules", str(rules_dir), "-o", str(out)])
    assert result.exit_code == 1
    rule_id, stage = ("mine.slow_marker", "clean") if "boilerplate" in rule else ("mine.slow_time", "extract")
    assert f"a.txt: {stage} failed: PatternTimeout: rule '{rule_id}' ({rules_dir / 'slow.toml'}:1) ran over 0.05s" in result.output
    assert [json.loads(line)["doc"] for line in out.read_text(encoding="utf-8").splitlines()] == ["b"]


_MARKER = '[[boilerplate]]\nid = "footer.qinghe_view"\npattern = \'^青禾视界\\s*已有\'\nposition = "bottom"\n'


@pytest.mark.parametrize(
    "rule,problem",
    [
        (_MARKER + 'drop = ["青禾视界 已有12万用户订阅"]\nkeep = ["青禾县已有12万户用上天然气。"]\n', None),
        (_MARKER + 'drop = ["订阅青禾视界"]\n', "'订阅青禾视界': not dropped (position bottom)"),
        (_MARKER + 'drop = []\nkeep = ["青禾视界 已有3万用户"]\n', "a keep line, dropped by rule 'footer.qinghe_view' at position bottom"),
        ('[[inline_junk]]\nid = "lead.qinghe"\npattern = \'^【青禾视界】\'\n'
         'examples = [{ text = "【青禾视界】全县新建网格3个", clean = "全县新建网格3个" }]\n', None),
        ('[[inline_junk]]\nid = "lead.qinghe"\npattern = \'^【青禾视界】\'\n'
         'examples = [{ text = "【青禾视界】全县新建网格3个", clean = "【青禾视界】全县新建网格3个" }]\n',
         "expected '【青禾视界】全县新建网格3个', got '全县新建网格3个'"),
    ],
    ids=["boilerplate-ok", "boilerplate-drop-missed", "boilerplate-keep-dropped", "inline-ok", "inline-wrong"],
)
def test_cli_rules_check_runs_cleaning_rule_examples(tmp_path: Path, rule, problem):
    (tmp_path / "mine.toml").write_text(rule, encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(tmp_path)])
    if problem is None:
        assert result.exit_code == 0, result.output
        assert " 0 failed" in result.output
    else:
        assert result.exit_code == 1
        assert f"FAIL {tmp_path / 'mine.toml'}:1: rule '" in result.output and problem in result.output
