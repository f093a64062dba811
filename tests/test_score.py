"""Tests of pipeline.evaluation.score: gold loading, clean-text scores, claim matching, report, baseline, diff."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pipeline.claim import GOLD_FIELDS, Claim
from pipeline.evaluation.score import (
    MODES,
    DocInput,
    GoldDoc,
    GoldError,
    build_report,
    check_baseline,
    claim_errors,
    diff_claims,
    format_report,
    load_gold,
    match_claims,
    overall_figures,
    report_to_dict,
    score_claims,
    score_clean,
)

REPO_GOLD = Path(__file__).resolve().parent.parent / "gold"

TEXT = "仁和社区共73个安置点,配备干部129人。\n全州约300余户群众,比例达到91.4%。\n"


def claim(quantity: str, value: str, unit: str, text: str = TEXT, occurrence: int = 0, **fields: Any) -> Claim:
    """A claim whose span is the `occurrence`-th place of `quantity` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quantity, start + 1)
    defaults: dict[str, Any] = {"kind": "count", "entity": None, "high": None}
    defaults.update(fields)
    high = defaults.pop("high")
    return Claim(
        quantity=quantity,
        context=quantity,
        start=start,
        end=start + len(quantity),
        value=Decimal(value),
        high=None if high is None else Decimal(high),
        unit=unit,
        **defaults,
    )


def gold_claims(text: str = TEXT) -> list[Claim]:
    return [
        claim("73个", "73", "个", text, entity="安置点", where="仁和社区"),
        claim("129人", "129", "人", text, entity="干部"),
        claim("300余户", "300", "户", text, entity="群众", qualifier="gt", where="全州"),
        claim("91.4%", "91.4", "%", text, kind="percent", entity="比例", where="全州"),
    ]


def gold_doc(doc: str = "d1", text: str = TEXT) -> GoldDoc:
    return GoldDoc(doc=doc, clean_text=text, claims=gold_claims(text))


def figures_of(predicted: list[Claim], predicted_text: str = TEXT) -> dict[str, Any]:
    gold = gold_doc()
    report = build_report([DocInput("d1", gold, predicted_text, predicted, predicted)])
    return report_to_dict(report)


# --------------------------------------------------------------------------- whole report


@pytest.mark.parametrize("doc", sorted(p.name[: -len(".claims.jsonl")] for p in REPO_GOLD.glob("*.claims.jsonl")))
def test_score_perfect_prediction_scores_one(doc: str) -> None:
    gold = load_gold(REPO_GOLD)[doc]
    copy = [dataclasses.replace(c) for c in gold.claims]
    report = report_to_dict(build_report([DocInput(doc, gold, gold.clean_text, copy, list(copy))]))
    figures = overall_figures(report)
    assert figures.pop("clean.cer") == 0.0
    assert figures and set(figures.values()) == {1.0}


def test_score_perfect_synthetic_prediction_scores_one() -> None:
    figures = overall_figures(figures_of(gold_claims()))
    assert figures.pop("clean.cer") == 0.0
    assert set(figures.values()) == {1.0}


@pytest.mark.parametrize("missing", [0, 1, 2, 3])
def test_score_missing_claim_lowers_recall_only(missing: int) -> None:
    predicted = [c for i, c in enumerate(gold_claims()) if i != missing]
    report = figures_of(predicted)
    for mode in MODES:
        assert report[mode]["quantity"]["precision"] == 1.0
        assert report[mode]["quantity"]["recall"] == 0.75
        assert report[mode]["claim"]["precision"] == 1.0
        assert report[mode]["claim"]["recall"] == 0.75
        assert set(report[mode]["fields"].values()) == {1.0}


def test_score_by_kind_counts_spurious_prediction_under_its_own_kind() -> None:
    extra = claim("129人", "129", "%", kind="percent")
    overall, by_kind = score_claims([*gold_claims(), extra], gold_claims(), TEXT, TEXT)
    assert (by_kind["count"].tp, by_kind["count"].predicted, by_kind["count"].gold) == (3, 3, 3)
    assert (by_kind["percent"].tp, by_kind["percent"].predicted, by_kind["percent"].gold) == (1, 2, 1)
    assert (overall.tp, overall.predicted, overall.gold) == (4, 5, 4)


