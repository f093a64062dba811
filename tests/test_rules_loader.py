"""Rule files: validation errors name file and line; a user's directory adds and replaces rules."""

from __future__ import annotations

from pathlib import Path

import pytest

import pipeline.rules
from pipeline.rules import PatternTimeout, RuleError, RulePattern, load_rules

GOOD = '''
[[unit]]
id = "count.lun"
surface = ["轮"]
unit = "轮"
kind = "count"
examples = [{ text = "开展督查3轮", quantity = "3轮", value = 3 }]
'''


@pytest.mark.parametrize(
    "content,line,message",
    [
        ('[[unit]]\nid = "x"\nsurface = ["轮"]\nunit = "轮"\nkind = "count"\ncolour = "red"\n', 1, "unknown key 'colour'"),
        ('\n\n[[unit]]\nid = "x"\nsurface = "轮"\nunit = "轮"\nkind = "count"\n', 3, "key 'surface' must be list[str]"),
        ('[[unit]]\nid = "x"\nunit = "轮"\nkind = "count"\n', 1, "missing required key 'surface'"),
        ('[[unitt]]\nid = "x"\n', 1, "unknown rule section [[unitt]]"),
        ('[[exclusion]]\nid = "x"\npattern = "(unclosed"\ncounterexamples = []\n', 1, "pattern does not compile"),
        ('[[unit]\nid = "x"\n', 1, "not valid TOML"),
        ('[[entity_cue]]\nid = "x"\nsurface = ["占"]\nuse = "shares"\n', 1, "'use' must be one of skip_before"),
        ('\n[[role]]\nid = "x"\npattern = "增长"\nrole = "up"\nposition = "after"\n', 2, "'role' must be one of from, to, delta"),
        ('[[exclusion]]\nid = "x"\npattern = "第"\nnumerals = "chinse"\n', 1, "'numerals' must be one of chinese, any"),
        ('[[unit]]\nid = "x"\nsurface = ["轮"]\nunit = "轮"\nkind = "counts"\n', 1, "'kind' must be one of count, money"),
    ],
)
def test_rules_loader_errors_name_file_and_line(tmp_path: Path, content, line, message):
    (tmp_path / "mine.toml").write_text(content, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules([tmp_path])
    assert f"mine.toml:{line}:" in str(info.value)
    assert message in str(info.value)


def test_rules_loader_user_directory_adds_rules(tmp_path: Path):
    (tmp_path / "mine.toml").write_text(GOOD, encoding="utf-8")
    ruleset = load_rules([tmp_path])
    assert "count.lun" in [r.id for r in ruleset.section("unit")]
    assert "count.ge" in [r.id for r in ruleset.section("unit")]


def test_rules_loader_user_rule_replaces_builtin_of_same_id(tmp_path: Path):
    (tmp_path / "mine.toml").write_text(GOOD.replace("count.lun", "count.ge"), encoding="utf-8")
    ruleset = load_rules([tmp_path])
    replaced = [r for r in ruleset.section("unit") if r.id == "count.ge"]
    assert len(replaced) == 1 and replaced[0].get("surface") == ["轮"]


def test_rules_loader_without_builtin(tmp_path: Path):
    (tmp_path / "mine.toml").write_text(GOOD, encoding="utf-8")
    ruleset = load_rules([tmp_path], builtin=False)
    assert [r.id for r in ruleset.all()] == ["count.lun"]


# Catastrophic backtracking: (a|aa)+ tries every split of the run of a's before failing at 新.
SLOW = '[[time]]\nid = "time.slow"\npattern = "(a|aa)+$"\n'


@pytest.mark.parametrize("call", ["search", "match", "finditer", "sub"])
def test_rules_pattern_timeout_names_rule_file_and_line(tmp_path: Path, monkeypatch, call):
    (tmp_path / "slow.toml").write_text("\n" + SLOW, encoding="utf-8")
    rule = load_rules([tmp_path], builtin=False).section("time")[0]
    monkeypatch.setattr(pipeline.rules, "PATTERN_TIMEOUT", 0.05)
    pattern = RulePattern(rule)
    text = "a" * 60 + "新建活动场所12个"
    with pytest.raises(PatternTimeout) as info:
        if call == "sub":
            pattern.sub("", text)
        else:
            list(getattr(pattern, call)(text) or [])
    message = str(info.value)
    assert "rule 'time.slow'" in message and "slow.toml:2)" in message
    assert "ran over 0.05s on a text of 69 characters" in message


@pytest.mark.parametrize(
    "call,expected",
    [("search", "aaa"), ("match", None), ("finditer", ["aaa"]), ("sub", "新建")],
)
def test_rules_pattern_behaves_like_regex_on_ordinary_text(tmp_path: Path, call, expected):
    (tmp_path / "slow.toml").write_text(SLOW, encoding="utf-8")
    pattern = RulePattern(load_rules([tmp_path], builtin=False).section("time")[0])
    text = "新建aaa"
    if call == "search":
        assert pattern.search(text).group() == expected
    elif call == "match":
        assert pattern.match(text) is expected
    elif call == "finditer":
        assert [m.group() for m in pattern.finditer(text)] == expected
    else:
        assert pattern.sub("", text) == expected


def test_rules_readme_lists_every_section_with_its_keys():
    # rules/README.md's key table must say what the loader accepts: same sections, keys, types, required keys
    from pipeline.rules import _COMMON, REQUIRED, SCHEMAS

    readme = (Path(__file__).resolve().parent.parent / "rules" / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        if line.startswith("| `") and line.count("|") == 3 and "**" in line:
            section, keys = (cell.strip() for cell in line.strip("|").split("|"))
            rows[section.strip("`")] = keys
    documented = {
        section: {(part.split()[0].strip("*"), part.split(maxsplit=1)[1], part.startswith("**")) for part in keys.split(", ")}
        for section, keys in rows.items()
    }
    expected = {
        section: {(key, kind, key in REQUIRED.get(section, ())) for key, kind in schema.items() if key not in _COMMON}
        for section, schema in SCHEMAS.items()
    }
    assert documented == expected
