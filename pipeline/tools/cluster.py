"""`extract --cluster`: the local batch's per-article work on a Dask cluster, one part file per batch.

The inputs (paths, globs, fsspec URLs) are expanded and sorted here, then cut into batches of
`batch_size` articles; batch `i` always holds the same articles and is written to
`part-{i:05d}.jsonl`, so a part's presence means it is done (parts are written atomically) and
`--resume` skips it. Each task runs one batch on a worker: the worker built the pipeline once
(`PipelinePlugin`, registered with the client), each article goes through `extract_item` (the
local batch's `extract_article`, nothing else), a failing article is recorded in
`_errors/part-{i:05d}.jsonl` (written before the part) and the batch goes on. Tasks are pure (the
same batch writes the same bytes), so a worker that dies costs only a rerun of its batches: Dask
reschedules them, and a batch that keeps killing workers (Dask's `KilledWorker`) is run again one
article per task, one task at a time, so that only the article that kills a worker is recorded as failed.

Dask (`dask[distributed]`) and fsspec come with the extra `zhclaims[dask]`; they are imported
only when a cluster is used.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..claim import Claim, to_json
from ..rules import RuleSet
from ..run import ARTICLE_SUFFIXES, iter_inputs
from .batch import WORKER_DIED, AtomicWriter, Failure, Outcome, extract_article, write_atomic

if TYPE_CHECKING:
    from distributed import Client

#: Articles per task and per part file: large enough that the scheduler's cost per task (about a
#: millisecond) is small against the work (~0.1 s an article), small enough that a lost worker
#: costs little and progress is seen.
BATCH_SIZE = 64

#: Times a task that raised (a part that could not be written) is tried again.
RETRIES = 3

#: Batches in flight per worker thread: the rest wait here, so the scheduler holds a bounded
#: number of tasks (and input lists) however large the corpus is.
IN_FLIGHT_PER_THREAD = 4

#: The pipeline plugin is registered on the workers as PLUGIN_PREFIX + a digest of its rules, so
#: that runs with other rules on the same cluster each have theirs, and a run with the same rules
#: finds the pipeline built already.
PLUGIN_PREFIX = "zhclaims-pipeline-"

#: The extra that brings Dask and fsspec.
EXTRA = "zhclaims[dask]"

#: Output formats of the parts and their file endings.
PART_SUFFIXES = {"jsonl": ".jsonl", "parquet": ".parquet"}

#: Files of the output directory besides the parts (`_`-prefixed: Parquet and Spark readers skip them).
MANIFEST = "_zhclaims.json"
ERRORS_DIR = "_errors"

_GLOB = re.compile(r"[*?\[]")
_LOCAL = re.compile(r"^local:(\d+)$")


class ClusterError(Exception):
    """A cluster run that cannot start: Dask missing, a bad address, an output directory of another run."""


def require_dask() -> None:
    """Raise ClusterError, naming the extra to install, when Dask's distributed scheduler or fsspec is missing."""
    try:
        import distributed  # noqa: F401
        import fsspec  # noqa: F401
    except ImportError as exc:
        raise ClusterError(f"--cluster needs Dask and fsspec ({exc}): pip install '{EXTRA}'") from None


def parse_address(address: str) -> tuple[str, Any]:
    """("local", N) for `local:N` (a LocalCluster of N worker processes), ("scheduler", ADDRESS) for a scheduler's address.

    >>> parse_address("local:2"), parse_address("tcp://127.0.0.1:8786")
    (('local', 2), ('scheduler', 'tcp://127.0.0.1:8786'))
    >>> parse_address("local:0")
    Traceback (most recent call last):
    ...
    pipeline.tools.cluster.ClusterError: local:N needs at least one worker process, not local:0
    """
    match = _LOCAL.match(address)
    if match:
        workers = int(match.group(1))
        if workers < 1:
            raise ClusterError(f"local:N needs at least one worker process, not {address}")
        return "local", workers
    if address.startswith("local"):
        raise ClusterError(f"bad cluster address {address!r}: local:N with N worker processes, e.g. local:2")
    if "://" not in address and ":" not in address:
        raise ClusterError(f"bad cluster address {address!r}: a scheduler (tcp://HOST:8786) or local:N")
    return "scheduler", address


