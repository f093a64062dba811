"""`extract --cluster` on a Dask LocalCluster of two worker processes started by the tests: the same
rows as the local batch, a worker killed mid-run, an article that kills every worker it meets,
an interrupted run completed by --resume, the command line, inputs through fsspec."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from distributed import Client, LocalCluster, WorkerPlugin
from typer.testing import CliRunner

from pipeline.claim import to_json
from pipeline.tools import cluster
from pipeline.tools.batch import WORKER_DIED, Failure, process
from pipeline.tools.cli import app

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
runner = CliRunner()

#: Short invented articles in the three formats.
INVENTED = {
    "inv_a.txt": "某县今年新建农村公路320公里,比上年增长12.5%。\n全县共有养老机构46家,床位约3100张。\n",
    "inv_b.md": "# 某市教育简报\n\n本学期全市新增学位8600个,投入资金约3.2亿元。\n",
    "inv_c.html": "<html><body><p>该区今年培训新型职业农民1500人次,发放补贴120万元。</p></body></html>\n",
    "inv_d.txt": "截至9月底,某镇累计完成造林面积2.4万亩,占全年任务的96%。\n",
}


def _corpus(directory: Path) -> Path:
    """Eighteen inputs: the seeds under two names each, invented articles, an empty one and three bad ones."""
    directory.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, directory / seed.name)
        shutil.copy(seed, directory / f"copy_{seed.name}")
    for name, text in INVENTED.items():
        (directory / name).write_text(text, encoding="utf-8")
    (directory / "empty.txt").write_bytes(b"")
    (directory / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (directory / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 4)
    (directory / "dangling.txt").symlink_to(directory / "nowhere")
    return directory


@pytest.fixture(scope="module")
def dask_cluster():
    """A LocalCluster of two single-threaded worker processes, shared by the tests of this module."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL
    ) as local, Client(local) as client:
        yield local, client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _corpus(tmp_path_factory.mktemp("cluster") / "corpus")


@pytest.fixture(scope="module")
def local_batch(corpus: Path, rules, nlp) -> tuple[list[str], list[Failure]]:
    """The local batch's rows (in its order) and failures on the corpus."""
    from pipeline.run import iter_inputs

    rows, failures = [], []
    for outcome in process(list(iter_inputs([corpus])), "extract", rules, nlp=nlp):
        if outcome.failure is not None:
            failures.append(outcome.failure)
        rows.extend(to_json(claim) for claim in outcome.claims)
    return rows, failures


def _parts(directory: Path) -> list[Path]:
    return sorted(directory.glob("part-*.jsonl"))


def _rows(directory: Path) -> list[str]:
    """The rows of all parts, in part order."""
    return [line for part in _parts(directory) for line in part.read_text(encoding="utf-8").splitlines()]


