"""The `zhclaims` command line. Heavy libraries (spaCy, jieba, OpenCC) are imported only inside
the commands that need them, so `zhclaims --help` stays fast."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

app = typer.Typer(
    help="Pull numeric claims (value, unit, entity, place, time, role) out of Chinese news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Check and inspect rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"zhclaims {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Pull numeric claims (value, unit, entity, place, time, role) out of Chinese news articles."""


def _plain_help_types() -> None:
    """Help shows what a value looks like, not Python's type names: no `<bool>` after a flag, and an
    option without a metavar of its own gets its type in capitals (PATH, INTEGER) or its choices
    (jsonl|csv|parquet); typer 0.29 prints `<bool>`, `<str>`, `<list[Path]>` otherwise."""
    try:
        from typer.core import TyperArgument, TyperOption
    except ImportError:  # pragma: no cover - another typer layout: its own help is used
        return
    for cls in (TyperOption, TyperArgument):
        original = getattr(cls, "display_type_rich", None)
        if original is None or getattr(original, "_zhclaims", False):
            continue

        def display(self, ctx, _original=original):
            if self.metavar is not None:
                # an argument's metavar is its name in the first column already
                return None if isinstance(self, TyperArgument) else (self.metavar or None)
            if getattr(self, "is_flag", False) or getattr(self, "count", False):
                return None
            shown = _original(self, ctx)
            if not shown:
                return shown
            inner = shown.strip("<>.").removeprefix("list[").removesuffix("]")
            if "|" not in inner:
                inner = {"str": "TEXT", "int range": "N", "int": "N", "float": "NUMBER"}.get(inner, inner.upper())
            return inner + ("..." if shown.endswith("...") else "")

        display._zhclaims = True
        cls.display_type_rich = display


_plain_help_types()

RulesOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--rules", help="A rules directory of your own, loaded on top of the built-in rules (repeatable)."),
]
NoBuiltinOpt = Annotated[
    bool, typer.Option("--no-builtin-rules", help="Use only the --rules directories, not the built-in rules.")
]
ModelOpt = Annotated[
    bool, typer.Option("--model/--no-model", help="Choose each claim's entity with the learned entity model (the last entity_model.json of the rule directories; slower), or by the rule cascade alone (the default).")
]
REPO = Path(__file__).resolve().parents[2]


def _is_file(path: Path) -> bool:
    """True when `path` names an existing file; False for a text too long to be a file name (OSError)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _rules(rules: Optional[list[Path]], no_builtin: bool, no_model: bool = True):
    from ..rules import RuleError, load_rules

    try:
        ruleset = load_rules(rules or [], builtin=not no_builtin)
    except RuleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    ruleset.entity_model = "none" if no_model else "auto"
    return ruleset


WorkersOpt = Annotated[
    int, typer.Option("--workers", "-j", min=1, help="Worker processes (default 1: no pool). The output is the same, in the same order.")
]
ProgressOpt = Annotated[
    bool, typer.Option("--progress", help="Print 'progress: N/M' lines on standard error (a terminal gets a progress bar anyway).")
]
EXIT_HELP = (
    "Exit status: 0 when every input was processed; 1 when any input failed (binary, undecodable or "
    "unreadable file, or a stage raised): each failure is reported on standard error with its path and "
    "reason, recorded in the errors file, and the batch goes on; 2 on a usage or rule error; 130 when "
    "interrupted (Ctrl-C) and 143 when terminated (SIGTERM), and then no output file is written."
)


class _Progress:
    """Progress on standard error: a bar on a terminal, or with --progress about twenty lines."""

    def __init__(self, total: int | None, label: str, lines: bool) -> None:
        total = total or 0  # unknown (standard input): no bar, no lines
        self.total, self.label = total, label
        self.bar = None
        self.lines = lines and total > 0
        if total > 1 and sys.stderr.isatty():
            self.bar = typer.progressbar(length=total, label=label, file=sys.stderr)
            self.bar.__enter__()
            self.lines = False
        self.step = max(1, total // 20)

    def update(self, done: int) -> None:
        """Count one more article done (`done` in all)."""
        if self.bar is not None:
            self.bar.update(1)
        elif self.lines and (done == 1 or done == self.total or done % self.step == 0):
            print(f"progress: {self.label} {done}/{self.total}", file=sys.stderr, flush=True)

    def close(self) -> None:
        """End the progress bar, if any."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _run_batch(outcomes, total: int | None, label: str, handle, writers: list, errors, show_progress: bool, stopped: str, before_commit=None) -> int:
    """Consume a batch's outcomes: `handle` each success, report each failure; return the number failed.

    On success every writer (errors file first) is committed; on Ctrl-C or any exception they are
    discarded and the pool is stopped; Ctrl-C ends the command with status 130 and one line."""
    failures = 0
    progress = _Progress(total, label, show_progress)
    try:
        for done, outcome in enumerate(outcomes, start=1):
            if outcome.failure is not None:
                failures += 1
                typer.echo(f"error: {outcome.failure.message()}", err=True)
                if errors is not None:
                    errors.write(outcome.failure.to_json() + "\n")
            else:
                handle(outcome)
            progress.update(done)
            _raise_received()
        _raise_received()
    except KeyboardInterrupt as exc:
        outcomes.close()
        progress.close()
        for writer in (errors, *writers):
            if writer is not None:
                writer.discard()
        how = "terminated" if isinstance(exc, Terminated) else "interrupted"
        typer.echo(f"{how}: {label} stopped, {stopped}", err=True)
        _stop(143 if isinstance(exc, Terminated) else 130)
    except BaseException:
        outcomes.close()
        for writer in (errors, *writers):
            if writer is not None:
                writer.discard()
        raise
    progress.close()
    if before_commit is not None:
        before_commit()
    for writer in (errors, *writers):
        if writer is not None:
            writer.commit()
    return failures


