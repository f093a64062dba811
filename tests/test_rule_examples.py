"""Every extraction rule's examples and counter-examples, as one test per rule (Duckling-style)."""

from __future__ import annotations

import pytest

from pipeline.tools.rulecheck import COMPARABLE_SECTIONS, EXTRACTION_SECTIONS, run_comparable_examples, run_rule_examples
from pipeline.rules import load_rules

_RULES = [r for r in load_rules().all() if r.section in EXTRACTION_SECTIONS]


@pytest.mark.parametrize("rule", _RULES, ids=[f"{r.section}:{r.id}" for r in _RULES])
def test_rule_examples_pass(rule, nlp, rules):
    count, _xfailed, failures = run_rule_examples(rule, nlp, rules)
    assert not failures, "\n".join(str(f) for f in failures)


_COMPARABLE = [r for r in load_rules().all() if r.section in COMPARABLE_SECTIONS]


@pytest.mark.parametrize("rule", _COMPARABLE, ids=[f"{r.section}:{r.id}" for r in _COMPARABLE])
def test_rule_examples_comparable_pass(rule, nlp, rules):
    # periods.toml: every period, dateline, region and currency example, each with the article's date or region
    count, failures = run_comparable_examples(rule, nlp, rules)
    assert count and not failures, "\n".join(str(f) for f in failures)


def test_rule_examples_cover_every_unit_rule():
    # a unit rule without an example cannot be checked: every one must carry at least one
    missing = [r.id for r in _RULES if r.section == "unit" and not r.get("examples")]
    assert missing == []


def test_rule_examples_every_exclusion_has_counterexamples():
    missing = [r.id for r in _RULES if r.section == "exclusion" and not r.get("counterexamples")]
    assert missing == []


def test_empty_string_in_an_example_expects_null(rules, nlp):
    from pipeline.tools.rulecheck import check_example

    rule = next(r for r in rules.section("entity_cue") if r.id == "entity.comparison_marker")
    text = "全县粮食产量比2019年同期增长6.1%"
    claims = nlp(text)._.claims
    assert check_example(rule, {"text": text, "quantity": "6.1%", "time": ""}, claims, text) is None
    problem = check_example(rule, {"text": text, "quantity": "6.1%", "time": "2019年同期"}, claims, text)
    assert problem == "time: expected '2019年同期', got None"


def test_empty_high_in_an_example_expects_no_range(rules, nlp):
    from pipeline.tools.rulecheck import check_example

    rule = next(r for r in rules.section("range"))
    text = "每300户—500户划分一个网格,全村共120户"
    claims = nlp(text)._.claims
    assert check_example(rule, {"text": text, "quantity": "120户", "high": ""}, claims, text) is None
    problem = check_example(rule, {"text": text, "quantity": "300户—500户", "high": ""}, claims, text)
    assert problem == "high: expected '', got Decimal('500')"
