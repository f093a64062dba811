"""The characters a rule pattern needs: read from the pattern, never wrong on the rules' own texts."""

from __future__ import annotations

import pytest

from pipeline.extraction.quantities import QuantityMatcher
from pipeline.prefilter import holds, required_chars
from pipeline.rules import RulePattern, load_rules


@pytest.mark.parametrize(
    "pattern,needs",
    [
        ("(?:今年|去年|上年)度", ["年", "度"]),  # one character every branch holds
        ("[0-9]{1,2}月|首季", ["季月"]),  # a branch each
        ("[上下]半年", ["半", "年", "上下"]),
        ("(?<=[小初])[一二](?=学生|班)", ["一二", "初小", "学班"]),  # lookarounds are in the text too
        ("(?<![0-9])[0-9]{4}年", ["年", "0123456789"]),  # a negative lookbehind needs nothing
        ("(?:截至)?[0-9]+日", ["日", "0123456789"]),  # an optional part needs nothing
        ("第[一二三]?季度?", ["季", "第"]),
        ("(?:亿|万)?元|美元", ["元"]),
        ("\\d+人", ["人"]),  # \d: too many characters to test
        ("[^，。]{2,4}会", ["会"]),
        ("\\p{Han}{2}站", ["站"]),  # \p{Han} needs nothing known, 站 is needed
        ("(?:a|b*)c", ["c"]),  # a branch that may be empty: the alternation needs nothing
        ("年|.", []),
    ],
)
def test_prefilter_required_chars(pattern: str, needs: list[str]):
    assert sorted("".join(sorted(s)) for s in required_chars(pattern)) == sorted(needs)


@pytest.mark.parametrize(
    "pattern",
    [
        "(?i)abc",  # case-insensitive: a literal stands for several characters
        "(?i:年)份",
        "(?:年份){e<=1}",  # fuzzy matching (regex only)
        "[[:digit:]]年",  # a POSIX class (regex only)
        "(?V1)[[a-z]--[aeiou]]年",  # set operations of VERSION1
        "(?|(a)|(b))年",  # branch reset (regex only): not read
        "\\L<words>年",  # a named list (regex only): not read
    ],
)
def test_prefilter_unread_syntax_requires_nothing(pattern: str):
    assert required_chars(pattern) == ()


def _patterns():
    rules = load_rules()
    matcher = QuantityMatcher(rules)
    found = [(rule.id, pattern) for rule, pattern in matcher.exclusions]
    for rule in rules.all():
        if rule.section not in ("exclusion", "entity") and isinstance(rule.get("pattern"), str):
            found.append((rule.id, RulePattern(rule)))
    texts = sorted({e["text"] for r in rules.all() for e in r.get("examples", []) if "text" in e}
                   | {c for r in rules.all() for c in r.get("counterexamples", [])})
    return found, texts


def test_prefilter_rule_patterns_find_the_same_matches():
    """Every rule pattern on every example and counterexample text of the rules: where it matches,
    the text holds what it needs, and RulePattern finds what the bare pattern finds."""
    patterns, texts = _patterns()
    assert len(patterns) > 100 and len(texts) > 500
    skipped = 0
    for rule_id, pattern in patterns:
        for text in texts:
            bare = [m.span() for m in pattern.compiled.finditer(text)]
            if bare:
                assert holds(pattern.needs, text), (rule_id, text)
            else:
                skipped += not holds(pattern.needs, text)
            assert [m.span() for m in pattern.finditer(text)] == bare, (rule_id, text)
    assert skipped > len(texts)  # the test is not empty: texts are skipped


@pytest.mark.parametrize(
    "text",
    ["## 标题\n正文**加粗**与*斜体*，见[链接](http://a.cn)。", "<p>段落<br/>下一行</p>", "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |",
     "> 引文\n- 项目\n~~删除~~ `代码` \\*", "纯文字一行，没有标记。", "<https://x.org> ![图](a.png) [^1]: 注"],
)
def test_prefilter_markup_patterns_substitute_as_re(text: str):
    import re

    from pipeline.text import markup

    patterns = [v for k, v in vars(markup).items() if k.startswith("_") and isinstance(v, re.Pattern)]
    assert len(patterns) > 20
    for pattern in patterns:
        assert markup._sub(pattern, "#", text) == pattern.sub("#", text), pattern.pattern