class OutputFormat(str, Enum):
    """The claim file formats of `extract`."""

    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


INPUT_HELP = (
    "Article files (.txt .md .markdown .html .htm .shtml .xhtml, .pdf with the pdf extra), corpora of one "
    "article a row (.jsonl .ndjson .csv), directories (every such file below them), or - for standard input "
    "(a JSON Lines corpus when it starts with {, else one article)."
)


@app.command(epilog=EXIT_HELP)
def extract(
    paths: Annotated[list[Path], typer.Argument(help=INPUT_HELP, metavar="PATH")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="FILE", help="Write claims here, atomically (default, or -: standard output); with --cluster a directory of part files.")] = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", case_sensitive=False, help="jsonl: one JSON object a line; csv: a header row, meta as JSON; parquet: typed columns (needs -o and the parquet extra)."),
    ] = OutputFormat.jsonl,
    bom: Annotated[
        bool,
        typer.Option("--bom/--no-bom", help="CSV only: start with a UTF-8 byte-order mark, so that Excel shows the Chinese text (most other readers skip it)."),
    ] = True,
    text_field: Annotated[str, typer.Option("--text-field", metavar="NAME", help="Corpora: the field (column) that holds the article's text.")] = "text",
    id_field: Annotated[str, typer.Option("--id-field", metavar="NAME", help="Corpora: the field that holds the article's id (default: FILE:LINE when a row has none).")] = "id",
    from_clean: Annotated[bool, typer.Option("--from-clean", help="Inputs are clean text already: no stripping or conversion.")] = False,
    errors: Annotated[
        Optional[Path],
        typer.Option("--errors", metavar="FILE", help="Errors file: one JSON object (path, stage, error) per failed input; always written, empty when none failed (default: OUTPUT's name with .errors.jsonl; none with standard output)."),
    ] = None,
    workers: WorkersOpt = 1,
    progress: ProgressOpt = False,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
    model: ModelOpt = False,
    date: Annotated[
        Optional[str],
        typer.Option("--date", help="YYYY-MM-DD: the date of articles that neither metadata nor a dateline dates (periods of 今年, 目前 … are resolved against it)."),
    ] = None,
    cluster: ClusterOpt = None,
    resume: ResumeOpt = False,
    batch_size: BatchSizeOpt = 64,
) -> None:
    """Extract the claims of articles: one claim a row, fields doc, the gold fields, sentence, rule,
    where_code, article_date, region, period_start, period_end, currency, then line, quantity_orig, sentence_orig (where it stands in the input, in the input's script)
    and the article's title, date, url and meta. A summary line ends on standard error."""
    import time

    from .batch import AtomicWriter, errors_path, process
    from .output import CsvSink, JsonlSink, ParquetSink, have_pyarrow
    from ..run import load_nlp
    from ..text.corpus import collect, count_articles, iter_articles

    fmt = OutputFormat(fmt)
    if output is not None and str(output) == "-":
        output = None  # -o -: standard output, as - names standard input among the paths
    if fmt is OutputFormat.parquet:
        if output is None:
            typer.echo("error: --format parquet needs an output file (-o FILE)", err=True)
            raise typer.Exit(2)
        if not have_pyarrow():
            typer.echo("error: --format parquet needs pyarrow: pip install 'zhclaims[parquet]'", err=True)
            raise typer.Exit(2)
    if sum(str(p) == "-" for p in paths) > 1:
        typer.echo("error: standard input (-) can be named once only", err=True)
        raise typer.Exit(2)
    if date is not None:
        import datetime

        try:
            datetime.date.fromisoformat(date)
        except ValueError:
            typer.echo(f"error: --date must be YYYY-MM-DD, not {date!r}", err=True)
            raise typer.Exit(2) from None
    if cluster is not None or resume:
        code = _extract_on_cluster(
            [_as_url(p) for p in paths], output, cluster, fmt=fmt.value, from_clean=from_clean, errors=errors, date=date,
            fields=(text_field, id_field),
            workers=workers, progress=progress, rules=_rules(rules, no_builtin_rules, not model), resume=resume, batch_size=batch_size,
        )
        raise typer.Exit(code)
    ruleset = _rules(rules, no_builtin_rules, not model)
    inputs = collect(paths, from_clean=from_clean)
    articles = iter_articles(inputs, text_field=text_field, id_field=id_field, from_clean=from_clean)
    first = next(articles, None)
    if first is None:
        _no_articles(paths, inputs.skipped)
    total = count_articles(inputs)
    nlp = load_nlp(ruleset)
    out = AtomicWriter(output, binary=fmt is OutputFormat.parquet) if output is not None else None
    errors_target = errors if errors is not None else (errors_path(output) if output is not None else None)
    errors_file = AtomicWriter(errors_target) if errors_target is not None else None
    stream = out.handle if out is not None else sys.stdout
    if fmt is OutputFormat.parquet:
        sink = ParquetSink(stream)
    elif fmt is OutputFormat.csv:
        sink = CsvSink(stream, bom=bom)
    else:
        sink = JsonlSink(stream)
    counts = {"articles": 0, "claims": 0, "chars": 0}

    def write(outcome) -> None:
        counts["articles"] += 1
        counts["claims"] += len(outcome.claims)
        counts["chars"] += outcome.chars
        sink.write(outcome.claims)

    started = time.perf_counter()  # the clock starts once the pipeline is built
    outcomes = process(itertools.chain([first], articles), "extract", ruleset, workers=workers, from_clean=from_clean, nlp=nlp, default_date=date)
    stopped = "no output file written" if out is not None else "output incomplete"
    failures = _run_batch(outcomes, total, "extract", write, [out], errors_file, progress, stopped, before_commit=sink.close)
    if out is None:
        sys.stdout.flush()
    seconds = time.perf_counter() - started
    typer.echo(
        f"extract: {counts['articles']} articles, {counts['claims']} claims, {failures} errors in {seconds:.1f} s "
        f"({counts['chars'] / max(seconds, 1e-9):,.0f} chars/s)",
        err=True,
    )
    if failures:
        raise typer.Exit(1)


