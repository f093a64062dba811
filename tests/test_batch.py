"""Batch runs of `extract` and `clean`: workers, bad inputs, the errors file, exit status, Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.tools.batch import AtomicWriter, Failure, errors_path, process
from pipeline.tools.cli import app
from pipeline.text.reader import MAX_BYTES

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
ZHCLAIMS = Path(sys.executable).with_name("zhclaims")
runner = CliRunner()


def _bad_inputs(directory: Path) -> dict[str, str]:
    """Write one bad input of each kind into `directory`; return file name -> expected reason."""
    (directory / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (directory / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 4)
    # a dangling symlink cannot be read even by root (unlike a file with permission 000)
    (directory / "dangling.txt").symlink_to(directory / "nowhere")
    return {
        "binary.txt": "binary file (contains NUL bytes)",
        "undecodable.txt": "cannot be decoded as UTF-8, GB18030 or Big5",
        "dangling.txt": "cannot be read (No such file or directory)",
    }


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """The seeds, an empty article and bad inputs in one directory."""
    directory = tmp_path / "corpus"
    directory.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, directory / seed.name)
    (directory / "empty.txt").write_bytes(b"")
    _bad_inputs(directory)
    return directory


def _extract(args: list[str]):
    """Exit status, standard output, and standard error without the summary line (its timing varies), which must be there."""
    result = runner.invoke(app, ["extract", *args])
    lines = result.stderr.splitlines(keepends=True)
    if result.exit_code in (0, 1):  # a run that went through ends with its summary
        assert lines and lines[-1].startswith("extract: ") and " articles, " in lines[-1], result.stderr
        lines = lines[:-1]
    return result.exit_code, result.stdout, "".join(lines)


def test_batch_extract_same_bytes_twice_and_with_two_workers(corpus: Path, tmp_path: Path):
    runs = []
    for name, workers in (("a", 1), ("b", 1), ("c", 2)):
        out = tmp_path / name / "claims.jsonl"
        code, _, stderr = _extract([str(corpus), "-o", str(out), "--workers", str(workers)])
        runs.append((code, stderr, out.read_bytes(), errors_path(out).read_bytes()))
    assert runs[0] == runs[1] == runs[2]
    code, stderr, claims, errors = runs[0]
    assert code == 1
    assert len(claims.splitlines()) == 180  # the seeds' claims; the empty article gives none
    assert [json.loads(line)["path"] for line in errors.decode().splitlines()] == [
        str(corpus / name) for name in ("binary.txt", "dangling.txt", "undecodable.txt")
    ]


def test_batch_clean_with_two_workers_same_as_one(corpus: Path, tmp_path: Path):
    trees = []
    for workers in (1, 2):
        directory = tmp_path / f"clean{workers}"
        result = runner.invoke(app, ["clean", str(corpus), "-d", str(directory), "--workers", str(workers)])
        assert result.exit_code == 1
        trees.append({p.name: p.read_bytes() for p in sorted(directory.iterdir())})
    assert trees[0] == trees[1]
    assert trees[0]["000_ed8c8fe637e82367.clean.txt"] == (REPO / "gold" / "000_ed8c8fe637e82367.clean.txt").read_bytes()
    assert trees[0]["empty.clean.txt"] == b""
    assert len(trees[0]["clean.errors.jsonl"].splitlines()) == 3


@pytest.mark.parametrize("name", ["binary.txt", "undecodable.txt", "dangling.txt"])
def test_batch_bad_input_reported_with_path_and_reason(tmp_path: Path, name: str):
    reasons = _bad_inputs(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text("全州共73个安置点。\n", encoding="utf-8")
    out = tmp_path / "out" / "claims.jsonl"
    code, _, stderr = _extract([str(tmp_path / name), str(good), "-o", str(out)])
    assert code == 1
    assert f"error: {tmp_path / name}: {reasons[name]}" in stderr.splitlines()
    assert [json.loads(line)["doc"] for line in out.read_text(encoding="utf-8").splitlines()] == ["good"]
    record = json.loads(errors_path(out).read_text(encoding="utf-8"))
    assert record == {"path": str(tmp_path / name), "stage": "read", "error": reasons[name]}


@pytest.mark.parametrize(
    "make,reason",
    [
        (lambda p: (p.write_bytes(b""), os.truncate(p, MAX_BYTES + 1)), f"too large ({MAX_BYTES + 1:,} bytes, at most {MAX_BYTES:,})"),
    ],
    ids=["too-large"],
)
def test_batch_unreadable_file_argument(tmp_path: Path, make, reason: str):
    path = tmp_path / "a.txt"
    make(path)
    out = tmp_path / "claims.jsonl"
    code, _, stderr = _extract([str(path), "-o", str(out)])
    assert code == 1
    assert f"error: {path}: {reason}" in stderr.splitlines()
    assert out.read_text(encoding="utf-8") == ""


def test_batch_empty_file_gives_no_claims_and_no_error(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "claims.jsonl"
    code, _, stderr = _extract([str(empty), "-o", str(out)])
    assert (code, stderr) == (0, "")
    assert out.read_text(encoding="utf-8") == ""
    assert errors_path(out).read_text(encoding="utf-8") == ""


def test_batch_failing_stage_reported_and_batch_goes_on(tmp_path: Path, monkeypatch):
    import pipeline.run

    real = pipeline.run.extract_text

    def failing(text, doc, nlp, **kwargs):
        if doc == "bad":
            raise RuntimeError("stage broke\nsecond line")
        return real(text, doc, nlp, **kwargs)

    monkeypatch.setattr(pipeline.run, "extract_text", failing)
    for name in ("bad", "good"):
        (tmp_path / f"{name}.txt").write_text("全州共73个安置点。\n", encoding="utf-8")
    out = tmp_path / "out" / "claims.jsonl"
    code, _, stderr = _extract([str(tmp_path), "-o", str(out)])
    assert code == 1
    assert stderr.splitlines() == [f"error: {tmp_path / 'bad.txt'}: extract failed: RuntimeError: stage broke"]
    assert [json.loads(line)["doc"] for line in out.read_text(encoding="utf-8").splitlines()] == ["good"]
    assert json.loads(errors_path(out).read_text(encoding="utf-8")) == {
        "path": str(tmp_path / "bad.txt"), "stage": "extract", "error": "RuntimeError: stage broke\nsecond line"
    }


def test_batch_errors_file_option_with_standard_output(tmp_path: Path):
    _bad_inputs(tmp_path)
    errors = tmp_path / "errs.jsonl"
    code, stdout, _ = _extract([str(tmp_path / "binary.txt"), "--errors", str(errors)])
    assert (code, stdout) == (1, "")
    assert json.loads(errors.read_text(encoding="utf-8"))["stage"] == "read"


def test_batch_help_documents_exit_status_and_workers():
    for command in ("extract", "clean"):
        result = runner.invoke(app, [command, "--help"], terminal_width=200)
        text = " ".join(result.stdout.split())
        assert "--workers" in text and "Exit status: 0" in text and "130" in text and "errors file" in text


def test_batch_workers_below_one_is_a_usage_error(tmp_path: Path):
    code, _, stderr = _extract([str(REPO / "seeds"), "--workers", "0"])
    assert code == 2 and "--workers" in stderr


def test_batch_process_keeps_order_with_workers(rules, tmp_path: Path):
    paths = []
    for n in range(9):
        path = tmp_path / f"{n}.txt"
        path.write_text(f"共有{n + 1}个安置点。\n", encoding="utf-8")
        paths.append(path)
    paths.insert(4, tmp_path / "missing.txt")
    outcomes = list(process(paths, "extract", rules, workers=2))
    assert [o.path for o in outcomes] == paths
    assert outcomes[4].failure == Failure(str(paths[4]), "read", "cannot be read (No such file or directory)")
    assert [int(o.claims[0].value) for o in outcomes if o.failure is None] == list(range(1, 10))


def test_batch_worker_that_dies_fails_only_its_article(rules, tmp_path: Path, monkeypatch):
    import os
    import signal

    import pipeline.tools.batch

    real = pipeline.tools.batch.clean_article

    def clean_or_die(path: Path, rules):
        if path.name == "3.txt":
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return real(path, rules)

    # forked workers inherit the patched module; a spawned one would not, so this needs fork
    monkeypatch.setattr(pipeline.tools.batch, "clean_article", clean_or_die)
    paths = []
    for n in range(12):
        path = tmp_path / f"{n}.txt"
        path.write_text(f"全县共有{n + 1}个安置点,覆盖全部行政村。\n", encoding="utf-8")
        paths.append(path)
    outcomes = list(process(paths, "clean", rules, workers=2))
    assert [o.path for o in outcomes] == paths
    assert [o.path.name for o in outcomes if o.failure is not None] == ["3.txt"]
    assert outcomes[3].failure == Failure(str(paths[3]), "clean", pipeline.tools.batch.WORKER_DIED)
    assert all(f"{n + 1}个" in o.text for n, o in enumerate(outcomes) if o.failure is None)


def test_batch_spawn_pool_where_fork_is_not_used(rules, corpus: Path, monkeypatch):
    import pipeline.tools.batch

    paths = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    forked = [(o.path, o.text, o.failure) for o in process(paths, "clean", rules, workers=2)]
    monkeypatch.setattr(pipeline.tools.batch.sys, "platform", "darwin")
    spawned = [(o.path, o.text, o.failure) for o in process(paths, "clean", rules, workers=2)]
    assert spawned == forked
    assert sum(1 for _, text, failure in spawned if failure is None and text) >= len(SEEDS)


def test_batch_atomic_writer_leaves_nothing_on_failure(tmp_path: Path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with AtomicWriter(target) as writer:
            writer.write("partial")
            raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    with AtomicWriter(target) as writer:
        writer.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


@pytest.mark.parametrize(
    "workers,sig,code,word",
    [("1", signal.SIGINT, 130, "interrupted"), ("2", signal.SIGINT, 130, "interrupted"), ("2", signal.SIGTERM, 143, "terminated")],
)
def test_batch_ctrl_c_stops_cleanly(tmp_path: Path, workers: str, sig, code: int, word: str):
    corpus = tmp_path / "many"
    corpus.mkdir()
    for n in range(300):
        shutil.copy(SEEDS[n % len(SEEDS)], corpus / f"{n:03d}.txt")
    out = tmp_path / "out" / "claims.jsonl"
    proc = subprocess.Popen(
        [str(ZHCLAIMS), "extract", str(corpus), "-o", str(out), "--progress", "--workers", workers],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # wait until articles are being processed
        seen.append(line)
        if line.startswith("progress: extract 1/300"):
            proc.send_signal(sig)
            break
    stdout, rest = proc.communicate()
    stderr = "".join(seen) + rest
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == f"{word}: extract stopped, no output file written"
    assert list(out.parent.iterdir()) == []  # no output, no errors file, no temporary file


def test_batch_stops_on_a_signal_whose_exception_a_finalizer_lost(monkeypatch, capsys):
    """Ctrl-C that lands in a `__del__` (the regex parser's, while a rule pattern compiles) is printed as
    "ignored" by Python and lost; the batch still stops after that article, with status 130."""
    import typer

    import pipeline.tools.cli as cli
    from pipeline.tools.batch import Outcome

    monkeypatch.setattr(cli, "_received", [])
    monkeypatch.setattr(sys, "unraisablehook", cli._quiet_stops)

    class Finalized:
        def __del__(self) -> None:
            cli._interrupt(signal.SIGINT, None)

    def outcomes():
        for n in range(5):
            if n == 1:
                Finalized()  # made and dropped at once: the KeyboardInterrupt of its __del__ is lost
            yield Outcome(Path(f"{n}.txt"))

    handled = []
    with pytest.raises(typer.Exit) as stopped:
        cli._run_batch(outcomes(), 5, "extract", handled.append, [], None, False, "no output file written")
    assert stopped.value.exit_code == 130
    assert [o.path.name for o in handled] == ["0.txt", "1.txt"]
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "interrupted: extract stopped, no output file written"