@pytest.mark.parametrize(
    ("change", "quantity_f1", "claim_f1", "field", "accuracy"),
    [
        ({"qualifier": None}, 1.0, 0.75, "qualifier", 0.75),
        ({"entity": "安置点群众"}, 1.0, 1.0, "entity_exact", 0.75),
        ({"entity": "户"}, 1.0, 0.75, "entity_lenient", 0.75),
        ({"where": None}, 1.0, 1.0, "where", 0.75),
        ({"kind": "other"}, 1.0, 1.0, "kind", 0.75),
        ({"role": "delta"}, 1.0, 1.0, "role", 0.75),
        ({"time": "今年"}, 1.0, 1.0, "time", 0.75),
        ({"value": Decimal(301)}, 0.75, 0.75, "qualifier", 1.0),
    ],
)
def test_score_field_errors_table(
    change: dict[str, Any], quantity_f1: float, claim_f1: float, field: str, accuracy: float
) -> None:
    predicted = gold_claims()
    predicted[2] = dataclasses.replace(predicted[2], **change)
    report = figures_of(predicted)["gold_text"]
    assert report["quantity"]["f1"] == quantity_f1
    assert report["claim"]["f1"] == claim_f1
    assert report["fields"][field] == accuracy


def test_score_report_to_dict_keys_and_rounding() -> None:
    predicted = gold_claims()[:2] + [claim("300余户", "300", "户", entity="x", qualifier="gt")]
    report = figures_of(predicted)
    assert list(report) == ["docs", "clean", *MODES]
    assert list(report["clean"]) == ["line", "cer", "distance", "gold_chars", "by_doc"]
    assert list(report["gold_text"]) == ["quantity", "claim", "fields", "matched", "by_doc", "by_kind"]
    assert list(report["gold_text"]["fields"]) == [
        "kind", "qualifier", "role", "where", "time", "entity_exact", "entity_lenient",
    ]  # fmt: skip
    assert report["gold_text"]["quantity"]["recall"] == 0.75
    assert report["gold_text"]["claim"]["f1"] == 0.5714  # 2 * (2/3 * 1/2) / (2/3 + 1/2), rounded
    assert json.loads(json.dumps(report)) == report


def test_score_accuracy_without_matches_is_none() -> None:
    report = figures_of([])
    assert report["gold_text"]["quantity"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "predicted": 0, "gold": 4,
    }  # fmt: skip
    assert set(report["gold_text"]["fields"].values()) == {None}


def test_score_format_report_names_articles_and_modes() -> None:
    gold = gold_doc("000_abc")
    table = format_report(build_report([DocInput("000_abc", gold, TEXT, gold_claims(), [])]))
    for word in ("000_abc", "overall", "gold_text", "end_to_end", "percent", "CER"):
        assert word in table


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("predicted", "matched"),
    [
        (claim("73个", "73", "个"), True),
        (claim("73个", "73.0", "个"), True),  # Decimal compares by value
        (claim("73个", "74", "个"), False),  # wrong value: no match
        (claim("73个", "73", "人"), False),  # wrong unit
        (claim("73个", "73", "个", high="80"), False),  # a range is not the single number
        (claim("73", "73", "个"), True),  # a shorter span that overlaps
        (claim("共73个安置点", "73", "个"), True),  # a longer span that overlaps
        (claim("仁和", "73", "个"), False),  # spans do not overlap
    ],
)
def test_score_match_claims_table(predicted: Claim, matched: bool) -> None:
    gold = [claim("73个", "73", "个")]
    assert match_claims([predicted], gold, TEXT, TEXT) == ([(0, 0)] if matched else [])


def test_score_match_claims_each_gold_once() -> None:
    gold = [claim("73个", "73", "个")]
    twice = [claim("73个", "73", "个"), claim("73", "73", "个")]
    assert match_claims(twice, gold, TEXT, TEXT) == [(0, 0)]
    report = figures_of([*gold_claims(), claim("73", "73", "个")])["gold_text"]["quantity"]
    assert (report["precision"], report["recall"]) == (0.8, 1.0)


def test_score_match_claims_is_maximum() -> None:
    text = "100个100个\n"
    gold = [
        dataclasses.replace(claim("100个", "100", "个", text), start=0, end=4),
        dataclasses.replace(claim("100个", "100", "个", text), start=4, end=8),
    ]
    # The first prediction overlaps both gold claims (more of the first); the second only the first.
    wide = dataclasses.replace(gold[0], start=1, end=6)
    narrow = dataclasses.replace(gold[0], start=0, end=2)
    assert match_claims([wide, narrow], gold, text, text) == [(0, 1), (1, 0)]