def _no_articles(paths, skipped) -> None:
    """Exit 2: nothing to read in the paths named (saying which file kinds were passed over)."""
    from ..text.corpus import INPUT_FORMATS

    named = ", ".join(str(p) for p in paths)
    note = ""
    if skipped:
        note = "; skipped " + ", ".join(f"{n} {suffix}" for suffix, n in skipped.most_common())
    typer.echo(f"error: no articles found in {named} (read are: {' '.join(INPUT_FORMATS)}{note})", err=True)
    raise typer.Exit(2)


ClusterOpt = Annotated[
    Optional[str],
    typer.Option(
        "--cluster",
        metavar="ADDRESS",
        help="Run on a Dask cluster: a scheduler (tcp://HOST:8786) or local:N (N worker processes here). "
        "-o names a directory of part files (part-00000.jsonl …); needs the extra zhclaims[dask].",
    ),
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="With --cluster: complete an interrupted run into the same -o DIR; the parts written are not redone.")
]
BatchSizeOpt = Annotated[int, typer.Option("--batch-size", min=1, help="With --cluster: articles per task and per part file.")]


def _extract_on_cluster(
    paths: list[str], output: Optional[Path], address: Optional[str], *, fmt: str, from_clean: bool, errors: Optional[Path],
    workers: int, progress: bool, rules, resume: bool, batch_size: int, date: Optional[str] = None,
    fields: tuple[str, str] = ("text", "id"),
) -> int:
    """`extract --cluster`: the exit status (0, 1 when an input failed, 2 on a usage error, 130/143 when stopped)."""
    from . import cluster
    from ..text.corpus import INPUT_FORMATS

    def usage(message: str) -> int:
        typer.echo(f"error: {message}", err=True)
        return 2

    if address is None:
        return usage("--resume needs --cluster")
    if output is None:
        return usage("--cluster needs -o DIR, the directory of the part files")
    if workers != 1:
        return usage("--workers is for one machine; with --cluster the cluster's workers run the batches")
    try:
        cluster.require_dask()
        cluster.parse_address(address)
        cluster.check_format(fmt)
        items = cluster.expand_inputs(paths, (".txt",) if from_clean else tuple(INPUT_FORMATS))
    except (cluster.ClusterError, ValueError, ImportError, OSError) as exc:  # an fsspec URL without its backend, an unreachable store
        return usage(str(exc))
    bar = _Progress(len(items), "extract", progress)
    done = 0

    def on_part(result) -> None:
        nonlocal done
        for failure in result.failures:
            if not result.skipped:
                typer.echo(f"error: {failure.message()}", err=True)
        for _ in range(result.articles):
            done += 1
            bar.update(done)

    target = _as_url(output)
    try:
        with cluster.connect(address) as client:
            link = cluster.dashboard(client)
            typer.echo(f"dask: scheduler {client.scheduler.address}, dashboard {link or 'none (bokeh not installed on the scheduler)'}", err=True)
            threaded = [w for w, n in client.nthreads().items() if n > 1]
            if threaded:
                typer.echo(f"note: {len(threaded)} workers run several threads, each one article at a time: start workers with --nthreads 1", err=True)
            summary = cluster.run(
                client, items, target, rules, errors=str(errors) if errors is not None else None, batch_size=batch_size,
                fmt=fmt, from_clean=from_clean, default_date=date, fields=fields, resume=resume, on_part=on_part,
            )
    except cluster.ClusterError as exc:
        bar.close()
        return usage(str(exc))
    except KeyboardInterrupt as exc:
        bar.close()
        how = "terminated" if isinstance(exc, Terminated) else "interrupted"
        typer.echo(f"{how}: extract stopped, the parts written are complete: --resume completes the run", err=True)
        return 143 if isinstance(exc, Terminated) else 130
    except Exception as exc:  # noqa: BLE001 - a part that cannot be written, a lost scheduler: said in one line
        bar.close()
        typer.echo(f"error: the cluster run failed: {type(exc).__name__}: {exc}; the parts written are complete: --resume completes the run", err=True)
        return 1
    bar.close()
    typer.echo(
        f"wrote {summary.parts - summary.skipped} parts to {target} ({summary.skipped} done before, skipped): "
        f"{summary.articles} articles, {summary.claims} claims, {len(summary.failures)} failed",
        err=True,
    )
    return 1 if summary.failures else 0


