"""The entity ruler: spaCy's SpanRuler run only over the tokens a pattern can use, with the same spans."""

from __future__ import annotations

import pytest
import spacy
from spacy.pipeline.span_ruler import SpanRuler
from spacy.tokens import Doc

from pipeline.extraction.entities import EntityRuler, compile_prefilter, compile_uses, pattern_needs, token_test, word_constraints


def _spans(spans):
    return [(s.start, s.end, s.label_, s.id_) for s in spans]


@pytest.mark.parametrize(
    "text",
    [
        "某市统计局昨日公布，全市去年新建学校12所。",
        "本港昨日新增确诊45宗，全港学校暂停面授课堂。",
        "甲县县委组织部举办培训班3期，共培训干部200人次。",
        "乙市人民医院扩建工程完工。新院区设有病床800张。",
        "标题没有数字\n某某区政府：全区完成投资8亿元\n丙镇新建村级卫生室5个",
    ],
)
def test_entities_same_spans_as_span_ruler(nlp, text):
    ruler = nlp.get_pipe("entities")
    doc = nlp.tokenizer.tokenize(text)
    assert isinstance(ruler, EntityRuler)
    assert _spans(ruler.match(doc)) == _spans(SpanRuler.match(ruler, doc))


@pytest.mark.parametrize(
    "spec,text,tag,accepts",
    [
        ({"TAG": "nsd"}, "甲市", "nsd", True),
        ({"TAG": "nsd"}, "甲市", "n", False),
        ({"TAG": {"IN": ["nt", "nto"]}, "TEXT": {"REGEX": "局$"}}, "统计局", "nt", True),
        ({"TAG": {"IN": ["nt", "nto"]}, "TEXT": {"REGEX": "局$"}}, "统计局", "x", False),
        ({"TEXT": {"NOT_IN": ["新建"]}, "OP": "+"}, "新建", "v", False),
        ({"text": "全"}, "全", "a", True),
        ({"TEXT": "全"}, "半", "a", False),
        # what is not read here (another attribute, another operator) accepts every token
        ({"LOWER": "abc"}, "某", "x", True),
        ({"TEXT": {"FUZZY": "某市"}}, "乙", "x", True),
    ],
)
def test_entities_token_test(spec, text, tag, accepts):
    assert token_test(spec)(text, tag) is accepts


@pytest.mark.parametrize(
    "patterns,read",
    [
        ([{"label": "ORG", "pattern": [{"TAG": "nt"}]}], True),
        ([{"label": "ORG", "pattern": "某某公司"}], True),
        # a negated token accepts what no test here can list: the whole Doc is matched
        ([{"label": "ORG", "pattern": [{"TAG": "nt"}, {"TEXT": "的", "OP": "!"}]}], False),
    ],
)
def test_entities_prefilter_read(patterns, read):
    assert (compile_prefilter(patterns) is not None) is read


#: Pattern token specs of every kind the joined tests read: TEXT string, IN, REGEX (joinable and
#: not), TAG with and without TEXT, NOT_IN, an attribute not read.
_USE_SPECS = [
    {"TEXT": "全"}, {"ORTH": {"IN": ["社区", "村"]}}, {"TEXT": {"REGEX": "^全(?:市|县)$"}},
    {"TEXT": {"REGEX": "(?:中心|医院)$"}}, {"TEXT": {"REGEX": r"^(.)\1$"}}, {"TAG": "nsd"},
    {"TAG": {"IN": ["nt", "nto"]}, "TEXT": {"REGEX": "局$"}}, {"TEXT": {"NOT_IN": ["新建"]}, "TAG": "v"},
    {"LOWER": "abc", "OP": "?"},
]


@pytest.mark.parametrize(
    "text,tag",
    [("全", "a"), ("村", "n"), ("全县", "n"), ("全乡", "n"), ("人民医院", "nt"), ("哈哈", "x"), ("甲乙", "x"),
     ("甲市", "nsd"), ("统计局", "nt"), ("统计局", "x"), ("新建", "v"), ("修建", "v"), ("某句没有数字。", "x")],
)
def test_entities_uses_same_as_token_tests(text, tag):
    for specs in (_USE_SPECS[:-1], _USE_SPECS[3:8], _USE_SPECS[5:]):
        opens, others = compile_uses([{"label": "L", "pattern": [spec]} for spec in specs])
        assert opens(text, tag) is any(token_test(spec)(text, tag) for spec in specs)
        assert others(text, tag) is False  # one-token patterns: every token opens