@contextmanager
def connect(address: str, *, dashboard_address: Optional[str] = ":8787") -> Iterator[Client]:
    """A client of the scheduler at `address`, or of a LocalCluster of N single-threaded worker processes for `local:N`, closed at the end."""
    require_dask()
    from distributed import Client, LocalCluster

    kind, value = parse_address(address)
    if kind == "local":
        # one thread per worker: the pipeline is CPU-bound Python, threads would share one core
        with LocalCluster(
            n_workers=value, threads_per_worker=1, processes=True, dashboard_address=dashboard_address
        ) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(value, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {value}: {exc}") from None
    with client:
        yield client


def dashboard(client: Client) -> Optional[str]:
    """The address of the cluster's dashboard, or None when the scheduler serves none (bokeh not installed there)."""
    services = client.scheduler_info().get("services", {})
    return client.dashboard_link if "dashboard" in services else None


# --- inputs -------------------------------------------------------------------------------------


def is_remote(item: str) -> bool:
    """Whether an input or output is an fsspec URL read through fsspec (anything but a local path).

    >>> is_remote("s3://bucket/a.md"), is_remote("/data/a.md"), is_remote("a.md")
    (True, False, False)
    """
    return "://" in item


def expand_inputs(inputs: Sequence[str], suffixes: Sequence[str] = ARTICLE_SUFFIXES) -> list[str]:
    """The article inputs named by paths, directories, globs and fsspec URLs, sorted: local ones as absolute paths, others as URLs.

    A directory gives every file below it with one of `suffixes` (as the local batch reads it); a
    glob gives what it matches (directories among them expanded); anything else is taken as one
    article, so that a missing file is reported by the worker as a failed input.
    """
    from fsspec.core import url_to_fs
    from fsspec.implementations.local import LocalFileSystem

    items: list[str] = []
    for given in inputs:
        fs, root = url_to_fs(given)
        if isinstance(fs, LocalFileSystem):
            local = [Path(root)]
            if _GLOB.search(given) and not Path(root).exists():
                local = [Path(p) for p in sorted(fs.glob(root))]
            items.extend(str(path.absolute()) for path in iter_inputs(local, suffixes))
            continue
        found = sorted(fs.glob(root)) if _GLOB.search(root) else [root]
        for path in found:
            if fs.isdir(path):
                below = fs.find(path)
                items.extend(fs.unstrip_protocol(p) for p in below if Path(p).suffix.lower() in suffixes)
            else:
                items.append(fs.unstrip_protocol(path))
    return sorted(items)


def batches(items: Sequence[str], size: int = BATCH_SIZE) -> list[list[str]]:
    """The items cut into consecutive batches of `size` (the last one shorter): batch i is part i.

    >>> batches(["a", "b", "c"], 2)
    [['a', 'b'], ['c']]
    """
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class _FetchError(Exception):
    """A remote input that could not be copied here; the message is the reason."""


@contextmanager
def _local_file(item: str) -> Iterator[Path]:
    """The item as a local file: the path itself, or a copy of a remote URL under its own file name."""
    if not is_remote(item):
        yield Path(item)
        return
    import fsspec

    with tempfile.TemporaryDirectory(prefix="zhclaims-") as tmp:
        target = Path(tmp) / item.rstrip("/").rsplit("/", 1)[-1]
        try:
            with fsspec.open(item, "rb") as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink)
        except Exception as exc:  # noqa: BLE001 - each storage backend raises its own errors
            raise _FetchError(f"cannot be read ({type(exc).__name__}: {exc})") from exc
        yield target


def extract_item(
    item: str, rules: RuleSet, nlp: Any, *, from_clean: bool = False, default_date: Optional[str] = None,
    fields: tuple[str, str] = ("text", "id"),
) -> Outcome:
    """The local batch's work on one cluster input (a path or an fsspec URL): `batch.extract_article`,
    a failure named by the input; `fields` are a corpus file's text and id fields."""
    try:
        with _local_file(item) as path:
            outcome = extract_article(
                path, rules, nlp, from_clean=from_clean, default_date=default_date, text_field=fields[0], id_field=fields[1]
            )
    except _FetchError as exc:  # reported as the local batch reports an unreadable file
        return Outcome(Path(item), failure=Failure(item, "read", str(exc)))
    if outcome.failure is not None and outcome.failure.path != item:
        outcome.failure = Failure(item, outcome.failure.stage, outcome.failure.error)
    return outcome


# --- output -------------------------------------------------------------------------------------


def part_name(index: int, fmt: str = "jsonl") -> str:
    """The file name of part `index`.

    >>> part_name(7)
    'part-00007.jsonl'
    """
    return f"part-{index:05d}{PART_SUFFIXES[fmt]}"


def check_format(fmt: str) -> None:
    """Raise ClusterError unless the parts can be written in `fmt`."""
    if fmt not in PART_SUFFIXES:
        raise ClusterError(f"--format {fmt} is not written by --cluster (one of: {', '.join(PART_SUFFIXES)})")