def _as_url(path: Path) -> str:
    """An output given on the command line as text again: `s3://b/out` (which Path made `s3:/b/out`) or a local path.

    >>> _as_url(Path("s3://bucket/out")), _as_url(Path("out/claims"))
    ('s3://bucket/out', 'out/claims')
    """
    text = str(path)
    scheme, sep, rest = text.partition(":/")
    if sep and len(scheme) > 1 and scheme.isalnum() and not rest.startswith("/"):
        return f"{scheme}://{rest}"
    return text


@app.command(epilog=EXIT_HELP)
def clean(
    paths: Annotated[list[Path], typer.Argument(help=INPUT_HELP, metavar="PATH")],
    directory: Annotated[Path, typer.Option("-d", "--dir", metavar="DIR", help="Write DIR/<doc>.clean.txt for each article (atomically).")],
    text_field: Annotated[str, typer.Option("--text-field", metavar="NAME", help="Corpora: the field (column) that holds the article's text.")] = "text",
    id_field: Annotated[str, typer.Option("--id-field", metavar="NAME", help="Corpora: the field that holds the article's id.")] = "id",
    workers: WorkersOpt = 1,
    progress: ProgressOpt = False,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
) -> None:
    """Write the cleaned text of each article (boilerplate stripped, simplified) to DIR/<doc>.clean.txt.

    DIR/clean.report.jsonl gets one line per article cleaned: {"doc", "path", "lines" (kept),
    "dropped" (the lines taken out, in order, each {"line", "why"}: "rule ID", "signal: …" of the
    markup, "shape: …", "context: …" of the neighbouring lines, "watermark"), "warnings" (corrupted byte sequences, which are also
    printed on standard error)}. Failed inputs are listed in DIR/clean.errors.jsonl. Both files are
    always written, empty when there is nothing to say."""
    from .batch import AtomicWriter, process, write_atomic
    from ..text.corpus import collect, count_articles, iter_articles

    ruleset = _rules(rules, no_builtin_rules)
    inputs = collect(paths)
    articles = iter_articles(inputs, text_field=text_field, id_field=id_field)
    first = next(articles, None)
    if first is None:
        _no_articles(paths, inputs.skipped)
    total = count_articles(inputs)
    directory.mkdir(parents=True, exist_ok=True)
    report = AtomicWriter(directory / CLEAN_REPORT)
    totals = {"articles": 0, "dropped": 0, "warnings": 0}

    def write(outcome) -> None:
        doc = outcome.doc
        write_atomic(directory / f"{doc}.clean.txt", outcome.text)
        lines = len(outcome.text.splitlines())
        dropped = [{"line": line, "why": why} for line, why in zip(outcome.dropped, outcome.why)]
        entry = {"doc": doc, "path": str(outcome.path), "lines": lines, "dropped": dropped, "warnings": outcome.warnings}
        report.write(json.dumps(entry, ensure_ascii=False) + "\n")
        totals["articles"] += 1
        totals["dropped"] += len(outcome.dropped)
        totals["warnings"] += len(outcome.warnings)
        for warning in outcome.warnings:
            typer.echo(f"warning: {outcome.path}: {warning}", err=True)

    errors_file = AtomicWriter(directory / CLEAN_ERRORS)
    _collect_garbage()
    outcomes = process(itertools.chain([first], articles), "clean", ruleset, workers=workers)
    failed = _run_batch(outcomes, total, "clean", write, [report], errors_file, progress, "the files written so far are complete")
    typer.echo(
        f"cleaned {totals['articles']} of {totals['articles'] + failed} articles into {directory}: "
        f"{totals['dropped']} lines dropped, {totals['warnings']} warnings, {failed} failed",
        err=True,
    )
    if failed:
        raise typer.Exit(1)


