"""Every cleaning rule's own examples, from the loaded rule files, one test per rule id."""

from __future__ import annotations

import pytest

from pipeline.text.clean import is_link_list, is_stray_number, match_line, remove_inline_junk, strip_boilerplate
from pipeline.text.convert import to_simplified
from pipeline.rules import load_rules

RULES = load_rules()
BOILERPLATE = RULES.section("boilerplate")
INLINE = RULES.section("inline_junk")
T2S = RULES.section("t2s_fix")
T2S_OTHER = RULES.section("t2s_keep") + RULES.section("t2s_particle")

# Running text around an example line, so that position rules see it inside an article.
BODY_A = "今年以来,青禾县新建村级活动场所12个,培训基层干部3000余人次,基层组织建设取得明显成效。"
BODY_B = "下一步,该县将继续完善网格化服务机制,推动各项惠民政策落地见效,让群众得到更多实惠。"


@pytest.mark.parametrize("rule", BOILERPLATE, ids=lambda r: r.id)
def test_boilerplate_rules_drop_their_examples(rule):
    assert rule.get("drop"), f"{rule.where}: rule '{rule.id}' has no drop examples"
    position = {"tail": "bottom"}.get(rule.get("position", "any"), rule.get("position", "any"))
    for line in rule.get("drop"):
        assert match_line(line, RULES, position=position) is not None, f"{rule.where}: {line!r} not dropped"


@pytest.mark.parametrize("rule", BOILERPLATE, ids=lambda r: r.id)
def test_boilerplate_rules_keep_their_counterexamples(rule):
    for line in rule.get("keep", []):
        for position in ("any", "top", "bottom"):
            assert match_line(line, RULES, position=position) is None, f"{rule.where}: {line!r} dropped at {position}"
        assert not is_stray_number(line) and not is_link_list(line)


@pytest.mark.parametrize("rule", BOILERPLATE, ids=lambda r: r.id)
def test_boilerplate_rules_drop_inside_an_article(rule):
    position = rule.get("position", "any")
    for line in rule.get("drop"):
        if position == "top":
            text = f"{line}\n{BODY_A}\n{BODY_B}\n"
        elif position in ("bottom", "tail"):
            text = f"{BODY_A}\n{BODY_B}\n{line}\n"
        else:
            text = f"{BODY_A}\n{line}\n{BODY_B}\n"
        assert strip_boilerplate(text, RULES) == f"{BODY_A}\n{BODY_B}\n", f"{rule.where}: {line!r}"


@pytest.mark.parametrize("rule", INLINE, ids=lambda r: r.id)
def test_boilerplate_inline_junk_examples(rule):
    assert rule.get("examples"), f"{rule.where}: rule '{rule.id}' has no examples"
    for example in rule.get("examples"):
        assert remove_inline_junk(example["text"], RULES) == example["clean"], rule.where


@pytest.mark.parametrize("rule", T2S, ids=lambda r: r.id)
def test_boilerplate_t2s_fix_examples(rule):
    assert rule.get("examples"), f"{rule.where}: rule '{rule.id}' has no examples"
    for example in rule.get("examples"):
        assert rule.get("wrong") != rule.get("right")
        assert to_simplified(example["text"], RULES) == example["clean"], rule.where


@pytest.mark.parametrize("rule", T2S_OTHER, ids=lambda r: r.id)
def test_boilerplate_t2s_keep_and_particle_examples(rule):
    assert rule.get("examples"), f"{rule.where}: rule '{rule.id}' has no examples"
    for example in rule.get("examples"):
        assert to_simplified(example["text"], RULES) == example["clean"], rule.where
