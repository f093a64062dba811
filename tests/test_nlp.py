"""Sentences: one definition of a sentence end, from the rules' `punctuation` section."""

from __future__ import annotations

import pytest

from pipeline.extraction.nlp import sentence_end_pattern, split_sentences


@pytest.mark.parametrize(
    "text,sentences",
    [
        ("甲。乙！丙？", ["甲。", "乙！", "丙？"]),
        # a semicolon does not end a sentence
        ("全县新建学校3所;新建卫生室5个。", ["全县新建学校3所;新建卫生室5个。"]),
        ("全县新建学校3所；新建卫生室5个。", ["全县新建学校3所；新建卫生室5个。"]),
        # closing quotes stay with the sentence they close
        ("他说:“收入增加了。”明年再建。", ["他说:“收入增加了。”", "明年再建。"]),
        # a line break ends a sentence; a run of marks is one end
        ("标题\n正文!!接着", ["标题\n", "正文!!", "接着"]),
    ],
)
def test_nlp_split_sentences(text, sentences):
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


def test_nlp_sentence_end_comes_from_rules(rules):
    pattern = sentence_end_pattern(rules)
    assert pattern.match("。”") is not None and pattern.match("；") is None


@pytest.mark.parametrize(
    "text,words",
    [
        # a word the HMM made of a counter and the verb after it is cut at the quantity's end
        ("仅8人不获提名", ["仅", "8", "人", "不获", "提名"]),
        ("另有6宗属输入个案", ["另有", "6", "宗", "属", "输入", "个案"]),
    ],
)
def test_nlp_new_word_cut_at_quantity_end(nlp, text, words):
    assert [t.text for t in nlp(text)] == words


@pytest.mark.parametrize(
    "text,shape,like_num",
    [
        # an unsegmented sentence without a quantity is one long word: no shape or number test
        ("本港今日天色晴朗，市民纷纷前往郊野公园行山及野餐，交通一度繁忙。", "LONG", False),
        # a word of ordinary length keeps spaCy's own attributes
        ("ABC", "XXX", False),
        ("1200", "dddd", True),
    ],
)
def test_nlp_long_words_skip_shape_and_number_test(nlp, text, shape, like_num):
    lexeme = nlp.vocab[text]
    assert (lexeme.shape_, lexeme.like_num) == (shape, like_num)


@pytest.mark.parametrize(
    "word",
    ["三年", "十分", "拾壹", "廿五", "-5", "±三", "1,000", "，5", "5。", "5/7", "①", "中国人", "甲乙",
     "http://a", "https://b.cn", "www.x.cn", "a.b", "x.com/", "me@x.org", "3.5", "A4"],
)
def test_nlp_lexeme_url_and_number_tests_answer_as_spacy(nlp, word):
    from spacy.lang.lex_attrs import like_url
    from spacy.lang.zh.lex_attrs import like_num

    lexeme = nlp.vocab[word]  # a new lexeme: its attributes come from the pipeline's getters
    assert (lexeme.like_url, lexeme.like_num) == (like_url(word), like_num(word))
