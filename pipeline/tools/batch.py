"""Batch processing for `extract` and `clean`: one article at a time, in this process or in a pool
of worker processes, results in input order; a failing article becomes a `Failure` record.

On Linux the workers are forked from a parent that has built the pipeline once (they share it);
elsewhere they are spawned and each builds its own. Workers ignore SIGINT, so Ctrl-C reaches only
the parent, which stops them. At most `IN_FLIGHT` articles per worker are submitted ahead and
results are taken in input order, so memory does not grow with the corpus. A worker that dies
(killed, out of memory, a crash in C code) costs the articles then in flight: they are run again
one at a time in a new pool, so only the article that kills a worker is reported as failed.
"""

from __future__ import annotations

import gc
import json
import multiprocessing as mp
import os
import signal
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Optional

from ..claim import Claim
from ..rules import RuleSet
from ..text.corpus import CORPUS_FORMATS, Article, Failure

__all__ = ["Article", "Failure", "Outcome", "extract_article", "clean_article", "process"]

if TYPE_CHECKING:
    from spacy.language import Language

#: Articles submitted ahead per worker: small, so the order is cheap to keep and memory bounded.
IN_FLIGHT = 4

#: The stages a failure is attributed to.
STAGES = ("read", "clean", "extract")


@dataclass(slots=True)
class Outcome:
    """What one article gave: its claims (extract) or clean text (clean), warnings, or a failure.
    `path` is the article's source file (`file:line` for a failed corpus row), `doc` its id."""

    path: Path
    claims: list[Claim] = field(default_factory=list)
    text: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    #: why each dropped line went (the rule id or the signal), in the order of `dropped`
    why: list[str] = field(default_factory=list)
    failure: Optional[Failure] = None
    doc: str = ""
    #: characters of the decoded article (for the summary's chars/s)
    chars: int = 0


def _failure(where: str, stage: str, exc: BaseException) -> Failure:
    from ..text.reader import InputError

    if isinstance(exc, InputError):
        return Failure(where, stage, exc.reason)
    return Failure(where, stage, f"{type(exc).__name__}: {exc}")


def as_article(item: Path | str | Article, *, from_clean: bool = False) -> Article:
    """An Article of an item of a batch: a path names a single-article file (read when processed)."""
    if isinstance(item, Article):
        return item
    from ..run import doc_id
    from ..text.reader import article_format

    path = Path(item)
    fmt = "pdf" if path.suffix.lower() == ".pdf" else ("txt" if from_clean else article_format(path))
    return Article(doc_id(path), None, fmt, str(path))


def extract_article(
    path: Path | Article, rules: RuleSet, nlp: Language, *, from_clean: bool = False, default_date: Optional[str] = None,
    text_field: str = "text", id_field: str = "id",
) -> Outcome:
    """Read, clean (unless `from_clean`) and extract one article (an `Article`, or the path of a
    single-article file), dated `default_date` when neither its metadata nor its dateline dates it;
    any exception becomes the Outcome's failure.

    A runner that processes articles elsewhere (a cluster) gives each worker `Article`s from
    `pipeline.text.corpus.iter_articles(paths, text_field=..., id_field=...)`, which yields
    `Article(id, text, fmt, source, line, meta, row)` (text None for a file not read yet: it is
    read here) or a `Failure` (a bad corpus row, an unsupported file) to report as it is.
    Given the path of a corpus (.jsonl, .csv), every row is processed here: the Outcome holds the
    claims of all rows, and each bad row's message is one of its `warnings`.
    """
    from ..run import StageError, process_article

    if not isinstance(path, Article) and Path(path).suffix.lower() in CORPUS_FORMATS:
        return _extract_corpus(Path(path), rules, nlp, from_clean, default_date, text_field, id_field)
    article = as_article(path, from_clean=from_clean)
    source = Path(article.source)
    try:
        processed = process_article(article, rules, nlp, from_clean=from_clean, default_date=default_date)
        return Outcome(source, claims=processed.claims, doc=article.id, chars=processed.raw_chars)
    except StageError as exc:  # one bad article is reported, the batch goes on
        return Outcome(source, failure=_failure(_where(article), exc.stage, exc.error), doc=article.id)


def _extract_corpus(
    path: Path, rules: RuleSet, nlp: Language, from_clean: bool, default_date: Optional[str] = None,
    text_field: str = "text", id_field: str = "id",
) -> Outcome:
    """All rows of one corpus file as one Outcome (a runner that takes one file per task)."""
    from ..text.corpus import iter_articles

    outcome = Outcome(path, doc=str(path))
    for item in iter_articles([path], from_clean=from_clean, text_field=text_field, id_field=id_field):
        done = _one(item, "extract", rules, nlp, from_clean, default_date)
        if done.failure is not None:
            outcome.warnings.append(done.failure.message())
        else:
            outcome.claims.extend(done.claims)
            outcome.chars += done.chars
    return outcome