#: The errors file and the per-article report of `clean`, in its output directory.
CLEAN_ERRORS = "clean.errors.jsonl"
CLEAN_REPORT = "clean.report.jsonl"


@app.command()
def score(
    seeds: Annotated[Path, typer.Option("--seeds", help="Directory of raw articles (<doc>.txt/.md/.html).")] = REPO / "seeds",
    gold: Annotated[Path, typer.Option("--gold", help="Directory of gold labels (<doc>.clean.txt, <doc>.claims.jsonl).")] = REPO / "gold",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1, naming each figure, when any falls below gold/baseline.json.")] = False,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", help="Baseline file for --check (default: GOLD/baseline.json).")] = None,
    diff: Annotated[Optional[Path], typer.Option("--diff", help="A previous `extract` output (JSONL): list the claims gained and lost.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", help="Write the overall figures of this run to a baseline file.")] = None,
    errors: Annotated[Optional[Path], typer.Option("--errors", help="Write every disagreement with gold (missed, spurious, wrong field) to this JSONL file.")] = None,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
    model: ModelOpt = False,
) -> None:
    """Score the pipeline against gold labels: clean-text lines and CER, quantities, fields, claims.

    Extraction is scored twice: on the gold clean text (the extraction stage alone) and end to end
    from the raw article."""
    from ..text.reader import InputError
    from ..run import StageError, extract_text, load_nlp, process_file
    from ..evaluation.score import (
        DocInput,
        GoldError,
        build_report,
        check_baseline,
        diff_claims,
        format_report,
        load_gold,
        report_to_dict,
    )

    ruleset = _rules(rules, no_builtin_rules, not model)
    try:
        gold_docs = load_gold(gold)
    except GoldError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if not gold_docs:
        where = "it does not exist" if not gold.exists() else "no <doc>.claims.jsonl in it"
        typer.echo(f"error: no gold labels found in {gold.resolve()} ({where}); name the folder with --gold DIR", err=True)
        raise typer.Exit(2)
    nlp = load_nlp(ruleset)
    inputs = []
    end_to_end_claims = []
    error_rows: list[dict] = []
    for doc, gold_doc in sorted(gold_docs.items()):
        raw = _find_article(seeds, doc)
        if raw is None:
            typer.echo(f"error: no article for gold document {doc} in {seeds}", err=True)
            raise typer.Exit(2)
        try:
            cleaned = process_file(raw, ruleset, nlp)
        except StageError as exc:
            if isinstance(exc.error, InputError):
                typer.echo(f"error: {exc.error}", err=True)
                raise typer.Exit(2) from None
            raise exc.error from exc
        on_gold = extract_text(gold_doc.clean_text, doc, nlp)
        on_raw = cleaned.claims
        end_to_end_claims.extend(on_raw)
        if errors is not None:
            from ..evaluation.score import claim_errors

            for mode, claims, text in (("gold_text", on_gold, gold_doc.clean_text), ("end_to_end", on_raw, cleaned.text)):
                for row in claim_errors(claims, gold_doc.claims, text, gold_doc.clean_text):
                    error_rows.append({"doc": doc, "mode": mode, **row})
        inputs.append(DocInput(doc=doc, gold=gold_doc, predicted_clean=cleaned.text, from_gold_text=on_gold, end_to_end=on_raw))
    report = build_report(inputs)
    data = report_to_dict(report)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(report))
    if diff is not None:
        _print_diff(diff, end_to_end_claims, diff_claims)
    if errors is not None:
        errors.parent.mkdir(parents=True, exist_ok=True)
        errors.write_text("".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in error_rows), encoding="utf-8")
        typer.echo(f"wrote {len(error_rows)} disagreements to {errors}", err=True)
    if write_baseline is not None:
        from ..evaluation.score import overall_figures

        figures = {k: v for k, v in overall_figures(data).items() if v is not None}
        write_baseline.write_text(json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        typer.echo(f"wrote {len(figures)} figures to {write_baseline}", err=True)
    if check:
        path = baseline or gold / "baseline.json"
        if not path.exists():
            typer.echo(f"error: no baseline at {path}", err=True)
            raise typer.Exit(2)
        failures = check_baseline(data, json.loads(path.read_text(encoding="utf-8")))
        for failure in failures:
            typer.echo(f"below baseline: {failure}", err=True)
        if failures:
            raise typer.Exit(1)
        typer.echo(f"all figures at or above the baseline ({path})", err=True)


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="A sentence or short text, or the path of an article file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as one JSON object.")] = False,
    html: Annotated[Optional[Path], typer.Option("--html", help="Write a displaCy page of the claims and entities to this file instead.")] = None,
    from_clean: Annotated[bool, typer.Option("--from-clean", help="The text is clean already: no stripping or conversion.")] = False,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
    model: ModelOpt = False,
    date: Annotated[Optional[str], typer.Option("--date", help="YYYY-MM-DD: the article's date when no dateline dates it (for the claims' periods).")] = None,
) -> None:
    """Show what the pipeline does with one text: clean text, tokens and tags, entities, claims,
    and the rule (file:line) behind each claim field, each dropped line and each excluded number.

    TEXT that names an existing file is read as an article (any format `extract` reads)."""
    from .explain import explain as run_explain
    from .explain import explanation_to_json, format_explanation, render_html
    from ..text.reader import InputError, read_article
    from ..run import load_nlp

    ruleset = _rules(rules, no_builtin_rules, not model)
    fmt, title = "txt", ""
    path = Path(text)
    if len(text) < 4096 and "\n" not in text and _is_file(path):
        try:
            article = read_article(path)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        text, fmt, title = article.text, article.fmt, path.name
    try:
        result = run_explain(text, load_nlp(ruleset), ruleset, fmt=fmt, from_clean=from_clean, default_date=date)
    except Exception as exc:  # a failing stage or a rule over its time limit: say which
        typer.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(render_html(result, title=title), encoding="utf-8")
        typer.echo(f"wrote {html}: {len(result.claims)} claims, {len(result.entities)} entities", err=True)
    elif as_json:
        typer.echo(explanation_to_json(result))
    else:
        typer.echo(format_explanation(result))