def _errors(directory: Path) -> list[dict]:
    text = Path(f"{directory}.errors.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _settle(client: Client, timeout: float = 60) -> None:
    """Wait until no task runs on the cluster (a cancelled batch still running finishes its part)."""
    end = time.monotonic() + timeout
    while any(client.processing().values()) and time.monotonic() < end:
        time.sleep(0.2)


class Saboteur(WorkerPlugin):
    """Kills its worker process (SIGKILL) when the article `victim` starts: once in all (a marker
    file records it) or, without a marker, every time."""

    def __init__(self, victim: str, marker: str | None) -> None:
        self.victim, self.marker = victim, marker

    def setup(self, worker) -> None:
        self.original = cluster.extract_item
        victim, marker, original = self.victim, self.marker, self.original

        def extract_item(item, *args, **kwargs):
            if Path(item).name == victim:
                try:
                    if marker is not None:
                        open(marker, "x").close()
                    os.kill(os.getpid(), signal.SIGKILL)
                except FileExistsError:
                    pass
            return original(item, *args, **kwargs)

        cluster.extract_item = extract_item

    def teardown(self, worker) -> None:
        cluster.extract_item = self.original


@pytest.fixture()
def sabotage(dask_cluster):
    """Register a Saboteur on the workers (including restarted ones) for one test."""
    _, client = dask_cluster

    def register(victim: str, marker: Path | None) -> None:
        client.register_plugin(Saboteur(victim, None if marker is None else str(marker)), name="saboteur")

    yield register
    client.unregister_worker_plugin("saboteur")
    _settle(client)


def _pids(client: Client) -> set[int]:
    return set(client.run(os.getpid).values())


def test_cluster_rows_equal_local_batch(dask_cluster, corpus: Path, local_batch, rules, tmp_path: Path):
    _, client = dask_cluster
    rows, failures = local_batch
    items = cluster.expand_inputs([str(corpus)])
    out = tmp_path / "claims"
    summary = cluster.run(client, items, str(out), rules, batch_size=3)
    assert len(items) == 18 and summary.parts == len(_parts(out)) == 6
    assert sorted(_rows(out)) == sorted(rows)
    assert _rows(out) == rows  # the parts in order are the local batch's output, in its order
    assert summary.claims == len(rows) > 200
    assert _errors(out) == [json.loads(f.to_json()) for f in failures]
    assert [f["path"] for f in _errors(out)] == [str(corpus / n) for n in ("binary.txt", "dangling.txt", "undecodable.txt")]
    assert sorted(p.name for p in (out / "_errors").iterdir()) == [cluster.part_name(i) for i in (1, 3, 5)]


def test_cluster_worker_killed_mid_run_costs_a_retry(dask_cluster, corpus: Path, local_batch, rules, tmp_path: Path, sabotage):
    _, client = dask_cluster
    marker = tmp_path / "killed-once"
    sabotage(f"copy_{SEEDS[2].name}", marker)  # in the third of six batches
    before = _pids(client)
    out = tmp_path / "claims"
    summary = cluster.run(client, cluster.expand_inputs([str(corpus)]), str(out), rules, batch_size=3)
    assert marker.exists()
    assert len(before - _pids(client)) == 1  # one worker process died (and its nanny started another)
    assert summary.parts == len(_parts(out)) == 6
    assert sorted(_rows(out)) == sorted(local_batch[0])
    assert len(_errors(out)) == 3


def test_cluster_article_that_kills_every_worker_fails_alone(dask_cluster, corpus: Path, local_batch, rules, tmp_path: Path, sabotage):
    local, client = dask_cluster
    poison = tmp_path / "poison.txt"
    poison.write_text("该县共有村卫生室210个。\n", encoding="utf-8")
    sabotage("poison.txt", None)
    allowed = local.scheduler.allowed_failures
    local.scheduler.allowed_failures = 0  # a batch whose worker dies once is given up to the rescue at once
    try:
        out = tmp_path / "claims"
        summary = cluster.run(client, [str(poison), *cluster.expand_inputs([str(corpus)])], str(out), rules, batch_size=3)
    finally:
        local.scheduler.allowed_failures = allowed
    assert sorted(_rows(out)) == sorted(local_batch[0])
    # the summary lists failures as parts complete (the rescued part comes late); the errors file in part order
    assert Failure(str(poison), "extract", WORKER_DIED) in summary.failures
    assert _errors(out)[0] == {"path": str(poison), "stage": "extract", "error": WORKER_DIED}


def test_cluster_resume_completes_an_interrupted_run(dask_cluster, corpus: Path, local_batch, rules, tmp_path: Path):
    _, client = dask_cluster
    items = cluster.expand_inputs([str(corpus)])
    out = tmp_path / "claims"
    seen: list[int] = []

    def stop_after_two(result) -> None:
        seen.append(result.index)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cluster.run(client, items, str(out), rules, batch_size=2, on_part=stop_after_two)
    _settle(client)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no partial file
    written = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in _parts(out)}
    assert 2 <= len(written) < 9
    with pytest.raises(cluster.ClusterError, match="--resume completes it"):
        cluster.run(client, items, str(out), rules, batch_size=2)
    with pytest.raises(cluster.ClusterError, match="other inputs, inputs_sha256"):
        cluster.run(client, items[1:], str(out), rules, batch_size=2, resume=True)
    skipped: list[int] = []
    summary = cluster.run(client, items, str(out), rules, batch_size=2, resume=True, on_part=lambda r: r.skipped and skipped.append(r.index))
    assert summary.skipped == len(skipped) == len(written) and summary.parts == len(_parts(out)) == 9
    assert {name: stat for name, stat in written.items()} == {
        p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in _parts(out) if p.name in written
    }
    assert _rows(out) == local_batch[0]
    assert len(_errors(out)) == 3 and len(summary.failures) == 3


def test_cluster_default_date_as_in_the_local_batch(dask_cluster, rules, nlp, tmp_path: Path):
    _, client = dask_cluster
    directory = tmp_path / "corpus"
    directory.mkdir()
    (directory / "inv_a.txt").write_text(INVENTED["inv_a.txt"], encoding="utf-8")
    out = tmp_path / "claims"
    cluster.run(client, cluster.expand_inputs([str(directory)]), str(out), rules, default_date="2023-06-30")
    expected = [to_json(c) for o in process([directory / "inv_a.txt"], "extract", rules, nlp=nlp, default_date="2023-06-30") for c in o.claims]
    assert _rows(out) == expected
    assert any(json.loads(row)["period_start"] == "2023-01-01" for row in expected)
    with pytest.raises(cluster.ClusterError, match="other date"):
        cluster.run(client, cluster.expand_inputs([str(directory)]), str(out), rules, resume=True)


