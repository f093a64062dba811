"""Line F1 of trafilatura's main-content extraction beside ours, on the HTML pages of labelled sets.

trafilatura is not a dependency of zhclaims; this script measures it as an anchor. Install it into
the environment you run the script with:

    pip install trafilatura
    python bench/trafilatura_compare.py ../shared/dev ../shared/dev2

Each set directory holds `articles/` and `gold/`. Only articles with an `.html` page are compared
(trafilatura reads HTML; Markdown and scraped text have no page to give it). Both outputs go
through the same traditional -> simplified conversion and are scored by `pipeline.evaluation.score.score_clean`
(lines as multisets, CER of the whole text), so the figures are those of `zhclaims score`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.text.convert import to_simplified  # noqa: E402
from pipeline.rules import load_rules  # noqa: E402
from pipeline.run import clean_document  # noqa: E402
from pipeline.evaluation.score import CleanScore, score_clean  # noqa: E402

INSTALL = "trafilatura is not installed: `pip install trafilatura` into this environment, then run again."


def trafilatura_text(html: str) -> str:
    """trafilatura's main text of a page (tables included), one paragraph a line; '' when it finds none."""
    import trafilatura

    text = trafilatura.extract(html, include_tables=True, include_comments=False) or ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "".join(line + "\n" for line in lines)


def compare(set_dir: Path, rules) -> tuple[CleanScore, CleanScore, list[str]]:
    """Scores of trafilatura and of our cleaner on the set's HTML pages, and one report row per page."""
    ours_total, theirs_total, rows = CleanScore(), CleanScore(), []
    for page in sorted((set_dir / "articles").glob("*.html")):
        gold_path = set_dir / "gold" / f"{page.stem}.clean.txt"
        if not gold_path.exists():
            continue
        raw = page.read_text(encoding="utf-8")
        gold = gold_path.read_text(encoding="utf-8")
        ours = score_clean(clean_document(raw, fmt="html", rules=rules).text, gold)
        theirs = score_clean(to_simplified(trafilatura_text(raw), rules), gold)
        ours_total, theirs_total = ours_total + ours, theirs_total + theirs
        rows.append(f"{set_dir.name:5} {page.stem:6} {theirs.f1:6.3f} {theirs.cer:7.3f}   {ours.f1:6.3f} {ours.cer:7.3f}")
    return theirs_total, ours_total, rows


def main(argv: list[str] | None = None) -> int:
    """Print per page and per set: trafilatura's line F1 and CER, then ours."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path, help="set directories with articles/ and gold/")
    args = parser.parse_args(argv)
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        print(INSTALL, file=sys.stderr)
        return 2
    rules = load_rules()
    print("set   page   trafilatura F1   CER   zhclaims F1   CER")
    for set_dir in args.sets:
        theirs, ours, rows = compare(set_dir, rules)
        print("\n".join(rows))
        print(f"{set_dir.name:5} all    {theirs.f1:6.3f} {theirs.cer:7.3f}   {ours.f1:6.3f} {ours.cer:7.3f}   ({len(rows)} HTML pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