@pytest.mark.parametrize(
    "predicted_text",
    [
        TEXT,
        "首页 > 新闻中心 > 正文\n" + TEXT,  # an extra boilerplate line at the top
        TEXT.replace("配备", "配傋"),  # a changed character
        TEXT.replace("安置点", "安置點").replace("群众", "群眾"),  # left in traditional characters
        TEXT.replace("。\n全州", "。全州"),  # two paragraphs joined
        "本网讯\n" + TEXT.replace("干部", "幹部") + "责编:王某\n",  # all of it together
    ],
)
def test_score_match_claims_across_clean_texts(predicted_text: str) -> None:
    predicted = gold_claims(predicted_text.replace("點", "点").replace("眾", "众").replace("幹", "干"))
    assert match_claims(predicted, gold_claims(), predicted_text, TEXT) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    report = figures_of(predicted, predicted_text)
    assert report["end_to_end"]["quantity"]["f1"] == 1.0


def test_score_match_claims_falls_back_to_order_of_appearance() -> None:
    # Nothing of the predicted numbers aligns with the gold text (written in characters), so the
    # k-th prediction of a value and unit is paired with the k-th gold claim of that value and unit.
    gold_text = "七十三;又七十三;五\n"
    predicted_text = "73,73,5\n"
    gold = [
        claim("七十三", "73", "", gold_text),
        claim("七十三", "73", "", gold_text, occurrence=1),
        claim("五", "5", "", gold_text),
    ]
    predicted = [
        claim("5", "5", "", predicted_text),
        claim("73", "73", "", predicted_text, occurrence=1),
        claim("73", "73", "", predicted_text),
    ]
    assert match_claims(predicted, gold, predicted_text, gold_text) == [(0, 2), (1, 1), (2, 0)]


@pytest.mark.parametrize(
    ("predicted", "gold", "exact", "lenient"),
    [
        ("安置点", "安置点", True, True),
        ("73个安置点", "安置点", False, True),  # contains the gold entity: lenient only
        ("置点", "安置点", False, True),  # contained in it
        ("党组织", "安置点", False, False),
        (None, None, True, True),
        (None, "安置点", False, False),
        ("", "安置点", False, False),  # an empty string contains nothing
    ],
)
def test_score_entity_exact_and_lenient(predicted: str | None, gold: str | None, exact: bool, lenient: bool) -> None:
    gold_claim = claim("73个", "73", "个", entity=gold)
    overall, _ = score_claims([dataclasses.replace(gold_claim, entity=predicted)], [gold_claim], TEXT, TEXT)
    assert overall.accuracy("entity_exact") == float(exact)
    assert overall.accuracy("entity_lenient") == float(lenient)
    assert overall.claim_tp == int(lenient)


# --------------------------------------------------------------------------- clean text


@pytest.mark.parametrize(
    ("predicted", "gold", "precision", "recall", "cer"),
    [
        ("甲\n乙\n丙\n", "甲\n乙\n丙\n", 1.0, 1.0, 0.0),
        ("甲\n乙\n丁\n", "甲\n乙\n丙\n", 2 / 3, 2 / 3, 1 / 6),  # one character changed: 1/len
        ("首页\n甲\n乙\n丙\n", "甲\n乙\n丙\n", 0.75, 1.0, 3 / 6),  # boilerplate kept
        ("甲\n丙\n", "甲\n乙\n丙\n", 1.0, 2 / 3, 2 / 6),  # a line dropped
        ("甲\n甲\n", "甲\n乙\n", 0.5, 0.5, 1 / 4),  # lines are a multiset
        ("甲\n\n乙\n", "甲\n乙\n", 1.0, 1.0, 1 / 4),  # a blank line is no line, but a character
        ("", "甲\n", 0.0, 0.0, 1.0),
    ],
)
def test_score_clean_table(predicted: str, gold: str, precision: float, recall: float, cer: float) -> None:
    score = score_clean(predicted, gold)
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(recall)
    assert score.cer == pytest.approx(cer)


@pytest.mark.parametrize("doc", sorted(p.name[: -len(".clean.txt")] for p in REPO_GOLD.glob("*.clean.txt")))
def test_score_clean_cer_of_one_char_change_is_one_over_length(doc: str) -> None:
    text = (REPO_GOLD / f"{doc}.clean.txt").read_text(encoding="utf-8")
    assert score_clean(text, text).cer == 0.0
    middle = len(text) // 2
    changed = text[:middle] + ("乙" if text[middle] != "乙" else "甲") + text[middle + 1 :]
    assert score_clean(changed, text).cer == pytest.approx(1 / len(text))