def test_cluster_cli_on_a_scheduler_address(dask_cluster, corpus: Path, local_batch, tmp_path: Path):
    local, _ = dask_cluster
    out = tmp_path / "claims"
    args = ["extract", str(corpus), "--cluster", local.scheduler_address, "-o", str(out), "--batch-size", "3"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1  # three bad inputs
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"dask: scheduler {local.scheduler_address}, dashboard http://")
    assert f"error: {corpus / 'binary.txt'}: binary file (contains NUL bytes)" in lines
    assert lines[-1] == f"wrote 6 parts to {out} (0 done before, skipped): 18 articles, {len(local_batch[0])} claims, 3 failed"
    assert sorted(_rows(out)) == sorted(local_batch[0])
    stamps = [p.stat().st_mtime_ns for p in _parts(out)]
    again = runner.invoke(app, [*args, "--resume"])
    assert again.exit_code == 1
    assert again.stderr.splitlines()[-1] == f"wrote 0 parts to {out} (6 done before, skipped): 18 articles, 0 claims, 3 failed"
    assert [p.stat().st_mtime_ns for p in _parts(out)] == stamps
    assert len(_errors(out)) == 3


def test_cluster_cli_on_a_local_cluster(tmp_path: Path, rules, nlp):
    directory = tmp_path / "corpus"
    directory.mkdir()
    for name, text in INVENTED.items():
        (directory / name).write_text(text, encoding="utf-8")
    out = tmp_path / "claims"
    result = runner.invoke(app, ["extract", str(directory), "--cluster", "local:1", "-o", str(out), "--batch-size", "2"])
    assert result.exit_code == 0, result.stderr
    assert "dashboard http://" in result.stderr.splitlines()[0]
    expected = [to_json(c) for o in process(sorted(directory.iterdir()), "extract", rules, nlp=nlp) for c in o.claims]
    assert len(_parts(out)) == 2 and _rows(out) == expected and len(expected) >= 8
    assert _errors(out) == []