def _join(directory: str, name: str) -> str:
    return f"{directory.rstrip('/')}/{name}" if is_remote(directory) else str(Path(directory) / name)


def _write_text(target: str, text: str | bytes) -> None:
    """Write a whole file (text, or bytes) atomically: a local one under a temporary name, renamed; a
    remote one in one put (an object store shows an object only once it is complete)."""
    if not is_remote(target):
        if isinstance(text, bytes):
            with AtomicWriter(Path(target), binary=True) as writer:
                writer.write(text)
        else:
            write_atomic(Path(target), text)
        return
    from fsspec.core import url_to_fs

    fs, path = url_to_fs(target)
    fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    fs.pipe_file(path, text if isinstance(text, bytes) else text.encode("utf-8"))


def _read_text(target: str) -> Optional[str]:
    """A file's text, or None when it does not exist."""
    if not is_remote(target):
        path = Path(target)
        return path.read_text(encoding="utf-8") if path.exists() else None
    from fsspec.core import url_to_fs

    fs, path = url_to_fs(target)
    return fs.cat_file(path).decode("utf-8") if fs.exists(path) else None


def _listdir(directory: str) -> set[str]:
    """The file names in a directory (empty when it does not exist)."""
    if not is_remote(directory):
        path = Path(directory)
        return {p.name for p in path.iterdir()} if path.is_dir() else set()
    from fsspec.core import url_to_fs

    fs, path = url_to_fs(directory)
    return {p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(path, detail=False)} if fs.isdir(path) else set()


def write_rows(target: str, claims: list[Claim], fmt: str = "jsonl") -> None:
    """Write one part's claims to `target`, atomically, in the output format: one JSON object per
    line, or Parquet with the columns of `extract --format parquet` (the same sink writes both).

    The one place a part's rows are formatted: another format is a branch here and an entry in PART_SUFFIXES."""
    if fmt == "jsonl":
        _write_text(target, "".join(to_json(claim) + "\n" for claim in claims))
    elif fmt == "parquet":
        import io

        from .output import ParquetSink

        buffer = io.BytesIO()
        sink = ParquetSink(buffer)
        sink.write(claims)
        sink.close()
        _write_text(target, buffer.getvalue())
    else:
        raise ValueError(f"unknown part format {fmt!r}")


@dataclass(slots=True)
class PartResult:
    """What one part gave: its index, the articles in it, the claims written, the failed inputs."""

    index: int
    articles: int
    claims: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: written by an earlier run (`--resume`): claims are not counted then
    skipped: bool = False


def write_part(output: str, index: int, outcomes: list[Outcome], fmt: str = "jsonl") -> PartResult:
    """Write part `index` from its articles' outcomes: the failures first (`_errors/`), then the claims, each file atomically."""
    failures = [o.failure for o in outcomes if o.failure is not None]
    if failures:
        _write_text(_join(output, f"{ERRORS_DIR}/{part_name(index)}"), "".join(f.to_json() + "\n" for f in failures))
    claims = [claim for outcome in outcomes if outcome.failure is None for claim in outcome.claims]
    write_rows(_join(output, part_name(index, fmt)), claims, fmt)
    return PartResult(index, len(outcomes), len(claims), failures)


def read_part_failures(output: str, index: int) -> list[Failure]:
    """The failures recorded with a part written earlier."""
    text = _read_text(_join(output, f"{ERRORS_DIR}/{part_name(index)}")) or ""
    return [Failure(**json.loads(line)) for line in text.splitlines() if line.strip()]


def manifest(
    items: Sequence[str], batch_size: int, fmt: str, from_clean: bool, default_date: Optional[str] = None,
    fields: tuple[str, str] = ("text", "id"),
) -> dict[str, Any]:
    """What fixes the parts of a run: the sorted inputs (their digest), the batch size, format, mode,
    default date and (when not the default) a corpus's text and id fields."""
    digest = hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()
    found = {
        "inputs": len(items), "inputs_sha256": digest, "batch_size": batch_size, "format": fmt, "from_clean": from_clean,
        "date": default_date,
    }
    if tuple(fields) != ("text", "id"):
        found["fields"] = list(fields)
    return found