#: (words, tags) of a Doc, the patterns, and the spans (start, end) the ruler finds.
CASES = [
    # an optional first token: the second can open a match too
    ((["甲", "全市", "的", "乙", "全县"], ["nsd", "n", "uj", "x", "n"]),
     [[{"TAG": "nsd", "OP": "?"}, {"TEXT": {"REGEX": "^全"}}]], [(0, 2), (1, 2), (4, 5)]),
    # a run of inner tokens up to the last: the match ends on the Doc's last token
    ((["甲", "新", "车站"], ["nsd", "a", "n"]),
     [[{"TAG": "nsd"}, {"TAG": {"IN": ["a", "n"]}, "OP": "{0,4}"}, {"TEXT": {"REGEX": "站$"}}]], [(0, 3)]),
    # a barrier in between: no match across it
    ((["甲", "，", "车站"], ["nsd", "x", "n"]),
     [[{"TAG": "nsd"}, {"TAG": {"IN": ["a", "n"]}, "OP": "{0,4}"}, {"TEXT": {"REGEX": "站$"}}]], []),
    # a wildcard token accepts every token: the whole Doc is one window
    ((["甲", "，", "乙"], ["nsd", "x", "nsd"]), [[{"TAG": "nsd"}, {}, {"TAG": "nsd"}]], [(0, 3)]),
]


@pytest.mark.parametrize("doc_data,patterns,spans", CASES)
def test_entities_windows_find_every_match(doc_data, patterns, spans):
    nlp = spacy.blank("xx")
    ruler = EntityRuler(nlp, "entities", spans_key=None, annotate_ents=True, overwrite=True)
    ruler.add_patterns([{"label": "LOC", "pattern": p} for p in patterns])
    words, tags = doc_data
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words), tags=tags)
    found = [(s.start, s.end) for s in ruler.match(doc)]
    assert found == spans
    assert found == [(s.start, s.end) for s in SpanRuler.match(ruler, doc)]


@pytest.mark.parametrize(
    "pattern,needs",
    [
        ([{"TEXT": "邨"}], ["邨"]),
        ([{"TEXT": "大会"}], ["会", "大"]),
        ([{"TAG": "ns"}, {"TEXT": {"IN": ["村", "社区"]}}], ["村社"]),
        ([{"TEXT": {"REGEX": "^全(?:市|县)$"}}], ["全", "县市"]),
        # a token that may match nothing, a negated token and a TAG ask for no character
        ([{"TEXT": "全", "OP": "?"}, {"TAG": "n"}], []),
        ([{"TAG": "nt"}, {"TEXT": "的", "OP": "!"}], []),
        ([{"TEXT": {"NOT_IN": ["新建"]}, "OP": "+"}], []),
        # a minimum written with zeros (spaCy reads {00,2} as {0,2}) is optional too
        ([{"TAG": "n"}, {"TEXT": "邨", "OP": "{00,2}"}], []),
        ([{"TAG": "n"}, {"TEXT": "邨", "OP": "{00}"}], []),
        # a token repeated from once up asks for its characters as one that must match
        ([{"TEXT": "乙", "OP": "+"}, {"TEXT": "丙", "OP": "{0,2}"}], ["乙"]),
    ],
)
def test_entities_pattern_needs(pattern, needs):
    assert ["".join(sorted(s)) for s in pattern_needs(pattern)] == needs


#: A broad pattern anchored on a rare word (any one or two nouns before 邨) and a narrow one (a place).
_ANCHORED = [[{"TAG": {"IN": ["n", "a"]}, "OP": "{1,2}"}, {"TEXT": "邨"}], [{"TAG": "nsd"}]]


