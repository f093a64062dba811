"""The development-set gate of `make test`: scores and leaks, run where ../shared exists.

1. Scores: each labelled set of ../shared (dev, dev2) is scored and every figure checked against
   its pinned baseline (gold/baseline.<set>.json); a drop fails.
2. Leaks: the labelled sets and the corpus are for measuring only. No rule example (text,
   counter-example, boilerplate drop/keep line, inline-junk context) and no string of the test
   suite may quote them: any run of WINDOW characters of such a string that occurs in one of
   their texts fails, naming the rule or test file.

A clone without ../shared (a user's) has nothing to check: the gate says so and passes.

    python tools/dev_gate.py [--write-baseline] [--shared DIR]
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SETS = ("dev", "dev2")
#: A run of this many characters shared with a measuring text counts as a quote.
WINDOW = 12
#: Rule keys whose strings are text examples.
EXAMPLE_KEYS = ("counterexamples", "drop", "keep", "before", "after")


def rule_strings() -> Iterator[tuple[str, str]]:
    """(where, text) of every example string of the built-in rules."""
    sys.path.insert(0, str(REPO))
    from pipeline.rules import load_rules

    for rules in load_rules().rules.values():
        for rule in rules:
            for example in rule.get("examples") or []:
                for key in ("text", "clean"):
                    if isinstance(example.get(key), str):
                        yield rule.where, example[key]
            for key in EXAMPLE_KEYS:
                for text in rule.get(key) or []:
                    if isinstance(text, str):
                        yield rule.where, text


def test_strings() -> Iterator[tuple[str, str]]:
    """(file:line, text) of every string literal of the test suite."""
    for path in sorted((REPO / "tests").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield f"{path.relative_to(REPO)}:{node.lineno}", node.value


def measuring_texts(shared: Path) -> list[str]:
    """The texts of the labelled sets (articles and gold clean text) and of the corpus, simplified too."""
    import opencc

    to_simple = opencc.OpenCC("t2s")
    texts = []
    for name in SETS:
        for path in sorted((shared / name).rglob("*")):
            if path.is_file() and path.suffix in (".txt", ".md", ".html"):
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    corpus = shared / "corpus"
    if corpus.is_dir():
        for path in sorted(corpus.rglob("*")):
            if path.is_file() and path.suffix in (".txt", ".md", ".html"):
                text = path.read_text(encoding="utf-8", errors="replace")
                texts.append(text)
                texts.append(to_simple.convert(text))
    return texts


def _windows(text: str) -> set[str]:
    text = "".join(text.split())
    return {text[i : i + WINDOW] for i in range(len(text) - WINDOW + 1)}


def leaks(shared: Path) -> list[str]:
    """Rule examples and test strings that quote a measuring text, one message each."""
    candidates: dict[str, str] = {}
    for where, text in (*rule_strings(), *test_strings()):
        for window in _windows(text):
            if sum(ord(ch) > 0x2E80 for ch in window) >= WINDOW // 2:  # Chinese text, not code
                candidates.setdefault(window, where)
    if not candidates:
        return []
    found: dict[str, str] = {}
    for text in measuring_texts(shared):
        squeezed = "".join(text.split())
        for i in range(len(squeezed) - WINDOW + 1):
            window = squeezed[i : i + WINDOW]
            if window in candidates:
                found.setdefault(candidates[window], window)
    return [f"{where}: quotes a measuring text ({window!r})" for where, window in sorted(found.items())]


def check_scores(shared: Path, write: bool) -> list[str]:
    """Score every labelled set present; return the figures below their baselines."""
    failures = []
    for name in SETS:
        base = shared / name
        if not (base / "articles").is_dir():
            print(f"dev gate: {base} not found, {name} not scored")
            continue
        baseline = REPO / "gold" / f"baseline.{name}.json"
        cmd = [sys.executable, "-m", "pipeline.tools.cli", "score", "--seeds", str(base / "articles"), "--gold", str(base / "gold")]
        if write or not baseline.exists():
            cmd += ["--write-baseline", str(baseline)]
        else:
            cmd += ["--check", "--baseline", str(baseline)]
        result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        summary = [line for line in result.stdout.splitlines() if line.startswith("overall")]
        print(f"dev gate: {name}: " + " | ".join(summary))
        if result.returncode != 0:
            failures.append(f"{name}: {result.stderr.strip()}")
        else:
            print(f"dev gate: {name}: {result.stderr.strip().splitlines()[-1]}")
    return failures


def main() -> int:
    """Run the gate; exit 1 on a score below baseline or a quoted measuring text."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the folder of the measuring sets")
    parser.add_argument("--write-baseline", action="store_true", help="pin the current figures of every set")
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"dev gate: {args.shared} not found: no development sets to score or check for quotes")
        return 0
    failures = check_scores(args.shared, args.write_baseline)
    quoted = leaks(args.shared)
    for message in quoted:
        print(f"dev gate: {message}")
    print(f"dev gate: {len(quoted)} quotes of measuring texts in rule examples and tests")
    for failure in failures:
        print(f"dev gate: below baseline: {failure}")
    return 1 if failures or quoted else 0


if __name__ == "__main__":
    sys.exit(main())