def _check_output(output: str, expected: dict[str, Any], resume: bool) -> set[str]:
    """The names in the output directory, after checking it holds no other run (or, with `resume`, this one)."""
    names = _listdir(output)
    parts = {n for n in names if n.startswith("part-")}
    if not resume:
        if parts or MANIFEST in names:
            raise ClusterError(
                f"{output} holds the parts of an earlier run: --resume completes it, or remove it or choose another directory"
            )
        return names
    text = _read_text(_join(output, MANIFEST))
    if text is not None:
        found = json.loads(text)
        changed = [k for k in expected if found.get(k) != expected[k]]
        if changed:
            raise ClusterError(
                f"{output} was written by a run with other {', '.join(changed)}: --resume needs the same inputs, "
                "--batch-size, --format, --from-clean and --date"
            )
    elif parts:
        raise ClusterError(f"{output} holds parts but no {MANIFEST}: not a directory written by zhclaims extract --cluster")
    return names


# --- the workers --------------------------------------------------------------------------------

try:  # the plugin must be a WorkerPlugin; without Dask the module still imports (require_dask says what is missing)
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - exercised only without the extra
    _WorkerPlugin = object


class PipelinePlugin(_WorkerPlugin):
    """Builds the pipeline once on each worker (and on each worker that joins or is restarted)."""

    def __init__(
        self, rules: RuleSet, from_clean: bool = False, default_date: Optional[str] = None, fields: tuple[str, str] = ("text", "id")
    ) -> None:
        self.rules = rules
        self.from_clean = from_clean
        self.default_date = default_date
        self.fields = tuple(fields)
        self.nlp: Any = None
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"rules": self.rules, "from_clean": self.from_clean, "default_date": self.default_date, "fields": self.fields}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["rules"], state["from_clean"], state.get("default_date"), state.get("fields", ("text", "id")))

    def setup(self, worker: Any) -> None:
        """Build the pipeline of the rules on this worker."""
        from ..run import load_nlp

        self.nlp = load_nlp(self.rules)

    def extract(self, item: str) -> Outcome:
        """One input through the worker's pipeline; one at a time, should the worker run several threads."""
        with self.lock:
            return extract_item(
                item, self.rules, self.nlp, from_clean=self.from_clean, default_date=self.default_date, fields=self.fields
            )


def plugin_name(
    rules: RuleSet, from_clean: bool, default_date: Optional[str] = None, fields: tuple[str, str] = ("text", "id")
) -> str:
    """The name of the pipeline plugin of these rules and settings (a digest of them)."""
    import pickle

    settings = (rules, from_clean, default_date) if tuple(fields) == ("text", "id") else (rules, from_clean, default_date, tuple(fields))
    return PLUGIN_PREFIX + hashlib.sha256(pickle.dumps(settings)).hexdigest()[:16]


def _has_plugin(name: str, dask_worker: Any = None) -> bool:
    return name in dask_worker.plugins


def ensure_plugin(
    client: Client, rules: RuleSet, from_clean: bool, default_date: Optional[str] = None, fields: tuple[str, str] = ("text", "id")
) -> str:
    """Register the pipeline plugin of these rules and settings unless every worker has it; return its name."""
    name = plugin_name(rules, from_clean, default_date, fields)
    present = client.run(_has_plugin, name, on_error="return")  # a worker that does not answer has none
    if not present or not all(v is True for v in present.values()):
        client.register_plugin(PipelinePlugin(rules, from_clean, default_date, fields), name=name)
    return name


def _plugin(name: str) -> PipelinePlugin:
    from distributed import get_worker

    return get_worker().plugins[name]


def run_part(output: str, index: int, items: list[str], fmt: str, plugin: str) -> PartResult:
    """Task: extract one batch with this worker's pipeline (the plugin named) and write its part."""
    pipeline = _plugin(plugin)
    return write_part(output, index, [pipeline.extract(item) for item in items], fmt)


def run_article(item: str, plugin: str) -> Outcome:
    """Task: extract one article on this worker (a batch that kept killing workers, run again article by article)."""
    return _plugin(plugin).extract(item)


# --- the driver ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Summary:
    """A cluster run: parts in all, parts written earlier and skipped, articles and failed inputs of all parts, claims written now."""

    parts: int
    skipped: int = 0
    articles: int = 0
    claims: int = 0
    failures: list[Failure] = field(default_factory=list)


