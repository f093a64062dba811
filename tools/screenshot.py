"""Render the displaCy page of a seed article and take a screenshot of it with headless Chromium.

Usage: python tools/screenshot.py [ARTICLE] [-o docs/explain-seed.png]   (or `make docs`)
       python tools/screenshot.py --compare docs/compare-example.jsonl -o docs/compare.png
       (the `zhclaims compare --all --html` page of invented claim rows, side by side)

Needs Chromium (Debian: `apt-get install chromium`) and a CJK font (`fonts-wqy-microhei` or
`fonts-noto-cjk`), else the Chinese text is drawn as empty boxes. The test suite does not use it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLE = REPO / "seeds" / "000_ed8c8fe637e82367.txt"
DEFAULT_OUTPUT = REPO / "docs" / "explain-seed.png"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--hide-scrollbars",
    "--window-size=1280,2000",
)


def write_page(article: Path, html: Path) -> int:
    """Write the displaCy page of one article (cleaned as `extract` cleans it); return its claim count."""
    from pipeline.tools.explain import explain, render_html
    from pipeline.text.reader import read_article
    from pipeline.rules import load_rules
    from pipeline.run import load_nlp

    rules = load_rules()
    raw = read_article(article)
    result = explain(raw.text, load_nlp(rules), rules, fmt=raw.fmt)
    html.write_text(render_html(result, title=article.name), encoding="utf-8")
    return len(result.claims)


def write_compare_page(claims: Path, html: Path) -> int:
    """Write the `zhclaims compare --all` page of a claims file; return its group count."""
    from pipeline.rules import load_rules
    from pipeline.tools.compare import CompareRules, compare_claims, read_claim_rows, render_html

    report = compare_claims(read_claim_rows([claims]), CompareRules.from_rules(load_rules()))
    html.write_text(render_html(report, all_groups=True), encoding="utf-8")
    return len(report.groups)


def screenshot(html: Path, png: Path, browser: str, size: str = "1280,2000") -> None:
    """Take a screenshot (default 1280x2000) of a local HTML file with headless Chromium."""
    png.parent.mkdir(parents=True, exist_ok=True)
    flags = [f for f in CHROMIUM_FLAGS if not f.startswith("--window-size")] + [f"--window-size={size}"]
    command = [browser, *flags, f"--screenshot={png}", html.resolve().as_uri()]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    if not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(f"{browser} wrote no screenshot to {png}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", type=Path, default=DEFAULT_ARTICLE)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--browser", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    parser.add_argument("--compare", type=Path, help="a claims file: screenshot its `zhclaims compare` page instead")
    args = parser.parse_args()
    if args.compare is not None:
        output = args.output if args.output != DEFAULT_OUTPUT else REPO / "docs" / "compare.png"
        with tempfile.TemporaryDirectory() as tmp:
            html = Path(tmp) / "compare.html"
            groups = write_compare_page(args.compare, html)
            screenshot(html, output, args.browser, size="1280,900")
        print(f"wrote {output}: {args.compare.name}, {groups} groups", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "explain.html"
        claims = write_page(args.article, html)
        screenshot(html, args.output, args.browser)
    print(f"wrote {args.output}: {args.article.name}, {claims} claims highlighted", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
