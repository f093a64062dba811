"""The known-pattern cache: rule patterns known to compile are compiled when first used, a bad one is
still reported at load with its file and line, and a cache that cannot be read or written is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

import pipeline.cache
from pipeline.cache import KnownPatterns, Store
from pipeline.prefilter import required_chars
from pipeline.rules import RuleError, RulePattern, load_rules

TIME = '[[time]]\nid = "time.year"\npattern = "(?:今|去)年(?:[一二三四]季度)?"\n'


def _compiled_yet(pattern: RulePattern) -> bool:
    try:
        RulePattern.__dict__["compiled"].__get__(pattern)  # the slot itself, not __getattr__
    except AttributeError:
        return False
    return True


@pytest.fixture
def known(tmp_path, monkeypatch) -> KnownPatterns:
    """A known-pattern store of its own for the test (the process's store is left alone)."""
    store = KnownPatterns(tmp_path / "cache" / "patterns.marshal")
    monkeypatch.setattr(pipeline.cache, "_KNOWN", store)
    return store


@pytest.mark.parametrize(
    "text,expected",
    [
        ("今年一季度全县新建活动场所12个", ["今年一季度"]),
        ("去年全县新建活动场所12个，今年又建成8个", ["去年", "今年"]),
        ("全县新建活动场所12个", []),
    ],
)
def test_cache_known_pattern_is_compiled_when_used_and_matches_as_before(tmp_path, known, text, expected):
    (tmp_path / "mine.toml").write_text(TIME, encoding="utf-8")
    rule = load_rules([tmp_path], builtin=False).section("time")[0]
    first = RulePattern(rule)
    assert known.save()
    # a later process: the store read from its file
    pipeline.cache._KNOWN = KnownPatterns(known.path)
    later = RulePattern(rule)
    assert not _compiled_yet(later) and later.needs == first.needs == required_chars(rule.get("pattern"))
    assert [m.group() for m in later.finditer(text)] == [m.group() for m in first.finditer(text)] == expected
    assert _compiled_yet(later) or not expected  # a text without 年 is skipped before compiling
    assert later.sub("", text) == first.compiled.sub("", text)


@pytest.mark.parametrize(
    "content,line",
    [
        ('[[time]]\nid = "time.bad"\npattern = "(?:今|去年"\n', 1),
        ('\n\n[[role]]\nid = "role.bad"\npattern = "增长[至到"\nrole = "to"\nposition = "before"\n', 3),
        ('\n[[boilerplate]]\nid = "junk.bad"\npattern = "责任编辑(:"\n', 2),
    ],
)
def test_cache_bad_pattern_is_reported_at_load_with_file_and_line(tmp_path, known, content, line):
    (tmp_path / "good.toml").write_text(TIME, encoding="utf-8")
    load_rules([tmp_path], builtin=False)
    assert known.save() and known.path.is_file()
    (tmp_path / "mine.toml").write_text(content, encoding="utf-8")
    for _ in range(2):  # with the good patterns known, and in a later process reading them
        with pytest.raises(RuleError) as info:
            load_rules([tmp_path], builtin=False)
        assert f"mine.toml:{line}:" in str(info.value) and "pattern does not compile" in str(info.value)
        pipeline.cache._KNOWN = KnownPatterns(known.path)


def test_cache_bad_pattern_is_never_recorded(tmp_path, known):
    (tmp_path / "mine.toml").write_text('[[time]]\nid = "time.bad"\npattern = "(?:今|去年"\n', encoding="utf-8")
    with pytest.raises(RuleError):
        load_rules([tmp_path], builtin=False)
    assert known.get("(?:今|去年") is None


@pytest.mark.parametrize(
    "make_path",
    [
        pytest.param(lambda tmp: tmp / "a-file" / "patterns.marshal", id="a file where the directory would be"),
        pytest.param(lambda tmp: tmp / "garbage.marshal", id="a file that is not a cache"),
        pytest.param(lambda tmp: tmp / "truncated.marshal", id="a cut-off cache file"),
    ],
)
def test_cache_unreadable_or_unwritable_cache_is_skipped(tmp_path, monkeypatch, make_path):
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    (tmp_path / "garbage.marshal").write_bytes(b"\x00\xffnot marshal data")
    good = KnownPatterns(tmp_path / "good.marshal")
    good.add("今年", required_chars("今年"))
    assert good.save()
    (tmp_path / "truncated.marshal").write_bytes(good.path.read_bytes()[:-5])
    store = KnownPatterns(make_path(tmp_path))
    monkeypatch.setattr(pipeline.cache, "_KNOWN", store)
    source = "(?:今|去)年(?:[一二三四]季度)?"
    assert store.get("今年") is None and store.get(source) is None  # nothing read: nothing known
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.toml").write_text(TIME, encoding="utf-8")
    pattern = RulePattern(load_rules([tmp_path / "rules"], builtin=False).section("time")[0])
    assert [m.group() for m in pattern.finditer("去年建成8个")] == ["去年"]
    writable = store.path.parent.is_dir()
    assert store.save() is writable
    if writable:  # a bad file is replaced by a good one
        assert KnownPatterns(store.path).get(source) == required_chars(source)


def test_cache_save_keeps_what_another_process_wrote(tmp_path):
    path = tmp_path / "patterns.marshal"
    one, two = KnownPatterns(path), KnownPatterns(path)
    assert one.get("今年") is None and two.get("去年") is None  # both read the (absent) file first
    one.add("今年", required_chars("今年"))
    two.add("去年", required_chars("去年"))
    assert one.save() and two.save()
    again = KnownPatterns(path)
    assert again.get("今年") == required_chars("今年") and again.get("去年") == required_chars("去年")


def test_cache_dir_follows_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHCLAIMS_CACHE", str(tmp_path / "mine"))
    assert pipeline.cache.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("ZHCLAIMS_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert pipeline.cache.cache_dir() == tmp_path / "xdg" / "zhclaims"
    assert Path(pipeline.cache._patterns_file()).parent == tmp_path / "xdg" / "zhclaims"


@pytest.fixture
def rule_files(tmp_path, monkeypatch) -> Store:
    """A store of parsed rule files of its own for the test."""
    store = Store(tmp_path / "cache" / "rules.marshal")
    monkeypatch.setattr(pipeline.cache, "_RULE_FILES", store)
    return store


def _rules_seen(directory: Path) -> list[tuple]:
    return [(r.section, r.id, r.data, r.path, r.line) for r in load_rules([directory], builtin=False).all()]


@pytest.mark.parametrize(
    "edit,expected",
    [
        pytest.param(lambda text: text, "(?:今|去)年(?:[一二三四]季度)?", id="the same file: read from the cache"),
        pytest.param(lambda text: text.replace("(?:今|去)年", "(?:今|明)年"), "(?:今|明)年(?:[一二三四]季度)?", id="an edited file: parsed again"),
    ],
)
def test_cache_rule_file_read_from_cache_is_the_parsed_one(tmp_path, rule_files, edit, expected):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "mine.toml").write_text("\n" + TIME, encoding="utf-8")
    fresh = _rules_seen(rules_dir)
    assert rule_files.save()
    pipeline.cache._RULE_FILES = Store(rule_files.path)  # a later process
    (rules_dir / "mine.toml").write_text(edit("\n" + TIME), encoding="utf-8")
    again = _rules_seen(rules_dir)
    assert again[0][2]["pattern"] == expected and again[0][4] == fresh[0][4] == 2
    if expected == fresh[0][2]["pattern"]:
        assert again == fresh


@pytest.mark.parametrize("entry", [b"\x00garbage", 12, b""], ids=["bytes marshal cannot read", "not bytes", "empty"])
def test_cache_rule_file_damaged_entry_is_parsed_again(tmp_path, rule_files, entry):
    import hashlib

    text = "\n" + TIME
    (tmp_path / "mine.toml").write_text(text, encoding="utf-8")
    rule_files.add(hashlib.sha1(text.encode("utf-8")).hexdigest(), entry)
    rule = load_rules([tmp_path], builtin=False).section("time")[0]
    assert rule.get("pattern") == "(?:今|去)年(?:[一二三四]季度)?" and rule.line == 2


def test_cache_rule_file_each_load_has_data_of_its_own(tmp_path, rule_files):
    (tmp_path / "mine.toml").write_text(TIME, encoding="utf-8")
    first = load_rules([tmp_path], builtin=False).section("time")[0]
    first.data["pattern"] = "changed"
    second = load_rules([tmp_path], builtin=False).section("time")[0]
    assert second.get("pattern") == "(?:今|去)年(?:[一二三四]季度)?"


@pytest.mark.parametrize(
    "limit,kept",
    [
        pytest.param(10, {"今年", "去年", "明年"}, id="under the limit: everything kept"),
        pytest.param(2, {"今年", "明年"}, id="over it: what the last process used or added"),
    ],
)
def test_cache_store_over_its_limit_keeps_what_was_used(tmp_path, limit, kept):
    path = tmp_path / "store.marshal"
    first = Store(path, limit=limit)
    first.add("今年", required_chars("今年"))
    first.add("去年", required_chars("去年"))
    assert first.save()
    second = Store(path, limit=limit)
    assert second.get("今年") == required_chars("今年")
    second.add("明年", required_chars("明年"))
    assert second.save()
    third = Store(path)
    assert {key for key in ("今年", "去年", "明年") if third.get(key) is not None} == kept