@pytest.mark.parametrize(
    "words,tags,windows,spans",
    [
        # no 邨 in the text: the nouns open no window, the place does
        (["新", "大楼", "在", "甲市", "落成"], ["a", "n", "p", "nsd", "v"], [(3, 4)], [(3, 4)]),
        # with 邨 the broad pattern can match: its window runs from the first noun
        (["新", "大楼", "近", "丁", "邨"], ["a", "n", "p", "n", "x"], [(0, 2), (3, 5)], [(3, 5)]),
    ],
)
def test_entities_windows_leave_out_patterns_that_cannot_match(words, tags, windows, spans):
    nlp = spacy.blank("xx")
    ruler = EntityRuler(nlp, "entities", spans_key=None, annotate_ents=True, overwrite=True)
    ruler.add_patterns([{"label": "LOC", "pattern": p} for p in _ANCHORED])
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words), tags=tags)
    assert ruler._windows(doc) == windows
    found = [(s.start, s.end) for s in ruler.match(doc)]
    assert found == spans == [(s.start, s.end) for s in SpanRuler.match(ruler, doc)]


@pytest.mark.parametrize(
    "spec,constraints",
    [
        # dicts of IN, NOT_IN and REGEX on the word become flags, one per distinct dict
        ({"TEXT": {"REGEX": "^全", "NOT_IN": ["全体"]}, "TAG": "n"}, ['{"NOT_IN": ["全体"], "REGEX": "^全"}']),
        ({"orth": {"IN": ["村", "镇"]}}, ['{"IN": ["村", "镇"]}']),
        # a plain string is checked in C already; a TAG set is the token's, not the word's
        ({"TEXT": "全", "TAG": {"IN": ["n", "a"]}}, []),
        # spaCy reads operators in any case
        ({"TEXT": {"in": ["村"]}}, ['{"in": ["村"]}']),
        # what is read otherwise (other attributes and operators) stays the Matcher's own
        ({"LOWER": {"IN": ["abc"]}}, []),
        ({"TEXT": {"FUZZY": "某市"}}, []),
        ({"TEXT": {"FUZZY": "某市", "IN": ["村"]}}, []),
    ],
)
def test_entities_word_constraints(spec, constraints):
    assert word_constraints([{"label": "L", "pattern": [spec]}, {"label": "L", "pattern": "某某公司"}]) == constraints


def _ruler(nlp, patterns):
    ruler = EntityRuler(nlp, "entities", spans_key=None, annotate_ents=True, overwrite=True)
    ruler.add_patterns([{"label": "LOC", "pattern": p} for p in patterns])
    return ruler


def _doc(nlp, words, tags):
    return Doc(nlp.vocab, words=words, spaces=[False] * len(words), tags=tags)


_FLAGGED = [[{"TAG": "nsd", "OP": "?"}, {"TEXT": {"REGEX": "^全(?:市|县)$"}}],
            [{"TEXT": {"REGEX": "^[一-龥]{2,4}$", "NOT_IN": ["城市", "农村"]}, "TAG": "ns"}, {"TEXT": {"IN": ["村", "镇"]}}]]


def test_entities_word_flags_read_once_per_word():
    nlp = spacy.blank("xx")
    ruler = _ruler(nlp, _FLAGGED)
    doc = _doc(nlp, ["甲", "全市", "的", "乙山", "村", "农村", "镇"], ["nsd", "n", "uj", "ns", "n", "ns", "n"])
    assert [(s.start, s.end) for s in ruler.match(doc)] == [(0, 2), (1, 2), (3, 5)]
    assert [(s.start, s.end) for s in SpanRuler.match(ruler, doc)] == [(0, 2), (1, 2), (3, 5)]
    flags = ruler._flags
    assert flags is not None and len(flags.bits) == 4  # the bit of words read, three constraints
    read, (whole, place, village) = flags.bits[0], flags.bits[1:]
    assert nlp.vocab["全市"].check_flag(read) and nlp.vocab["全市"].check_flag(whole)
    assert nlp.vocab["乙山"].check_flag(place) and not nlp.vocab["乙山"].check_flag(whole)
    assert nlp.vocab["村"].check_flag(village) and not nlp.vocab["农村"].check_flag(place)
    assert not nlp.vocab["的"].check_flag(read)  # a barrier, in no window: never read
    # the bits are held: spaCy's add_flag takes another
    assert nlp.vocab.add_flag(lambda text: False) not in flags.bits


