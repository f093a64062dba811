"""Instructions, not seconds: end to end against bare jieba.lcut, counted by valgrind's callgrind.

On a shared machine the wall-clock ratio of `bench/run.py` moves by a third from run to run (other
load slows either side); the number of instructions a run executes does not. This script runs the
warm end-to-end pass of `bench/run.py` (every STEP-th article of --corpus, read once before, the
first quarter outside memory zones as the bench's first 300 of 1,200) and `jieba.lcut` over the
same clean texts, each in its own callgrind process, counting only the timed part, and prints the
two counts and their ratio (jieba's instructions / ours: the chars/s ratio if both ran at the same
instructions per cycle, which they need not). Needs valgrind (with its callgrind.h) and a C compiler.

    .venv/bin/python bench/instructions.py --corpus ../shared/corpus/hkcnews [--step 10]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: A client request of callgrind's (its macros are inline assembly): collection on and off.
TOGGLE_C = """#include <valgrind/callgrind.h>
void collect(void) { CALLGRIND_TOGGLE_COLLECT; }
"""


def _toggle_library(folder: Path) -> Path:
    source, library = folder / "toggle.c", folder / "libtoggle.so"
    source.write_text(TOGGLE_C, encoding="utf-8")
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)], check=True)
    return library


def _measured(corpus: Path, step: int, side: str, library: Path) -> None:
    """Inside callgrind: the first pass, then the timed part of `side` ("pipeline" or "jieba") with collection on."""
    sys.path.insert(0, str(ROOT))
    import pipeline.run as run
    from pipeline.rules import load_rules

    toggle = ctypes.CDLL(str(library)).collect
    gc.disable()  # as `zhclaims` starts: load_nlp freezes the start-up objects and resumes collecting
    rules = load_rules()
    nlp = run.load_nlp(rules)
    paths = list(run.iter_inputs([corpus]))[::step]
    run.WARM_TEXTS = len(paths) // 4
    texts = [run.process_file(path, rules, nlp).text for path in paths]
    if side == "pipeline":
        toggle()
        for path in paths:
            run.process_file(path, rules, nlp)
        toggle()
    else:
        from run import jieba_tokenizer  # bench/run.py, beside this script: the bench's own jieba

        tokenizer = jieba_tokenizer()
        toggle()
        for text in texts:
            tokenizer.lcut(text)
        toggle()
    print(f"{len(paths)} articles, {sum(map(len, texts)):,} clean chars", file=sys.stderr)


def _count(corpus: Path, step: int, side: str, library: Path) -> int:
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--callgrind-out-file=/dev/null",
               sys.executable, __file__, "--corpus", str(corpus), "--step", str(step), "--inside", side, "--library", str(library)]
    done = subprocess.run(command, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"callgrind run of {side} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="directory of articles")
    parser.add_argument("--step", type=int, default=10, help="every STEP-th article (default 10: a run takes minutes)")
    parser.add_argument("--inside", choices=("pipeline", "jieba"), help=argparse.SUPPRESS)
    parser.add_argument("--library", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        _measured(args.corpus, args.step, args.inside, args.library)
        return 0
    missing = [tool for tool in ("valgrind", "cc") if shutil.which(tool) is None]
    if missing:
        print(f"bench/instructions.py needs {' and '.join(missing)} (e.g. apt install valgrind gcc)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="zhclaims-instructions-") as tmp:
        library = _toggle_library(Path(tmp))
        with ThreadPoolExecutor(2) as pool:  # the two sides at once, one per core
            ours, theirs = pool.map(lambda side: _count(args.corpus, args.step, side, library), ("pipeline", "jieba"))
    print(f"end to end (warm pass): {ours:,} instructions")
    print(f"jieba.lcut, same clean texts: {theirs:,} instructions")
    print(f"jieba / end to end: {theirs / ours:.2f}x (the chars/s ratio at equal instructions per cycle)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