def test_cluster_cli_parquet_parts_hold_the_local_batch_rows(tmp_path: Path, rules, nlp):
    """`--format parquet` with --cluster: one Parquet part per batch, typed as `extract --format parquet`,
    holding the rows the local batch writes as JSON Lines."""
    import pyarrow.parquet as pq

    directory = tmp_path / "corpus"
    directory.mkdir()
    for name, text in INVENTED.items():
        (directory / name).write_text(text, encoding="utf-8")
    out = tmp_path / "claims"
    args = ["extract", str(directory), "--cluster", "local:1", "-o", str(out), "--batch-size", "2", "--format", "parquet"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    parts = sorted(out.glob("part-*.parquet"))
    assert len(parts) == 2 and not list(out.glob("part-*.jsonl"))
    assert pq.read_table(parts[0]).schema.field("start").type == "int64"
    got = [row for part in parts for row in pq.read_table(part).to_pylist()]
    for row in got:
        row["meta"] = json.loads(row["meta"]) if row["meta"] is not None else None
    expected = [
        {**row, "value": str(row["value"]), "high": None if row["high"] is None else str(row["high"])}
        for o in process(sorted(directory.iterdir()), "extract", rules, nlp=nlp)
        for row in (json.loads(to_json(c)) for c in o.claims)
    ]
    assert got == expected and len(expected) >= 8


def test_cluster_cli_corpus_fields_as_in_the_local_batch(tmp_path: Path):
    """A JSON Lines corpus with its own text and id fields: --text-field/--id-field reach the workers."""
    corpus = tmp_path / "news.jsonl"
    rows = [{"uid": f"n{k}", "body": text, "title": f"标题{k}"} for k, text in enumerate(INVENTED.values())]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    fields = ["--text-field", "body", "--id-field", "uid"]
    local = runner.invoke(app, ["extract", str(corpus), *fields, "-o", str(tmp_path / "local.jsonl")])
    assert local.exit_code == 0, local.stderr
    expected = (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(expected) >= 8 and {json.loads(r)["doc"] for r in expected} <= {r["uid"] for r in rows}
    out = tmp_path / "claims"
    result = runner.invoke(app, ["extract", str(corpus), *fields, "--cluster", "local:1", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert _rows(out) == expected
    assert json.loads((out / "_zhclaims.json").read_text(encoding="utf-8"))["fields"] == ["body", "uid"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--cluster", "local:0", "-o", "DIR"], "local:N needs at least one worker process, not local:0"),
        (["--cluster", "nowhere", "-o", "DIR"], "bad cluster address 'nowhere'"),
        (["--cluster", "local:2"], "--cluster needs -o DIR"),
        (["--resume", "-o", "DIR"], "--resume needs --cluster"),
        (["--cluster", "local:2", "-o", "DIR", "--workers", "2"], "--workers is for one machine"),
        (["--cluster", "local:2", "-o", "DIR", "--format", "csv"], "--format csv is not written by --cluster"),
    ],
)
def test_cluster_cli_usage_errors(tmp_path: Path, args: list[str], message: str):
    args = [str(tmp_path / "out") if a == "DIR" else a for a in args]
    result = runner.invoke(app, ["extract", str(REPO / "seeds"), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {message}")


@pytest.mark.parametrize("module", ["distributed", "fsspec"])
def test_cluster_cli_without_dask_names_the_extra(tmp_path: Path, monkeypatch, module: str):
    monkeypatch.setitem(sys.modules, module, None)  # import raises ImportError, as where it is not installed
    result = runner.invoke(app, ["extract", str(REPO / "seeds"), "--cluster", "local:2", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "pip install 'zhclaims[dask]'" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "inputs,expected",
    [
        (["corpus"], ["corpus/a.md", "corpus/b.txt", "corpus/sub/c.html"]),
        (["corpus/*.txt", "corpus/sub"], ["corpus/b.txt", "corpus/sub/c.html"]),
        (["file://{tmp}/corpus/sub", "corpus/missing.txt"], ["corpus/missing.txt", "corpus/sub/c.html"]),
        (["memory://mem/corpus"], ["memory:///mem/corpus/a.md", "memory:///mem/corpus/b.txt", "memory:///mem/corpus/sub/c.html"]),
        (["memory://mem/corpus/*.md"], ["memory:///mem/corpus/a.md"]),
    ],
)
def test_cluster_expand_inputs(tmp_path: Path, monkeypatch, inputs: list[str], expected: list[str]):
    import fsspec

    memory = fsspec.filesystem("memory")
    for name in ("corpus/a.md", "corpus/b.txt", "corpus/sub/c.html", "corpus/d.pdf"):  # the same tree on disk and in memory
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
        memory.pipe(f"/mem/{name}", b"x")
    monkeypatch.chdir(tmp_path)
    found = cluster.expand_inputs([i.format(tmp=tmp_path) for i in inputs])
    assert found == [e if e.startswith("memory:") else str(tmp_path / e) for e in expected]


def test_cluster_extract_item_reads_fsspec_urls(rules, nlp, tmp_path: Path):
    import fsspec

    text = INVENTED["inv_a.txt"]
    fsspec.filesystem("memory").pipe("/remote/inv_a.txt", text.encode("utf-8"))
    (tmp_path / "inv_a.txt").write_text(text, encoding="utf-8")
    remote = cluster.extract_item("memory:///remote/inv_a.txt", rules, nlp)
    local = cluster.extract_item(str(tmp_path / "inv_a.txt"), rules, nlp)
    assert [to_json(c) for c in remote.claims] == [to_json(c) for c in local.claims] and len(local.claims) >= 3
    missing = cluster.extract_item("memory:///remote/none.txt", rules, nlp)
    assert missing.failure is not None
    assert (missing.failure.path, missing.failure.stage) == ("memory:///remote/none.txt", "read")
    assert missing.failure.error.startswith("cannot be read (FileNotFoundError")


@pytest.mark.parametrize("output", ["memory://written/claims", "LOCAL"])
def test_cluster_write_part_local_and_remote(rules, nlp, tmp_path: Path, output: str):
    import fsspec

    output = str(tmp_path / "claims") if output == "LOCAL" else output
    (tmp_path / "inv_d.txt").write_text(INVENTED["inv_d.txt"], encoding="utf-8")
    outcomes = [cluster.extract_item(str(tmp_path / name), rules, nlp) for name in ("inv_d.txt", "none.txt")]
    result = cluster.write_part(output, 3, outcomes)
    assert (result.index, result.articles, result.claims) == (3, 2, len(outcomes[0].claims)) and result.claims >= 2
    assert cluster._listdir(output) == {"part-00003.jsonl", "_errors"}
    with fsspec.open(f"{output}/part-00003.jsonl", "r", encoding="utf-8") as part:
        assert part.read().splitlines() == [to_json(c) for c in outcomes[0].claims]
    assert cluster.read_part_failures(output, 3) == [Failure(str(tmp_path / "none.txt"), "read", "cannot be read (No such file or directory)")]
    assert cluster.read_part_failures(output, 4) == []
    with pytest.raises(cluster.ClusterError, match="holds parts but no _zhclaims.json"):
        cluster._check_output(output, cluster.manifest(["x"], 2, "jsonl", False), resume=True)
