"""The learned entity choice: candidates and features, the fit, the model file, `zhclaims train` and `cv`.

All texts are invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.claim import Claim
from pipeline.evaluation.score import GoldDoc
from pipeline.extraction.candidates import CANDIDATE_BRANCHES, Candidate, EntityModel, load_model
from pipeline.extraction.extract import CANDIDATES_KEY
from pipeline.tools.cli import app
from pipeline.tools.train import LabelledArticle, fit, labels

runner = CliRunner()

#: Invented articles of one construction (a route and its trips): what is counted is the counter
#: 班次, not the vehicle the cascade reads before it.
#: the vehicle each sentence of TRIPS counts the trips of
VEHICLES = ["大巴", "公交车", "渡轮", "专线巴士", "快线列车"]
TRIPS = [
    "东站开往机场的大巴每天共有40班次。",
    "这条线路的公交车每天有52班次。",
    "码头出发的渡轮每周有18班次。",
    "新开通的专线巴士每日有30班次。",
    "城北始发的快线列车每天有16班次。",
]


def _gold_dir(folder: Path, texts: list[str], entity: str | list[str]) -> Path:
    """A gold directory of one-sentence articles, each with one count in 班次 labelled with `entity`
    (one for all, or one per article)."""
    folder.mkdir(parents=True, exist_ok=True)
    entities = entity if isinstance(entity, list) else [entity] * len(texts)
    for k, (text, entity) in enumerate(zip(texts, entities)):
        number = "".join(ch for ch in text if ch.isdigit())
        quantity = number + "班次"
        start = text.index(quantity)
        claim = {
            "quantity": quantity, "context": text, "start": start, "end": start + len(quantity), "value": int(number),
            "high": None, "unit": "班次", "kind": "count", "qualifier": None, "entity": entity, "role": None,
            "where": None, "time": None,
        }
        (folder / f"t{k}.clean.txt").write_text(text + "\n", encoding="utf-8")
        (folder / f"t{k}.claims.jsonl").write_text(json.dumps(claim, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def _article(groups: list[list[tuple[str | None, list[str]]]], gold: list[str]) -> LabelledArticle:
    """An LabelledArticle of claims whose candidates carry the given features; gold entities in order."""
    claims = [Claim(quantity=f"{k}个", context="x", start=k, end=k + 1, value=k, high=None, unit="个", kind="count", entity=None) for k in range(len(groups))]
    golds = [Claim(quantity=f"{k}个", context="x", start=k, end=k + 1, value=k, high=None, unit="个", kind="count", entity=g) for k, g in enumerate(gold)]
    candidates = [[(text, ["b"], n == 0, features) for n, (text, features) in enumerate(group)] for group in groups]
    return LabelledArticle("a", "set", GoldDoc("a", "", golds), claims, candidates, list(range(len(groups))))


@pytest.mark.parametrize(
    "favoured,other",
    [("near", "far"), ("far", "near")],
)
def test_train_fit_learns_the_feature_that_marks_the_right_candidate(favoured, other):
    # the right candidate carries `favoured` whether the cascade (listed first) chose it or not
    groups, gold = [], []
    for k in range(12):
        right, wrong = f"甲{k}", f"乙{k}"
        pair = [(right, [favoured, "cascade"]), (wrong, [other])] if k % 2 else [(wrong, [other, "cascade"]), (right, [favoured])]
        groups.append(pair)
        gold.append(right)
    model = fit([_article(groups, gold)])
    assert model.weights[favoured] > model.weights[other]
    unseen = [Candidate("丙", ["b"], True, [other, "cascade"]), Candidate("丁", ["b"], False, [favoured])]
    assert model.choose(unseen).text == "丁"


@pytest.mark.parametrize(
    "texts,gold,expected",
    [
        (["工业增加值", "增加值", None], "工业增加值", [1, 0, 0]),  # the exact one, not one that only contains it
        (["增加值", "全市工业", None], "工业增加值", [1, 0, 0]),  # else the lenient ones
        (["总产量", None], "粮食产量", [0, 0]),  # none
    ],
)
def test_train_labels_prefer_exact_then_lenient(texts, gold, expected):
    assert labels([(t, [], False, []) for t in texts], gold) == expected


@pytest.mark.parametrize(
    "weights,text,expected",
    [
        ({"null": 50.0}, "东站开往机场的大巴每天共有40班次。", None),  # the model's choice wins over the cascade's
        ({}, "东站开往机场的大巴每天共有40班次。", "cascade"),  # no weight: the cascade's choice (first) on a tie
    ],
)
def test_train_model_file_loads_and_chooses(tmp_path: Path, weights, text, expected):
    path = tmp_path / "entity_model.json"
    path.write_text(EntityModel(weights, {"claims": 0}).to_json(), encoding="utf-8")
    model = load_model(path)
    assert model.weights == weights
    from pipeline.rules import load_rules
    from pipeline.run import extract_text, load_nlp

    rules = load_rules([tmp_path])
    if expected == "cascade":
        expected = extract_text(text, "t", load_nlp(rules))[0].entity  # the model off: the rule cascade
        assert expected
    rules.entity_model = "auto"
    claims = extract_text(text, "t", load_nlp(rules))
    assert [c.entity for c in claims] == [expected]
    if expected is None:
        assert claims[0].rule.endswith("entity.learned+entity.null")


@pytest.mark.parametrize("content", ['{"format": "other"}', '{"format": "zhclaims.entity_model", "features_version": 0, "weights": {}}'])
def test_train_model_file_of_another_kind_is_refused(tmp_path: Path, content):
    path = tmp_path / "entity_model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="entity_model.json"):
        load_model(path)


@pytest.mark.parametrize("text", ["全市新建农家书屋42个,比上年增加7个。", "甲县粮食产量12万吨,增长3.5%。"])
def test_train_candidates_cover_every_claim_with_known_branches(nlp, text):
    pipe = nlp.get_pipe("claims")
    pipe.collect_candidates = True
    try:
        doc = nlp(text)
    finally:
        pipe.collect_candidates = False
    found = doc.user_data[CANDIDATES_KEY]
    assert len(found) == len(doc._.claims) > 0
    from pipeline.extraction.extract import ENTITY_BRANCHES

    known = {*ENTITY_BRANCHES, *CANDIDATE_BRANCHES, "entity.heading", "entity.none"}
    for claim, candidates in zip(doc._.claims, found):
        assert sum(cascade for _, _, cascade, _ in candidates) == 1
        assert any(text is None for text, *_ in candidates)  # the null candidate
        assert claim.entity in [t for t, *_ in candidates]
        assert {b.rstrip("012") for _, branches, _, _ in candidates for b in branches} <= {b.rstrip("012") for b in known}


def test_train_cli_writes_a_model_that_extract_uses(tmp_path: Path):
    gold = _gold_dir(tmp_path / "gold", TRIPS, VEHICLES)
    models = tmp_path / "rules"
    result = runner.invoke(app, ["train", "--gold", str(gold), "-o", str(models / "entity_model.json")])
    assert result.exit_code == 0, result.output
    first = (models / "entity_model.json").read_bytes()
    runner.invoke(app, ["train", "--gold", str(gold), "-o", str(models / "entity_model.json")])
    assert (models / "entity_model.json").read_bytes() == first  # deterministic
    article = tmp_path / "new.txt"
    article.write_text("港口开往离岛的快船每天有24班次。\n", encoding="utf-8")
    rows = {}
    for flags in (["--model"], []):
        out = runner.invoke(app, ["extract", str(article), "--rules", str(models), *flags])
        assert out.exit_code == 0, out.output
        rows[not flags] = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert [r["entity"] for r in rows[False]] == ["快船"]
    assert "entity.learned" in rows[False][0]["rule"]
    assert [r["entity"] for r in rows[True]] == ["班次"]


def test_train_cv_scores_each_article_by_a_model_not_trained_on_it(tmp_path: Path):
    gold = _gold_dir(tmp_path / "trips", TRIPS, VEHICLES)
    result = runner.invoke(app, ["cv", "--gold", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(data) == [f"trips/t{k}" for k in range(len(TRIPS))]
    # the cascade reads the counter (a noun counter counts itself); a model trained on the four
    # other articles reads the vehicle
    assert all(row["cascade"]["entity_lenient"] == 0 and row["learned"]["entity_lenient"] == 1 for row in data.values())


@pytest.mark.parametrize(
    "weights,shown",
    [
        ({"b=entity.cand_unit": 50.0}, "entity.learned (pipeline/extraction/candidates.py)"),
        ({}, "entity.np_before (pipeline/extraction/extract.py)"),
    ],
)
def test_train_explain_names_the_learned_choice(tmp_path: Path, weights, shown):
    (tmp_path / "entity_model.json").write_text(EntityModel(weights).to_json(), encoding="utf-8")
    result = runner.invoke(app, ["explain", "--model", "--rules", str(tmp_path), "每天由南站开往码头的专线车共有22班次。"])
    assert result.exit_code == 0, result.output
    line = next(row for row in result.stdout.splitlines() if row.strip().startswith("entity "))
    assert shown in line


@pytest.mark.parametrize(
    "meta,expected",
    [
        ({"branches": ["entity.np_before"]}, "甲"),  # a branch the fit never saw weighs as the rare ones
        ({}, None),  # a model without its branch list reads every feature as it is
    ],
)
def test_train_model_reads_a_branch_it_was_not_fitted_on_as_rare(meta, expected):
    model = EntityModel({"cascade&entity.rare": 5.0, "null": 1.0}, meta)
    candidates = [Candidate("甲", ["entity.brand_new"], True, ["cascade&entity.brand_new"]), Candidate(None, ["entity.null"], False, ["null"])]
    assert model.choose(candidates).text == expected


def test_train_fit_pools_the_branches_of_few_articles():
    # four articles where the cascade's branch `entity.common` is right, one where `entity.once` is
    def one(branch: str, k: int) -> LabelledArticle:
        groups = [[(f"甲{k}{n}", [f"cascade&{branch}", f"b={branch}"]), (None, ["null", "b=entity.null"])] for n in range(2)]
        return _article(groups, [f"甲{k}0", f"甲{k}1"])

    model = fit([one("entity.common", k) for k in range(4)] + [one("entity.once", 4)])
    assert "entity.common" in model.meta["branches"] and "entity.once" not in model.meta["branches"]
    assert model.weights["cascade&entity.rare"] > 0 and "cascade&entity.once" not in model.weights