def _where(article: Article) -> str:
    return f"{article.source}:{article.line}" if article.row else article.source


def clean_article(path: Path | Article, rules: RuleSet) -> Outcome:
    """Read and clean one article (an `Article` or a file's path); any exception becomes the Outcome's failure."""
    from ..run import StageError, process_article

    article = as_article(path)
    source = Path(article.source)
    try:
        cleaned = process_article(article, rules, None)
        return Outcome(
            source, text=cleaned.text, warnings=cleaned.warnings, dropped=cleaned.dropped, why=cleaned.why,
            doc=article.id, chars=cleaned.raw_chars,
        )
    except StageError as exc:  # one bad article is reported, the batch goes on
        return Outcome(source, failure=_failure(_where(article), exc.stage, exc.error), doc=article.id)


def _one(item, task: str, rules: RuleSet, nlp, from_clean: bool, default_date: Optional[str] = None) -> Outcome:
    """The outcome of one batch item: a Failure passes through, an Article or path is processed."""
    if isinstance(item, Failure):
        return Outcome(Path(item.path), failure=item)
    if task == "extract":
        return extract_article(item, rules, nlp, from_clean=from_clean, default_date=default_date)
    return clean_article(item, rules)


#: A worker's state, set once by `_init_worker`.
_WORKER: dict[str, Any] = {}


def _set_up(
    task: str, rules: RuleSet, from_clean: bool, nlp: Optional[Language] = None, default_date: Optional[str] = None
) -> None:
    """Fill this process's worker state; the pipeline is built unless given (extract only)."""
    _WORKER.update(task=task, rules=rules, from_clean=from_clean, default_date=default_date)
    if task == "extract":
        from ..run import load_nlp

        _WORKER["nlp"] = nlp if nlp is not None else load_nlp(rules)


def _init_worker(task: str, rules: RuleSet, from_clean: bool, default_date: Optional[str] = None) -> None:
    """Pool initializer of spawned workers: ignore Ctrl-C (the parent handles it) and build the pipeline once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_up(task, rules, from_clean, default_date=default_date)


def _ignore_sigint() -> None:
    """Pool initializer of forked workers: the parent handles Ctrl-C; SIGTERM (the pool stopping
    them) takes its default action even if the parent handles it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(item) -> Outcome:
    """Pool task: one article with the worker's pipeline."""
    return _one(item, _WORKER["task"], _WORKER["rules"], _WORKER.get("nlp"), _WORKER["from_clean"], _WORKER.get("default_date"))


def process(
    paths: Iterable[Path | Article | Failure],
    task: str,
    rules: RuleSet,
    *,
    workers: int = 1,
    from_clean: bool = False,
    nlp: Optional[Language] = None,
    default_date: Optional[str] = None,
) -> Iterator[Outcome]:
    """Outcomes of `task` ("extract" or "clean") for `paths` (file paths, `Article`s of
    `text.corpus.iter_articles`, or its `Failure`s, which pass through), in their order, with `workers` processes.

    With one worker everything runs here (`nlp` is built unless given); with more, in a pool of
    forked workers that share the pipeline built here (a spawn pool whose workers build their
    own where fork is not available). Close the iterator (or exhaust it) to stop the pool.
    `default_date` (ISO) dates the articles that neither metadata nor a dateline dates (`--date`).
    """
    if task not in ("extract", "clean"):
        raise ValueError(f"unknown task {task!r}")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if workers == 1:
        if task == "extract" and nlp is None:
            from ..run import load_nlp

            nlp = load_nlp(rules)
        for item in paths:
            yield _one(item, task, rules, nlp, from_clean, default_date)
        return
    forking = sys.platform.startswith("linux")  # fork is unsafe on macOS and absent on Windows
    if forking:
        # the workers inherit a pipeline built once here instead of each importing spaCy and
        # building its own (a few seconds each); gc.freeze keeps the collector from touching, and
        # so copying, the inherited objects
        try:
            _set_up(task, rules, from_clean, nlp, default_date)
            if task == "extract" and hasattr(_WORKER["nlp"].tokenizer, "load_all"):
                _WORKER["nlp"].tokenizer.load_all()  # read here once, shared by the workers, not once in each
            # (the rule patterns are not compiled here: each worker compiles those it meets, at the
            # same time as the other; compiling all of them first kept both waiting 0.5 s for no
            # memory saved, the same 294 MB of summed PSS on the Hong Kong corpus)
            gc.freeze()
            yield from _pooled(paths, workers, task, mp.get_context("fork"), _ignore_sigint, ())
        finally:
            gc.unfreeze()
            _WORKER.clear()
    else:
        yield from _pooled(paths, workers, task, mp.get_context("spawn"), _init_worker, (task, rules, from_clean, default_date))