@app.command()
def compare(
    claims: Annotated[list[Path], typer.Argument(help="Claim files written by `zhclaims extract` (.jsonl or .csv).")],
    html: Annotated[Optional[Path], typer.Option("--html", help="Also write a page with each group's claims side by side to this file.")] = None,
    tolerance: Annotated[float, typer.Option("--tolerance", min=0.0, help="Relative tolerance: values within it agree (0.02 = 2%).")] = 0.02,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    all_groups: Annotated[bool, typer.Option("--all", help="Show every group, not only those that disagree.")] = False,
    window: Annotated[int, typer.Option("--window", min=0, help="Claims read at their article's date (no time, 目前, 今年…) of articles at most this many days apart are of one period (default 0: the same day).")] = 0,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
) -> None:
    """Find the measures that several articles state, and list those whose values disagree.

    Claims are grouped by entity (normalised by the compare rules of rules/compare.toml), place (where_code, else where), period (period_start/period_end, else time with the article's date), unit and role; each claim is shown with its article, title, date, sentence and url."""
    from decimal import Decimal

    from .compare import CompareRules, compare_claims, format_report, read_claim_rows, render_html, report_to_json

    ruleset = _rules(rules, no_builtin_rules)
    try:
        rows = read_claim_rows(claims)
    except (OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    report = compare_claims(rows, CompareRules.from_rules(ruleset), Decimal(str(tolerance)), window)
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(render_html(report, all_groups=all_groups), encoding="utf-8")
        typer.echo(f"wrote {html}: {len(report.disagreeing)} disagreeing of {len(report.groups)} groups", err=True)
    typer.echo(report_to_json(report, all_groups=all_groups) if as_json else format_report(report, all_groups=all_groups))


GoldDirsOpt = Annotated[
    list[Path],
    typer.Option("--gold", help="A directory of labelled articles (<doc>.clean.txt, <doc>.claims.jsonl; repeatable)."),
]


@app.command()
def train(
    gold: GoldDirsOpt,
    output: Annotated[Path, typer.Option("-o", "--output", help="The model file to write (atomically).")] = REPO / "rules" / "entity_model.json",
    l2: Annotated[Optional[float], typer.Option("--l2", help="L2 penalty of the fit (default: the tuned one).")] = None,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
) -> None:
    """Fit the learned entity choice on labelled articles and write the model (JSON feature weights).

    Each article's gold clean text is run with the rule cascade; every claim matching a gold claim
    gives its entity candidates with the gold entity as the answer. The same data gives the same
    file. A rules directory holding an `entity_model.json` makes `extract` use it (`--rules DIR`)."""
    from .train import L2, collect, fit
    from ..evaluation.score import GoldError

    ruleset = _rules(rules, no_builtin_rules, no_model=True)
    try:
        articles = collect(gold, ruleset)
    except GoldError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if not articles:
        typer.echo("error: no labelled article in " + ", ".join(map(str, gold)), err=True)
        raise typer.Exit(2)
    model = fit(articles, l2=L2 if l2 is None else l2)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.write_text(model.to_json(), encoding="utf-8")
    partial.replace(output)
    meta = model.meta
    typer.echo(f"wrote {output}: {len(model.weights)} weights from {meta.get('claims')} claims of {meta.get('articles')} articles", err=True)


@app.command()
def cv(
    gold: GoldDirsOpt,
    test: Annotated[Optional[list[Path]], typer.Option("--test", help="Score these directories with one model trained on all of --gold, instead of leaving one article out.")] = None,
    genres: Annotated[Optional[Path], typer.Option("--genres", help="A JSON object {doc: genre} to report figures by genre.")] = None,
    l2: Annotated[Optional[float], typer.Option("--l2", help="L2 penalty of the fit (default: the tuned one).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the per-article figures as one JSON object.")] = False,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
) -> None:
    """Article-level cross-validation of the learned entity choice against the rule cascade.

    Leave one article out: each article of the --gold directories is scored (on its gold clean
    text) by a model fitted on the other articles only. Prints entity lenient and exact and claim
    F1, cascade → learned, by directory, by genre and overall."""
    from .train import L2, collect, cross_validate, cv_to_dict, format_cv
    from ..evaluation.score import GoldError
    from ..run import load_nlp

    ruleset = _rules(rules, no_builtin_rules, no_model=True)
    nlp = load_nlp(ruleset)
    try:
        articles = collect(gold, ruleset, nlp)
        held_out = collect(test, ruleset, nlp) if test else []
    except GoldError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    result = cross_validate(articles, nlp, test=held_out, l2=L2 if l2 is None else l2)
    if as_json:
        typer.echo(json.dumps(cv_to_dict(result), ensure_ascii=False, indent=2))
        return
    labels = json.loads(genres.read_text(encoding="utf-8")) if genres is not None else {}
    typer.echo(format_cv(result, labels))


@rules_app.command("check")
def rules_check(
    directory: Annotated[Optional[Path], typer.Argument(help="A rules directory to check (default: the built-in rules).")] = None,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
) -> None:
    """Load every rule file, validate it, compile its patterns, run every example and counter-example.

    Prints a summary and each failure with its file, line and rule id; exit status 1 on any failure."""
    from .rulecheck import check_rules
    from ..run import load_nlp

    dirs = list(rules or [])
    if directory is not None:
        dirs.append(directory)
    ruleset = _rules(dirs, no_builtin_rules)
    try:
        nlp = load_nlp(ruleset)
    except Exception as exc:  # a pattern that does not compile in spaCy's matcher, a bad word list
        typer.echo(f"error: the rules do not build a pipeline: {exc}", err=True)
        raise typer.Exit(1) from None
    report = check_rules(ruleset, nlp)
    for failure in report.failures:
        typer.echo(f"FAIL {failure}", err=True)
    typer.echo(
        f"{report.files} files, {report.rules} rules, {report.examples} examples: "
        f"{report.passed} passed, {len(report.failures)} failed, {report.xfailed} expected failures"
    )
    if report.failures:
        raise typer.Exit(1)


def _collect_garbage() -> None:
    """Resume garbage collection (off during start-up, see main) for a command that builds no pipeline."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _print_diff(path: Path, current, diff_claims) -> None:
    from ..claim import from_mapping, parse_json_line

    previous = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            previous.append(from_mapping(parse_json_line(line)))
        except (ValueError, TypeError) as exc:
            typer.echo(f"error: {path}:{number}: {exc}", err=True)
            raise typer.Exit(2) from None
    gained, lost = diff_claims(current, previous)
    typer.echo(f"\nagainst {path}: {len(gained)} claims gained, {len(lost)} lost")
    for sign, claims in (("+", gained), ("-", lost)):
        for claim in claims:
            typer.echo(f"{sign} {claim.doc}\t{claim.quantity}\t{claim.entity}\t{claim.context}")


def _find_article(directory: Path, doc: str) -> Optional[Path]:
    for suffix in (".txt", ".md", ".html", ".htm"):
        candidate = directory / f"{doc}{suffix}"
        if candidate.exists():
            return candidate
    return None


#: Set by `main` (the console script): a stopped batch then ends the process at once (`_stop`).
_CONSOLE = False


def _stop(code: int) -> NoReturn:
    """End a stopped batch with `code`, its output already discarded and its message written.

    From the console script the process ends at once (os._exit): a normal exit joins the worker
    pool's manager thread, and when the signal came while that thread and the main one shared a
    queue lock (concurrent.futures), the join never returns; one run in a few dozen hung so."""
    if _CONSOLE:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise typer.Exit(code)


class Terminated(KeyboardInterrupt):
    """SIGTERM (timeout, docker stop, systemd): handled as Ctrl-C is, with its own exit status."""


#: The stop signals received (KeyboardInterrupt for SIGINT, Terminated for SIGTERM). A signal's
#: exception raised inside a finalizer (a `__del__`, as the regex parser's while a rule pattern
#: compiles) is printed as "ignored" and lost, and the batch went on to the end with status 0; the
#: batch loop raises it again after the article (`_raise_received`).
_received: list[type[KeyboardInterrupt]] = []


def _interrupt(signum, frame) -> None:
    _received.append(KeyboardInterrupt)
    raise KeyboardInterrupt()


def _terminate(signum, frame) -> None:
    _received.append(Terminated)
    raise Terminated()


def _raise_received() -> None:
    """Raise the stop signal received, if its exception was lost on the way (see _received)."""
    if _received:
        raise _received[-1]()


def _quiet_stops(unraisable) -> None:
    """sys.unraisablehook: a stop signal lost in a finalizer is no error to print (the batch raises it again)."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def main() -> None:
    """Entry point of the `zhclaims` console script."""
    import gc

    # start-up (spaCy, the jieba dictionary, the rules) makes ~10^6 objects that live as long as the
    # process; collecting while they are made is a fifth of the start-up. Collection resumes once the
    # pipeline is built (run.load_nlp) or, for `clean`, before the batch.
    global _CONSOLE
    _CONSOLE = True
    gc.disable()
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _terminate)
    sys.unraisablehook = _quiet_stops
    app()


if __name__ == "__main__":
    main()