# --------------------------------------------------------------------------- gold loading


def test_score_repo_gold_validates() -> None:
    gold = load_gold(REPO_GOLD)
    claims_files = sorted(REPO_GOLD.glob("*.claims.jsonl"))
    assert claims_files and sorted(gold) == [p.name[: -len(".claims.jsonl")] for p in claims_files]
    for path in claims_files:
        doc = gold[path.name[: -len(".claims.jsonl")]]
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
        assert len(doc.claims) == len(lines)
        for c in doc.claims:
            assert doc.clean_text[c.start : c.end] == c.quantity
            assert isinstance(c.value, Decimal)


GOOD_LINE = {
    "quantity": "73个", "context": "全州共73个安置点", "start": 3, "end": 6, "value": 73, "high": None,
    "unit": "个", "kind": "count", "qualifier": None, "entity": "安置点", "role": None, "where": "全州",
    "time": None,
}  # fmt: skip
GOOD_TEXT = "全州共73个安置点规范。\n"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "not a JSON object"),
        ("", "blank line"),
        (json.dumps({k: v for k, v in GOOD_LINE.items() if k != "unit"}), "missing field(s) unit"),
        (json.dumps({**GOOD_LINE, "qualifer": "gt"}), "unknown field(s) qualifer"),
        (json.dumps({**GOOD_LINE, "start": 4}), "not quantity"),
        (json.dumps({**GOOD_LINE, "end": 99}), "outside the clean text"),
        (json.dumps({**GOOD_LINE, "start": "3"}), "start and end must be integers"),
        (json.dumps({**GOOD_LINE, "value": "73"}), "value must be a number"),
        (json.dumps({**GOOD_LINE, "high": 70}), "not above value"),
        (json.dumps({**GOOD_LINE, "kind": "money!"}), "kind must be one of"),
        (json.dumps({**GOOD_LINE, "qualifier": "about"}), "qualifier must be one of"),
        (json.dumps({**GOOD_LINE, "role": "up"}), "role must be one of"),
        (json.dumps({**GOOD_LINE, "entity": None}), "entity must be a non-empty string"),
        (json.dumps({**GOOD_LINE, "where": ""}), "where must be a non-empty string or null"),
        (json.dumps({**GOOD_LINE, "context": "全州共"}), "does not contain quantity"),
        (json.dumps({**GOOD_LINE, "context": "全州共73个安置所"}), "occurs 0 times"),
    ],
)
def test_score_gold_errors_name_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    good = json.dumps(GOOD_LINE, ensure_ascii=False)
    (tmp_path / "x.clean.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "x.claims.jsonl").write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(GoldError) as caught:
        load_gold(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'x.claims.jsonl'}:2: ")
    assert problem in message
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("全州共73个安置点规范。", 1, "does not end with a newline"),
        ("标题\n\n全州共73个安置点规范。\n", 2, "blank line"),
        ("标题 \n全州共73个安置点规范。\n", 1, "whitespace"),
    ],
)
def test_score_gold_clean_text_errors_name_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    (tmp_path / "x.clean.txt").write_text(text, encoding="utf-8")
    (tmp_path / "x.claims.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(GoldError, match=problem) as caught:
        load_gold(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'x.clean.txt'}:{line}: ")


def test_score_gold_errors_on_unpaired_files(tmp_path: Path) -> None:
    (tmp_path / "x.claims.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(GoldError, match="no clean text x.clean.txt"):
        load_gold(tmp_path)
    (tmp_path / "x.claims.jsonl").unlink()
    (tmp_path / "y.clean.txt").write_text(GOOD_TEXT, encoding="utf-8")
    with pytest.raises(GoldError, match="no claims file"):
        load_gold(tmp_path)


def test_score_gold_errors_on_reading_order(tmp_path: Path) -> None:
    text = "全州共73个安置点规范,另有12个党组织。\n"
    second = {**GOOD_LINE, "quantity": "12个", "context": "另有12个党组织", "start": 14, "end": 17, "value": 12}
    lines = [json.dumps(second, ensure_ascii=False), json.dumps(GOOD_LINE, ensure_ascii=False)]
    (tmp_path / "x.clean.txt").write_text(text, encoding="utf-8")
    (tmp_path / "x.claims.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="reading order") as caught:
        load_gold(tmp_path)
    assert caught.value.line == 2
    (tmp_path / "x.claims.jsonl").write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    assert [c.quantity for c in load_gold(tmp_path)["x"].claims] == ["73个", "12个"]


# --------------------------------------------------------------------------- baseline


def _report(quantity_f1: float, cer: float, doc_f1: float = 1.0) -> dict[str, Any]:
    return {
        "docs": 1,
        "clean": {"line": {"f1": 1.0, "tp": 3}, "cer": cer, "by_doc": {"a": {"cer": 0.9}}},
        "gold_text": {"quantity": {"f1": quantity_f1}, "by_doc": {"a": {"quantity": {"f1": doc_f1}}}},
    }


@pytest.mark.parametrize(
    ("current", "baseline", "messages"),
    [
        (_report(0.97, 0.02), _report(0.97, 0.02), []),  # equal figures pass
        (_report(0.98, 0.01), _report(0.97, 0.02), []),  # better figures pass
        (_report(0.97 - 1e-12, 0.02), _report(0.97, 0.02), []),  # within tolerance
        (_report(0.95, 0.02), _report(0.97, 0.02), ["gold_text.quantity.f1 0.95 < baseline 0.97"]),
        (_report(0.97, 0.03), _report(0.97, 0.02), ["clean.cer 0.03 > baseline 0.02"]),  # CER rising is a drop
        (_report(0.97, 0.02, doc_f1=0.1), _report(0.97, 0.02), []),  # per-article figures are not pinned
        ({"docs": 1}, {"end_to_end": {"claim": {"f1": 0.5}}}, ["end_to_end.claim.f1 missing (baseline 0.5)"]),
        ({"a": {"f1": None}}, {"a": {"f1": 0.5}}, ["a.f1 undefined (baseline 0.5)"]),
    ],
)
def test_score_check_baseline_table(current: dict[str, Any], baseline: dict[str, Any], messages: list[str]) -> None:
    assert check_baseline(current, baseline) == messages


def test_score_check_baseline_on_a_real_report() -> None:
    report = figures_of(gold_claims()[:3])
    assert check_baseline(report, report) == []
    perfect = figures_of(gold_claims())
    drops = check_baseline(report, perfect)
    assert "gold_text.quantity.recall 0.75 < baseline 1.0" in drops
    assert not any(".by_doc." in message or ".by_kind." in message for message in drops)


# --------------------------------------------------------------------------- diff


def test_score_diff_claims_gained_and_lost() -> None:
    previous = [dataclasses.replace(c, doc="a") for c in gold_claims()]
    current = [dataclasses.replace(c, doc="a") for c in gold_claims()[1:]]
    current.append(dataclasses.replace(claim("91.4%", "91.4", "%"), doc="b"))  # same span, other article
    current[0] = dataclasses.replace(current[0], entity="别的")  # a changed field is not gained or lost
    gained, lost = diff_claims(current, previous)
    assert [(c.doc, c.quantity) for c in gained] == [("b", "91.4%")]
    assert [(c.doc, c.quantity) for c in lost] == [("a", "73个")]
    assert diff_claims(previous, previous) == ([], [])


def test_score_claim_errors_lists_missed_spurious_and_wrong_fields() -> None:
    gold = gold_claims()
    predicted = [
        dataclasses.replace(gold[0], where=None),  # a wrong field
        gold[1],  # right: not listed
        dataclasses.replace(gold[3], entity="比例达到"),  # wrong entity (lenient is still right)
        claim("73", "73", "", kind="count"),  # another unit: spurious, and 300余户 is missed
    ]
    rows = claim_errors(predicted, gold, TEXT, TEXT)
    assert [(r["error"], r["quantity"], r["fields"]) for r in rows] == [
        ("wrong", "73个", ["where"]),
        ("spurious", "73", []),
        ("missed", "300余户", []),
        ("wrong", "91.4%", ["entity"]),
    ]
    assert rows[0]["where"] == {"gold": "仁和社区", "predicted": None}
    assert rows[2]["line"] == "全州约300余户群众,比例达到91.4%。"
    assert claim_errors(gold, gold, TEXT, TEXT) == []


def test_score_gold_fields_cover_the_guideline() -> None:
    # The validator checks every field of ANNOTATION.md: a line with one more or one less fails.
    assert set(GOOD_LINE) == set(GOLD_FIELDS)
