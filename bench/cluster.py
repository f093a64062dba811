"""Benchmark of `extract --cluster local:N`: a fresh LocalCluster per run, N = 1 and 2 back to back.

Each run times the cluster's start, the pipeline build on the workers (the plugin), the
extraction of the corpus into part files, and reads each worker process's CPU time and peak RSS.
With --local the local batch (`zhclaims extract --workers N`, the same code path as the command)
is run beside it, in the same alternation, for the cost of Dask against the local pool.

    .venv/bin/python bench/cluster.py [--corpus DIR] [--workers 1,2] [--repeat 2] [--batch-size 64] [--local] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.rules import load_rules  # noqa: E402
from pipeline.tools import cluster  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "hkcnews"


def _worker_usage() -> dict[str, float]:
    """CPU seconds and peak RSS (MB) of the process this runs in (a worker, or the driver)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def run_cluster(items: list[str], workers: int, batch_size: int) -> dict[str, Any]:
    """One run on a fresh LocalCluster of `workers` processes: phase times, worker CPU and memory, output size."""
    rules = load_rules()
    with tempfile.TemporaryDirectory(prefix="zhclaims-bench-") as tmp:
        out = str(Path(tmp) / "claims")
        t0 = time.perf_counter()
        with cluster.connect(f"local:{workers}", dashboard_address=":0") as client:
            t1 = time.perf_counter()
            cluster.ensure_plugin(client, rules, False)
            idle = client.run(_worker_usage)
            driver = _worker_usage()["cpu_s"]
            t2 = time.perf_counter()
            summary = cluster.run(client, items, out, rules, batch_size=batch_size)
            t3 = time.perf_counter()
            driver = _worker_usage()["cpu_s"] - driver
            used = client.run(_worker_usage)
        t4 = time.perf_counter()
        size = sum(p.stat().st_size for p in Path(out).glob("part-*"))
    cpu = sum(used[w]["cpu_s"] - idle[w]["cpu_s"] for w in used if w in idle)
    return {
        "mode": f"local:{workers}",
        "workers": workers,
        "start_s": t1 - t0,
        "build_s": t2 - t1,
        "extract_s": t3 - t2,
        "total_s": t4 - t0,
        "articles": summary.articles,
        "claims": summary.claims,
        "failed": len(summary.failures),
        "worker_cpu_s": cpu,
        "cpu_ms_per_article": 1000 * cpu / max(1, summary.articles),
        # this process (scheduler, client, driver loop) while extracting: the cost of Dask per part
        "driver_cpu_s": driver,
        "parts": summary.parts,
        # the share of a core each worker had while extracting: 1.0 on an idle machine
        "core_share": cpu / ((t3 - t2) * workers) if t3 > t2 else 0.0,
        "worker_peak_rss_mb": max(u["peak_rss_mb"] for u in used.values()),
        "output_bytes": size,
    }


def run_local(paths: list[str], workers: int) -> dict[str, Any]:
    """One run of the local batch, `zhclaims extract --workers N`, as a child process (pipeline build included)."""
    with tempfile.TemporaryDirectory(prefix="zhclaims-bench-") as tmp:
        out = Path(tmp) / "claims.jsonl"
        command = [sys.executable, "-m", "pipeline.tools.cli", "extract", *paths, "-o", str(out), "--workers", str(workers)]
        t0 = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        total = time.perf_counter() - t0
        claims = len(out.read_text(encoding="utf-8").splitlines()) if out.exists() else 0
    return {"mode": f"--workers {workers}", "workers": workers, "total_s": total, "claims": claims}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=cluster.BATCH_SIZE)
    parser.add_argument("--local", action="store_true", help="run the local batch (--workers N) beside each cluster run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-cluster.json")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    items = cluster.expand_inputs([str(args.corpus)])
    raw = sum(Path(i).stat().st_size for i in items)
    print(f"corpus {args.corpus}: {len(items)} articles, {raw / 1e6:.1f} MB; workers {counts}, {args.repeat} rounds", file=sys.stderr)
    runs: list[dict[str, Any]] = []
    for round_ in range(1, args.repeat + 1):
        for n in counts:  # back to back, alternating, so that a change in the machine's load hits all modes
            figures = run_cluster(items, n, args.batch_size)
            figures["round"] = round_
            runs.append(figures)
            print(
                f"round {round_} local:{n}: start {figures['start_s']:.1f} s, build {figures['build_s']:.1f} s, "
                f"extract {figures['extract_s']:.1f} s, total {figures['total_s']:.1f} s, "
                f"{figures['cpu_ms_per_article']:.0f} ms CPU/article, core share {figures['core_share']:.2f}, "
                f"driver {1000 * figures['driver_cpu_s'] / figures['parts']:.0f} ms CPU/part, "
                f"worker peak {figures['worker_peak_rss_mb']:.0f} MB",
                file=sys.stderr, flush=True,
            )
            if args.local:
                local = run_local(items, n)
                local["round"] = round_
                runs.append(local)
                print(f"round {round_} --workers {n}: total {local['total_s']:.1f} s", file=sys.stderr, flush=True)
    print("\n| mode | runs | extract s (median) | total s (median) | articles/s (extract) | CPU ms/article | core share | worker peak MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for mode in dict.fromkeys(r["mode"] for r in runs):
        mine = [r for r in runs if r["mode"] == mode]
        total = statistics.median(r["total_s"] for r in mine)
        if "extract_s" in mine[0]:
            extract = statistics.median(r["extract_s"] for r in mine)
            cpu = statistics.median(r["cpu_ms_per_article"] for r in mine)
            share = statistics.median(r["core_share"] for r in mine)
            peak = max(r["worker_peak_rss_mb"] for r in mine)
            rate = mine[0]["articles"] / extract
            print(f"| {mode} | {len(mine)} | {extract:.1f} | {total:.1f} | {rate:.1f} | {cpu:.0f} | {share:.2f} | {peak:.0f} |")
        else:
            print(f"| {mode} | {len(mine)} | | {total:.1f} | | | | |")
    args.out.write_text(
        json.dumps({"corpus": str(args.corpus), "articles": len(items), "raw_bytes": raw, "machine": platform.platform(), "runs": runs}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