def test_entities_word_flags_follow_new_patterns():
    nlp = spacy.blank("xx")
    ruler = _ruler(nlp, _FLAGGED[:1])
    doc = _doc(nlp, ["全市", "全县", "全乡"], ["n", "n", "n"])
    assert [(s.start, s.end) for s in ruler.match(doc)] == [(0, 1), (1, 2)]
    first = ruler._flags
    ruler.clear()
    ruler.add_patterns([{"label": "LOC", "pattern": [{"TEXT": {"REGEX": "^全(?:乡|镇)$"}}]}])
    # the words read for the old patterns are read again for the new ones
    assert [(s.start, s.end) for s in ruler.match(doc)] == [(2, 3)] == [(s.start, s.end) for s in SpanRuler.match(ruler, doc)]
    assert first is not None and ruler._flags is not None
    assert all(bit not in nlp.vocab.lex_attr_getters for bit in set(first.bits) - set(ruler._flags.bits))


def test_entities_without_free_flags_same_spans():
    nlp = spacy.blank("xx")
    while True:
        try:
            nlp.vocab.add_flag(lambda text: False)
        except ValueError:
            break  # every bit is taken
    ruler = _ruler(nlp, _FLAGGED)
    doc = _doc(nlp, ["甲", "全县", "乙山", "镇"], ["nsd", "n", "ns", "n"])
    assert [(s.start, s.end) for s in ruler.match(doc)] == [(0, 2), (1, 2), (2, 4)]
    assert ruler._flags is None


def test_entities_word_flags_of_words_a_memory_zone_made_again():
    nlp = spacy.blank("xx")
    ruler = _ruler(nlp, _FLAGGED)
    for _ in range(2):
        with nlp.memory_zone():
            doc = _doc(nlp, ["丙岭", "镇", "全县"], ["ns", "n", "n"])
            assert [(s.start, s.end) for s in ruler.match(doc)] == [(0, 2), (2, 3)]


def test_entities_fuzzy_compare_of_the_ruler():
    nlp = spacy.blank("xx")
    ruler = EntityRuler(nlp, "entities", spans_key=None, annotate_ents=True, overwrite=True,
                        matcher_fuzzy_compare=lambda a, b, n: False)
    ruler.add_patterns([{"label": "LOC", "pattern": [{"TEXT": {"FUZZY": "甲乙丙丁"}}, {"TEXT": {"IN": ["村"]}}]}])
    doc = _doc(nlp, ["甲乙丙戊", "村"], ["n", "n"])
    assert ruler.match(doc) == [] == SpanRuler.match(ruler, doc)


def test_entities_doc_of_another_vocab_same_spans():
    nlp = spacy.blank("xx")
    ruler = _ruler(nlp, _FLAGGED)
    ruler.match(_doc(nlp, ["乙山", "村"], ["ns", "n"]))  # the flags of this vocabulary are read
    other = spacy.blank("xx")
    doc = _doc(other, ["乙山", "村", "全县"], ["ns", "n", "n"])
    assert [(s.start, s.end) for s in ruler.match(doc)] == [(0, 2), (2, 3)] == [(s.start, s.end) for s in SpanRuler.match(ruler, doc)]


def test_entities_ruler_pickles_after_matching():
    import pickle

    nlp = spacy.blank("xx")
    ruler = _ruler(nlp, _FLAGGED)
    doc = _doc(nlp, ["甲", "全市", "乙山", "村"], ["nsd", "n", "ns", "n"])
    spans = [(s.start, s.end) for s in ruler.match(doc)]
    copy = pickle.loads(pickle.dumps(ruler))
    assert [(s.start, s.end) for s in copy.match(_doc(copy.nlp, ["甲", "全市", "乙山", "村"], ["nsd", "n", "ns", "n"]))] == spans


def test_entities_refused_pattern_keeps_those_added_before():
    nlp = spacy.blank("xx")
    ruler = _ruler(nlp, [[{"TAG": "nsd"}]])
    ruler.match(_doc(nlp, ["甲"], ["nsd"]))  # the pre-filter is read
    with pytest.raises(ValueError):
        ruler.add_patterns([{"label": "LOC", "pattern": [{"TEXT": {"REGEX": "^全县$"}}]}, {"label": "LOC", "pattern": 5}])
    doc = _doc(nlp, ["全县"], ["n"])
    assert [(s.start, s.end) for s in ruler.match(doc)] == [(0, 1)] == [(s.start, s.end) for s in SpanRuler.match(ruler, doc)]
