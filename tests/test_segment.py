"""The lookup tagger: jieba.lcut's words with dictionary tags, and the tokenizer that uses it."""

from __future__ import annotations

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extraction.nlp import JiebaTokenizer, build_nlp
from pipeline.extraction.segment import NEW_WORD_TAG, LookupTagger

HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=40)
MIXED = st.text(alphabet="全州共73个安置点规范建立党组织166个，。 比例由21.7%提高到32.3%abcＡ１\n〇零两", max_size=60)


@pytest.fixture(scope="module")
def tagger():
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    from jieba.posseg import POSTokenizer

    return tokenizer, LookupTagger(tokenizer, POSTokenizer(tokenizer).word_tag_tab)


@settings(max_examples=200, deadline=None)
@given(text=MIXED)
def test_words_are_the_text(tagger, text):
    _, lookup = tagger
    pieces = lookup.cut(text)
    assert "".join(word for word, _ in pieces) == text
    assert all(word and tag for word, tag in pieces)


@settings(max_examples=200, deadline=None)
@given(text=HAN)
def test_han_text_is_segmented_as_jieba_lcut(tagger, text):
    tokenizer, lookup = tagger
    assert [word for word, _ in lookup.cut(text)] == tokenizer.lcut(text)


def test_tags_come_from_the_dictionary(tagger):
    _, lookup = tagger
    pieces = dict(lookup.cut("全州共建立党组织166个"))
    assert pieces["党组织"] == "nt"
    assert pieces["建立"] == "v"
    assert pieces["166"] == "m"
    assert pieces["个"] == "q"


def test_a_new_word_gets_the_new_word_tag(tagger):
    tokenizer, lookup = tagger
    # a run of characters that jieba's HMM joins into a word it does not know
    pieces = lookup.cut("冯道国老人今年71岁")
    new = [word for word, _ in pieces if len(word) > 1 and word.isalpha() and not tokenizer.FREQ.get(word)]
    assert new == ["冯道国"], pieces
    assert all(tag == NEW_WORD_TAG for word, tag in pieces if word in new)


def test_unknown_tagger_is_refused():
    from spacy.vocab import Vocab

    with pytest.raises(ValueError, match="tagger must be one of"):
        JiebaTokenizer(Vocab(), tagger="crf")


@pytest.mark.parametrize("tagger_name", ["posseg", "lookup"])
def test_both_taggers_give_the_same_quantities(rules, tagger_name):
    nlp = build_nlp(rules, tagger=tagger_name)
    doc = nlp("全州共73个安置点规范建立党组织166个。比例由年初的21.7%提高到32.3%。")
    assert [c.quantity for c in doc._.claims] == ["73个", "166个", "21.7%", "32.3%"]
    assert [c.role for c in doc._.claims][2:] == ["from", "to"]


def test_only_sentences_with_a_quantity_are_segmented(nlp):
    doc = nlp("他说了一些话。全州共建立党组织166个。")
    first, second = list(doc.sents)
    assert len(first) == 1  # no quantity: one token
    assert [t.text for t in second][:3] == ["全州", "共", "建立"]


def test_dictionary_tags_are_the_table_posseg_loads(tagger):
    from jieba.posseg import POSTokenizer

    from pipeline.extraction.segment import dictionary_tags

    tokenizer, _ = tagger
    assert dictionary_tags(tokenizer) == POSTokenizer(tokenizer).word_tag_tab


def test_lookup_without_hmm_makes_no_new_words(tagger):
    from pipeline.extraction.segment import LookupTagger

    tokenizer, with_hmm = tagger
    without = LookupTagger(tokenizer, with_hmm._tags, hmm=False)
    assert ("冯道国", "nw") in with_hmm.cut("冯道国老人今年71岁")
    words = [word for word, _ in without.cut("冯道国老人今年71岁")]
    assert words[:3] == ["冯", "道", "国"]
    assert words == tokenizer.lcut("冯道国老人今年71岁", HMM=False)


def test_a_new_word_ending_in_a_verb_is_a_verbal_noun(tagger):
    _, lookup = tagger
    pieces = dict(lookup.cut("街道应建尽建党工委18个"))
    assert pieces.get("尽建") == "vn"  # no name: 尽建 + 街道 is no community
    assert ("冯道国", "nw") in lookup.cut("冯道国老人今年71岁")


@pytest.mark.parametrize("text,word", [("一天赚个600元", "赚个")])
def test_segment_new_verb_and_classifier_is_a_verb(tagger, text, word):
    _, lookup = tagger
    assert dict(lookup.cut(text)).get(word) == "v"  # a verb and its object's classifier, no name


#: Words added on top of the dictionary (as the rules' word lists are): new words with a frequency
#: and tag or with neither (jieba suggests the frequency), a dictionary word made rare (建成: 共建|成)
#: or given another tag (村级), and a prefix of a dictionary word.
ADDED = [("安置点", 2000, "n"), ("冯道国", None, "nr"), ("全州", None, None), ("建成", 1, None), ("村级", 51, "nsd"), ("村级活", 5, "n")]


@pytest.mark.parametrize(
    "text",
    ["全州共73个安置点规范建立党组织166个", "冯道国老人今年71岁", "全县共建成村级活动场所86个", "比例由年初的21.7%提高到32.3%", "abc全州ABC"],
)
def test_segment_cached_dictionary_cuts_as_the_full_one(tmp_path, monkeypatch, text):
    from pipeline.extraction.segment import load_dictionary

    monkeypatch.setenv("ZHCLAIMS_CACHE", str(tmp_path))
    cuts = []
    for _ in range(2):  # the first builds the cache (everything read), the second reads it per character
        tokenizer = jieba.Tokenizer()
        dictionary = load_dictionary(tokenizer)
        for word, freq, tag in ADDED:
            dictionary.add_word(word, freq, tag)
        cuts.append(LookupTagger(tokenizer, dictionary.tags, dictionary=dictionary).cut(text))
    assert list(tmp_path.glob("jieba-*.marshal"))
    assert cuts[0] == cuts[1]
    assert ("建成", "v") not in cuts[1] and ("村级", "n") not in cuts[1]