#: The failure recorded for an article whose worker died while processing it.
WORKER_DIED = "its worker process died while processing it (killed, out of memory, or a crash in C code)"


def _pooled(paths: Iterable[Path], workers: int, task: str, context, initializer, initargs) -> Iterator[Outcome]:
    """Outcomes of `_work` over `paths` in order, from a process pool that is replaced if a worker dies."""
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    def start() -> ProcessPoolExecutor:
        # SIGINT is ignored while the workers start (an ignored signal stays ignored across fork
        # and exec), so a Ctrl-C then cannot print tracebacks from them
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            executor = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)
            executor.submit(int).result()  # start the workers now, under SIG_IGN
        finally:
            signal.signal(signal.SIGINT, previous)
        return executor

    todo = iter(paths)
    unsent: deque[Path] = deque()  # taken from `todo` but refused by a pool found broken
    retry: deque[Path] = deque()  # articles that were in flight when a worker died
    pending: deque[tuple[Path, Future, bool]] = deque()  # (path, future, is a retry)
    executor = start()

    def send(path: Path, retried: bool) -> bool:
        try:
            pending.append((path, executor.submit(_work, path), retried))
        except BrokenProcessPool:  # a worker died since the last result: its loss shows below
            return False
        return True

    try:
        while True:
            broken = False
            # a retried article runs alone, so a second death names the article that causes it
            while retry and not pending:
                path = retry.popleft()
                if not send(path, True):
                    retry.appendleft(path)
                    broken = True
                    break
            while not broken and not retry and len(pending) < workers * IN_FLIGHT:
                path = unsent.popleft() if unsent else next(todo, None)
                if path is None:
                    break
                if not send(path, False):
                    unsent.appendleft(path)
                    broken = True
            if broken and not pending:
                _stop(executor)
                executor = start()
                continue
            if not pending:
                return
            path, future, retried = pending.popleft()
            try:
                outcome = future.result()
            except BrokenProcessPool:
                lost = [(path, retried)] + [(p, r) for p, _, r in pending]
                pending.clear()
                _stop(executor)
                executor = start()
                if retried:
                    yield _died(path, task)
                    lost = lost[1:]
                retry.extendleft(reversed([p for p, _ in lost]))
                continue
            yield outcome
    finally:
        _stop(executor)


def _died(item, task: str) -> Outcome:
    """The outcome of an item whose worker died while processing it."""
    if isinstance(item, Failure):
        return Outcome(Path(item.path), failure=item)
    article = as_article(item)
    return Outcome(Path(article.source), failure=Failure(_where(article), task, WORKER_DIED), doc=article.id)


def _stop(executor) -> None:
    """Stop a pool now: pending work cancelled, worker processes terminated."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


class AtomicWriter:
    """A text file written under a temporary name in its directory and renamed into place by `commit`.

    `discard` (or leaving a `with` block by an exception) removes the temporary file, so an
    interrupted run never leaves a truncated file under the final name.
    """

    def __init__(self, target: Path, *, binary: bool = False) -> None:
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.handle: IO = tempfile.NamedTemporaryFile(
            "wb" if binary else "w", encoding=None if binary else "utf-8", dir=self.target.parent,
            prefix=f".{self.target.name}.", suffix=".part", delete=False, newline=None if binary else "",
        )
        self.done = False

    def write(self, text) -> int:
        """Write to the temporary file (text, or bytes when opened `binary`)."""
        return self.handle.write(text)

    def commit(self) -> None:
        """Close the temporary file and rename it to the target."""
        if not self.done:
            self.handle.close()
            os.chmod(self.handle.name, 0o666 & ~_umask())  # mkstemp's 0600 -> what open() would give
            os.replace(self.handle.name, self.target)
            self.done = True

    def discard(self) -> None:
        """Close and remove the temporary file; the target is left as it was."""
        if not self.done:
            self.handle.close()
            Path(self.handle.name).unlink(missing_ok=True)
            self.done = True

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(target: Path, text: str) -> None:
    """Write a whole text file atomically (temporary file in the same directory, then rename)."""
    with AtomicWriter(target) as writer:
        writer.write(text)


def errors_path(output: Path) -> Path:
    """The errors file next to an output file: `out/claims.jsonl` -> `out/claims.errors.jsonl`.

    >>> errors_path(Path("out/claims.jsonl")).as_posix(), errors_path(Path("claims")).as_posix()
    ('out/claims.errors.jsonl', 'claims.errors.jsonl')
    """
    return output.with_name(f"{output.stem}.errors.jsonl")
