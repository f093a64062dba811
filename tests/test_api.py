"""The public API (`zhclaims.extract`, `extract_file`, `load`) and the spaCy pipeline as a library
user meets it: conversion, caching, serialisation, saved rules, refusal of character tokens."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.tokens import Doc, DocBin

import pipeline as zhclaims
from pipeline.run import process_text

#: Invented sentences in traditional characters (an approximate count, a change, money).
TRADITIONAL = [
    "去年全鎮接待遊客約15萬人次。",
    "全市糧食產量由上年的320萬噸增加到約350萬噸。",
    "該區財政收入達12.5億元，比上年增長約8%。",
]

#: A rules directory of a user's own: a counter word the built-in rules do not know.
USER_RULE = """[[unit]]
id = "count.lun"
surface = ["轮"]
unit = "轮"
kind = "count"
examples = [{ text = "开展督查3轮", quantity = "3轮", value = 3 }]
"""


def rows(claims) -> list[dict]:
    return [{k: v for k, v in json.loads(c.to_json()).items() if k != "doc"} for c in claims]


def extraction_rows(claims) -> list[dict]:
    """The rows without where they stand in the input (a spaCy Doc has no input file)."""
    from pipeline.claim import SOURCE_FIELDS

    return [{k: v for k, v in row.items() if k not in SOURCE_FIELDS} for row in rows(claims)]


@pytest.mark.parametrize("text", TRADITIONAL)
def test_api_traditional_text_gives_the_batch_claims(rules, text):
    nlp = zhclaims.load()
    batch = extraction_rows(process_text(text, rules, nlp).claims)
    assert batch  # every sentence has claims
    claims = zhclaims.extract(text)
    assert extraction_rows(claims) == batch
    assert all(c.quantity_orig in text and c.sentence_orig in text for c in claims)  # in the input's own script
    assert extraction_rows(nlp(text)._.claims) == batch  # the tokenizer converts as the cleaning stage does
    assert any(row["qualifier"] == "approx" for row in batch)


def test_api_pipeline_is_built_once_per_rule_set(tmp_path):
    (tmp_path / "mine.toml").write_text(USER_RULE, encoding="utf-8")
    assert zhclaims.load() is zhclaims.load()
    mine = zhclaims.load(tmp_path)
    assert mine is zhclaims.load([str(tmp_path)]) and mine is not zhclaims.load()
    assert [c.quantity for c in zhclaims.extract("开展督查3轮", rules=tmp_path)] == ["3轮"]
    assert zhclaims.extract("开展督查3轮") == []


@pytest.mark.parametrize("fmt,text", [("txt", "全镇新建农家书屋42个。\n"), ("md", "# 标题\n\n全镇新建农家书屋**42个**。\n"),
                                      ("html", "<p>全镇新建农家书屋42个。</p>")])
def test_api_extract_reads_every_format(tmp_path, fmt, text):
    path = tmp_path / f"article.{fmt}"
    path.write_text(text, encoding="utf-8")
    from_file = zhclaims.extract_file(path)
    assert [(c.doc, c.quantity, c.entity) for c in from_file] == [("article", "42个", "农家书屋")]
    assert rows(zhclaims.extract(text, fmt=fmt)) == rows(from_file)


@pytest.mark.parametrize("text", TRADITIONAL)
def test_api_processed_doc_serialises(text):
    nlp = zhclaims.load()
    doc = nlp(text)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert rows(again._.claims) == rows(doc._.claims)
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    (back,) = DocBin().from_bytes(data).get_docs(nlp.vocab)
    assert rows(back._.claims) == rows(doc._.claims)
    assert [(s.text, s.label_) for s in back.spans["zhclaims_quantities"]] == [(c.quantity, c.kind) for c in doc._.claims]


def test_api_saved_pipeline_keeps_user_rules_and_places(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "mine.toml").write_text(USER_RULE, encoding="utf-8")
    text = "全州开展督查3轮，新建驿站12个。"
    nlp = zhclaims.load(tmp_path / "mine")
    nlp.to_disk(tmp_path / "saved")
    loaded = spacy.load(tmp_path / "saved")
    assert rows(loaded(text)._.claims) == rows(nlp(text)._.claims)
    assert [(c.quantity, c.where) for c in loaded(text)._.claims] == [("3轮", "全州"), ("12个", "全州")]
    # the saved rules are a copy: the user's directory may go away
    (tmp_path / "mine" / "mine.toml").unlink()
    assert [c.quantity for c in spacy.load(tmp_path / "saved")(text)._.claims] == ["3轮", "12个"]


def test_api_claims_component_refuses_character_tokens():
    import pipeline.extraction.extract  # noqa: F401  (registers the factory; an installed zhclaims does it by entry point)

    with pytest.raises(ValueError, match="needs the zhclaims tokenizer"):
        spacy.blank("zh").add_pipe("zhclaims_claims")