@pytest.mark.parametrize("caches,kept", [(6, 4), (4, 4), (2, 2)])
def test_segment_prune_keeps_the_latest_dictionary_caches(tmp_path, caches, kept):
    import os

    from pipeline.extraction.segment import prune_dictionary_caches

    paths = [tmp_path / f"jieba-{n:016x}.marshal" for n in range(caches)]
    for age, path in enumerate(paths):  # paths[0] used last
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 - age * 100, 1_000_000 - age * 100))
    others = [tmp_path / "jieba-words-0123456789abcdef.marshal", tmp_path / "notes.txt"]
    for path in others:
        path.write_bytes(b"x")
        os.utime(path, (1, 1))  # older than every cache, and no dictionary cache: left alone
    fresh_temp, stale_temp = tmp_path / "a.tmp", tmp_path / "b.tmp"  # a write under way, one cut short
    fresh_temp.write_bytes(b"x")
    stale_temp.write_bytes(b"x")
    os.utime(stale_temp, (1, 1))
    others.append(fresh_temp)
    deleted = prune_dictionary_caches(tmp_path)
    assert sorted(deleted) == sorted(paths[kept:] + [stale_temp])
    assert all(p.exists() for p in paths[:kept] + others)


def test_segment_building_a_dictionary_cache_prunes_old_ones(tmp_path, monkeypatch):
    import os

    from pipeline.extraction.segment import KEPT_CACHES, load_dictionary

    monkeypatch.setenv("ZHCLAIMS_CACHE", str(tmp_path))
    stale = [tmp_path / f"jieba-{n:016x}.marshal" for n in range(KEPT_CACHES + 2)]
    for path in stale:
        path.write_bytes(b"x")
        os.utime(path, (1, 1))
    load_dictionary(jieba.Tokenizer())
    left = sorted(tmp_path.glob("jieba-*.marshal"))
    assert len(left) == KEPT_CACHES
    assert any(p not in stale for p in left)  # the new cache is one of those kept


@pytest.fixture(scope="module")
def jieba_cache(tmp_path_factory):
    """A cache directory of the tests below (jieba's dictionary cached once for all of them)."""
    return tmp_path_factory.mktemp("jieba-cache")


@pytest.mark.parametrize(
    "text",
    ["全州共73个安置点规范建立党组织166个", "冯道国老人今年71岁", "全县共建成村级活动场所86个", "abc全州ABC"],
)
def test_segment_cached_word_frequencies_are_the_suggested_ones(jieba_cache, monkeypatch, text):
    from pipeline.extraction.segment import load_dictionary

    monkeypatch.setenv("ZHCLAIMS_CACHE", str(jieba_cache))
    seen = []
    # one word at a time (jieba suggests each frequency); then the list: the frequencies computed
    # and written (first case), then read from the cache (the words of their characters not read)
    for one_by_one in (True, False, False):
        tokenizer = jieba.Tokenizer()
        dictionary = load_dictionary(tokenizer)
        if one_by_one:
            for word, freq, tag in ADDED:
                dictionary.add_word(word, freq, tag)
        else:
            dictionary.add_words(ADDED)
        freqs = {word: tokenizer.FREQ[word] for word, _, _ in ADDED}
        cut = LookupTagger(tokenizer, dictionary.tags, dictionary=dictionary).cut(text)
        seen.append((cut, freqs, tokenizer.total))
    assert len(list(jieba_cache.glob("jieba-words-*.marshal"))) == 1
    assert seen[0] == seen[1] == seen[2]


@pytest.mark.parametrize(
    "before,cached",
    [
        pytest.param([], True, id="the list alone: cached"),
        pytest.param([("安置点", 2000, "n")], False, id="after a word added alone: not cached"),
    ],
)
def test_segment_word_frequencies_cached_only_for_a_known_dictionary(jieba_cache, monkeypatch, before, cached):
    from pipeline.extraction.segment import load_dictionary

    monkeypatch.setenv("ZHCLAIMS_CACHE", str(jieba_cache))
    files = set(jieba_cache.glob("jieba-words-*.marshal"))
    dictionary = load_dictionary(jieba.Tokenizer())
    for word, freq, tag in before:
        dictionary.add_word(word, freq, tag)
    dictionary.add_words(ADDED[2:])
    assert (set(jieba_cache.glob("jieba-words-*.marshal")) != files) is cached


def test_segment_cache_that_cannot_be_touched_still_gives_the_dictionary(tmp_path, monkeypatch):
    """A cache read-only to this user (or pruned meanwhile by another process): its time is not
    set, and the tokenizer still gets every word (it was once left with an empty dictionary)."""
    import os

    from pipeline.extraction.segment import load_dictionary

    def cut_with_cache() -> list[str]:
        tokenizer = jieba.Tokenizer()
        dictionary = load_dictionary(tokenizer)
        return [w for w, _ in LookupTagger(tokenizer, dictionary.tags, dictionary=dictionary).cut("截至去年底全县集体经济积累增长")]

    monkeypatch.setenv("ZHCLAIMS_CACHE", str(tmp_path))
    load_dictionary(jieba.Tokenizer())  # writes the cache
    expected = cut_with_cache()

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "utime", refuse)
    assert cut_with_cache() == expected
    assert "集体经济" in expected or "集体" in expected
