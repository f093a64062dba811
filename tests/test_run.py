"""Composition of the stages (pipeline/run.py): long texts in chunks, and no input makes it raise."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.claim import to_json
from pipeline.run import clean_document, extract_text, iter_inputs, load_nlp, split_chunks, structure_above

REPO = Path(__file__).resolve().parent.parent
GOLD_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((REPO / "gold").glob("*.clean.txt"))]

#: Characters of Chinese and Arabic numbers, units, qualifiers and punctuation: text made of
#: them goes through the number, range and unit paths far more often than arbitrary text.
NUMERIC_ALPHABET = (
    "0123456789０１２３４５６７８９.,．，%％"
    "零〇一二三四五六七八九十百千万亿两兩萬億点分之"
    "个人元米吨亩户名岁年月日平方公里千克瓦时倍成"
    "约近超过以上以下左右至到从由增长下降共全市县"
    "。！？、；：“”（）\n -—~～/"
)


@pytest.mark.parametrize("chunk_chars", [1400, 5000])  # longer than any line of the gold texts
def test_run_chunked_extraction_same_as_whole(nlp, chunk_chars: int):
    text = "\n".join(GOLD_TEXTS)
    assert len(split_chunks(text, chunk_chars)) > 1
    whole = [to_json(c) for c in extract_text(text, "d", nlp, chunk_chars=len(text))]
    chunked = [to_json(c) for c in extract_text(text, "d", nlp, chunk_chars=chunk_chars)]
    assert len(whole) > len(GOLD_TEXTS)
    assert chunked == whole


@pytest.mark.parametrize(
    "text",
    [
        # a chunk starting inside a table: the column header names the claims of its rows
        "年份\t出口占比\n" + "".join(f"{2000 + n}年\t{n}.5%\n" for n in range(1, 9)),
        # a chunk starting inside a list under a heading line without numbers
        "全年经济运行平稳。\n工业用电量\n" + "".join(f"某{n}区增长{n}.1%\n" for n in range(1, 9)),
    ],
)
def test_run_chunked_structure_same_as_whole(nlp, text: str):
    whole = [to_json(c) for c in extract_text(text, "d", nlp, chunk_chars=len(text))]
    assert whole and all(c.entity for c in extract_text(text, "d", nlp, chunk_chars=len(text)))
    for chunk_chars in (30, 45, 60):
        assert len(split_chunks(text, chunk_chars)) > 1
        assert [to_json(c) for c in extract_text(text, "d", nlp, chunk_chars=chunk_chars)] == whole


def test_run_long_line_cut_at_sentence_ends_same_as_whole(nlp):
    line = "".join("".join(GOLD_TEXTS).split("\n"))  # one line of ~30,000 characters, sentences end in 。
    assert len(split_chunks(line, 1400)) > 5
    whole = [to_json(c) for c in extract_text(line, "d", nlp, chunk_chars=len(line))]
    chunked = extract_text(line, "d", nlp, chunk_chars=1400)  # longer than any sentence
    assert [to_json(c) for c in chunked] == whole
    for claim in chunked:
        assert line[claim.start : claim.end] == claim.quantity


def test_run_line_without_breaks_offsets_point_into_text(nlp):
    text = "".join(f"第{n}批{n * 7}个项目" for n in range(2000))  # no punctuation at all
    claims = extract_text(text, "d", nlp, chunk_chars=500)
    assert len(claims) > 1000
    for claim in claims:
        assert text[claim.start : claim.end] == claim.quantity
        assert claim.context in text


@settings(deadline=None, max_examples=200)
@given(text=st.text(alphabet=NUMERIC_ALPHABET + "甲乙", max_size=300), limit=st.integers(1, 40))
def test_run_split_chunks_cover_text_within_limit(text: str, limit: int):
    spans = split_chunks(text, limit)
    assert [s for s, _ in spans] == [0, *(e for _, e in spans[:-1])][: len(spans)]
    assert (spans[-1][1] if spans else 0) == len(text)
    assert all(0 < e - s <= limit for s, e in spans)


@pytest.mark.parametrize(
    "end,chunks,lead",
    [
        # the built-in rules: "|" ends no sentence (a line is cut at its limit, a line with it is a heading)
        (None, [(0, 5), (5, 9)], "标题|\n甲市增长6%\n"),
        # rules of one's own where "|" ends a sentence: chunks end after it, and it heads nothing
        (regex.compile("[|]+"), [(0, 3), (3, 8), (8, 9)], ""),
    ],
)
def test_run_chunks_cut_at_the_sentence_end_in_use(end, chunks, lead):
    assert split_chunks("甲乙|丙丁戊己|庚", 5, end) == chunks
    text = "标题|\n甲市增长6%\n乙市增长2%\n"
    assert structure_above(text, text.index("乙"), end) == lead


_PIPELINE_SETTINGS = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_PIPELINE_SETTINGS
@given(text=st.text(max_size=400))
def test_run_pipeline_never_raises_on_any_text(rules, nlp, text: str):
    _check_pipeline(rules, nlp, text)


@_PIPELINE_SETTINGS
@given(text=st.text(alphabet=NUMERIC_ALPHABET, max_size=400))
def test_run_pipeline_never_raises_on_numeric_text(rules, nlp, text: str):
    _check_pipeline(rules, nlp, text)


@_PIPELINE_SETTINGS
@given(text=st.text(alphabet=NUMERIC_ALPHABET, max_size=400), fmt=st.sampled_from(["md", "html"]))
def test_run_pipeline_never_raises_on_markup(rules, nlp, text: str, fmt: str):
    _check_pipeline(rules, nlp, text, fmt)


def _check_pipeline(rules, nlp, text: str, fmt: str = "txt") -> None:
    clean = clean_document(text, fmt=fmt, rules=rules).text
    # the raw text too: `extract --from-clean` gives any text to the extraction as it is
    for source in (clean, text):
        for chunk_chars in (len(source) + 1, 50):
            for claim in extract_text(source, "d", nlp, chunk_chars=chunk_chars):
                assert source[claim.start : claim.end] == claim.quantity
                assert claim.kind in {"count", "money", "percent", "area", "length", "weight", "age", "other"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "1234567890 " * 2000,  # only numbers
        "".join(f"第{n}行有{n % 97}个点。\n" for n in range(1000)),  # many short lines
        "全州共73个安置点" * 1500,  # one line longer than a chunk, no sentence end
    ],
    ids=["empty", "newlines", "numbers-only", "short-lines", "long-line"],
)
def test_run_odd_articles_give_sane_claims(rules, nlp, text: str):
    clean = clean_document(text, fmt="txt", rules=rules).text
    claims = extract_text(clean, "d", nlp)
    for claim in claims:
        assert clean[claim.start : claim.end] == claim.quantity
    if "个" in clean:
        assert claims and all(c.unit == "个" for c in claims)


def test_run_iter_inputs_lists_dangling_symlinks(tmp_path: Path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "nowhere")
    (tmp_path / "c.jpg").write_bytes(b"x")
    assert [p.name for p in iter_inputs([tmp_path])] == ["a.txt", "b.txt"]


def test_run_chinese_decimal_after_unit_gives_claim(nlp):
    # the number parser raised ValueError on 四千六百五十点五, so the whole article failed
    claims = extract_text("今年产量达到四千六百五十点五吨。", "d", nlp)
    assert [(c.quantity, c.value) for c in claims] == [("四千六百五十点五吨", Decimal("4650.5"))]


def test_run_memory_zone_frees_new_words_and_keeps_claims(nlp, monkeypatch):
    """Past the warm-up, an article's new words leave spaCy's string store with it, but for the
    dictionary words it kept (JiebaTokenizer.keep_words); its claims are those of a run outside a zone."""
    import pipeline.run as run

    monkeypatch.setitem(run._warmed, nlp, run.WARM_TEXTS)
    names = ["翠岭", "枫溪", "鹭洲", "桐湾", "槐坪"]
    texts = [f"{name}街坊今早结伴登山赏枫叶。{name}村去年共建成{k + 3}个便民服务站，投入资金{k + 1}.5亿元。" for k, name in enumerate(names)]
    before = set(nlp.vocab.strings)
    zoned = [[to_json(c) for c in extract_text(text, "z", nlp)] for text in texts]
    kept = set(nlp.vocab.strings) - before
    words = {word for word in kept if word in nlp.tokenizer.word_tags}
    lexemes = [nlp.vocab[word] for word in words]
    attributes = {a for lex in lexemes for a in (lex.shape_, lex.prefix_, lex.suffix_, lex.lang_)}
    assert words and kept <= words | attributes  # dictionary words only, with their lexemes' strings (xxxx, zh)
    plain = [[to_json(c) for c in run._extract_text(text, "z", nlp, run.CHUNK_CHARS)] for text in texts]
    assert any(name in word for word in set(nlp.vocab.strings) - before for name in names)  # outside a zone they stay
    assert zoned == plain and all(len(claims) == 2 for claims in zoned)


def test_run_keeps_a_dictionary_word_after_its_zone(rules, monkeypatch):
    """A dictionary word that a text in a memory zone met has a lexeme of its own afterwards (it is not
    made again in every article); a word the HMM made up (a name) does not."""
    import pipeline.run as run

    nlp = load_nlp(rules)
    monkeypatch.setattr(run, "WARM_TEXTS", 0)
    assert "便民服务" not in nlp.vocab.strings
    claims = extract_text("翠岭枫溪村去年共建成3个便民服务站。", "z", nlp)
    assert [c.quantity for c in claims] == ["3个"]
    assert "便民服务" in nlp.tokenizer.word_tags and "便民服务" in nlp.vocab.strings  # 便民服务|站
    assert "翠岭" not in nlp.vocab.strings  # a name the HMM made up (翠岭|枫溪|村)


def test_run_reads_the_whole_dictionary_when_the_warm_up_ends(rules, monkeypatch):
    """The jieba dictionary is read per first character as texts need it, until the pipeline has read
    WARM_TEXTS texts: then the rest at once (words of characters no text had yet), claims unchanged."""
    import pipeline.run as run

    nlp = load_nlp(rules)
    monkeypatch.setattr(run, "WARM_TEXTS", 2)
    nlp.tokenizer("全县新建学校3所。")  # (initialises the tokenizer)
    assert "饕餮" not in nlp.tokenizer.word_tags  # no text has had 饕 yet
    assert [c.quantity for c in extract_text("全县新建学校12所。", "a", nlp)] == ["12所"]
    assert "饕餮" not in nlp.tokenizer.word_tags
    assert [c.quantity for c in extract_text("去年共有鳄鱼7条。", "b", nlp)] == ["7条"]
    assert nlp.tokenizer.word_tags.get("饕餮") == "n"  # the second text ended the warm-up
    assert [c.quantity for c in extract_text("全县新建学校12所。", "c", nlp)] == ["12所"]


def test_run_tags_outlive_memory_zones_where_their_strings_came_as_words(rules, monkeypatch):
    """Tag strings that first came in a memory zone as words (the letters d, v, n of a model name)
    are freed with the zone; later texts, each in its own zone, still read their tags (a tag id
    kept across Docs named a freed string: KeyError in the entity ruler)."""
    import pipeline.run as run

    nlp = load_nlp(rules)  # a fresh store: no tag string in it yet
    monkeypatch.setattr(run, "WARM_TEXTS", 0)  # every text in a zone
    texts = ["型号a d n v m q r c p f u的设备共3台。", "他们都有5个项目，其中已经完成2个。", "全市新建学校12所，比去年多了4所。"]
    claims = [[c.quantity for c in extract_text(text, "z", nlp)] for text in texts]
    assert claims == [["3台"], ["5个", "2个"], ["12所", "4所"]]