def run(
    client: Client,
    items: Sequence[str],
    output: str,
    rules: RuleSet,
    *,
    errors: Optional[str] = None,
    batch_size: int = BATCH_SIZE,
    fmt: str = "jsonl",
    from_clean: bool = False,
    default_date: Optional[str] = None,
    fields: tuple[str, str] = ("text", "id"),
    resume: bool = False,
    on_part: Optional[Callable[[PartResult], None]] = None,
) -> Summary:
    """Extract `items` (sorted, from `expand_inputs`) on the cluster of `client` into part files in `output`.

    Parts already in `output` are skipped with `resume` (without it, such a directory is refused);
    `on_part` is called with each part's result as it completes (the skipped ones first). At the
    end the errors file (`errors`, default `<output>.errors.jsonl`) lists every failed input of all
    parts in part order. An exception (Ctrl-C included) cancels the batches not yet done; the
    parts written stay, complete.
    """
    check_format(fmt)
    chunks = batches(items, batch_size)
    expected = manifest(items, batch_size, fmt, from_clean, default_date, fields)
    names = _check_output(output, expected, resume)
    if MANIFEST not in names:
        _write_text(_join(output, MANIFEST), json.dumps(expected, indent=2) + "\n")
    summary = Summary(parts=len(chunks))
    failures: dict[int, list[Failure]] = {}
    todo: list[int] = []
    for index, chunk in enumerate(chunks):
        if part_name(index, fmt) in names:
            failures[index] = read_part_failures(output, index)
            summary.skipped += 1
            summary.articles += len(chunk)
            summary.failures.extend(failures[index])
            if on_part is not None:
                on_part(PartResult(index, len(chunk), failures=failures[index], skipped=True))
        else:
            todo.append(index)
    plugin = ensure_plugin(client, rules, from_clean, default_date, fields) if todo else ""
    with closing(_submit_all(client, output, chunks, todo, fmt, plugin)) as results:
        for result in results:
            failures[result.index] = result.failures
            summary.articles += result.articles
            summary.claims += result.claims
            summary.failures.extend(result.failures)
            if on_part is not None:
                on_part(result)
    target = errors if errors is not None else _errors_next_to(output)
    _write_text(target, "".join(f.to_json() + "\n" for index in sorted(failures) for f in failures[index]))
    return summary


def _errors_next_to(output: str) -> str:
    """The errors file beside an output directory: `out/claims` -> `out/claims.errors.jsonl`.

    >>> _errors_next_to("out/claims/"), _errors_next_to("s3://b/claims")
    ('out/claims.errors.jsonl', 's3://b/claims.errors.jsonl')
    """
    return output.rstrip("/") + ".errors.jsonl"


def _submit_all(client: Client, output: str, chunks: list[list[str]], todo: list[int], fmt: str, plugin: str) -> Iterator[PartResult]:
    """Results of the parts `todo`, as they complete, with a bounded number of batches on the cluster at once."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    waiting = list(reversed(todo))
    running: dict[str, tuple[int, Any]] = {}  # key -> (part index, future)
    done = as_completed()
    checked, threads = 0.0, 1

    def fill() -> None:
        nonlocal checked, threads
        if time.monotonic() - checked > 5:  # workers come and go (adaptive clusters, restarts)
            threads = max(1, sum(client.nthreads().values()))
            checked = time.monotonic()
        while waiting and len(running) < IN_FLIGHT_PER_THREAD * threads:
            index = waiting.pop()
            future = client.submit(
                run_part, output, index, chunks[index], fmt, plugin,
                key=f"zhclaims-part-{index:05d}-{_token()}", pure=False, retries=RETRIES,
            )
            running[future.key] = (index, future)
            done.add(future)

    try:
        fill()
        for future in done:
            index, _ = running.pop(future.key)
            try:
                result = future.result()
            except KilledWorker:  # the batch took workers down with it: find the article that does
                result = _rescue(client, output, index, chunks[index], fmt, plugin)
            future.release()
            yield result
            fill()
    finally:
        if running:  # stopped early (Ctrl-C, an error): the batches not done are cancelled
            done.clear()
            client.cancel([future for _, future in running.values()])


def _token() -> str:
    import uuid

    return uuid.uuid4().hex[:8]


def _rescue(client: Client, output: str, index: int, items: list[str], fmt: str, plugin: str) -> PartResult:
    """Part `index` from one task per article, one after the other: an article whose task kills workers is recorded as failed.

    One at a time (as the local batch reruns the articles of a dead worker), so that a worker's
    death is charged to the article it was running and to no article queued beside it."""
    from distributed.scheduler import KilledWorker

    outcomes = []
    for k, item in enumerate(items):
        future = client.submit(run_article, item, plugin, key=f"zhclaims-article-{index:05d}-{k}-{_token()}", pure=False)
        try:
            outcomes.append(future.result())
        except KilledWorker:
            outcomes.append(Outcome(Path(item), failure=Failure(item, "extract", WORKER_DIED)))
        future.release()
    return write_part(output, index, outcomes, fmt)
