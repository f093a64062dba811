"""The `zhclaims` command line. Heavy libraries (spaCy, jieba, OpenCC) are imported only inside
the commands that need them, so `zhclaims --help` stays fast."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    help="Pull numeric claims (value, unit, entity, place, time, role) out of Chinese news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Check and inspect rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

RulesOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--rules", help="A rules directory of your own, loaded on top of the built-in rules (repeatable)."),
]
NoBuiltinOpt = Annotated[
    bool, typer.Option("--no-builtin-rules", help="Use only the --rules directories, not the built-in rules.")
]
REPO = Path(__file__).resolve().parent.parent


def _rules(rules: Optional[list[Path]], no_builtin: bool):
    from pipeline.rules import RuleError, load_rules

    try:
        return load_rules(rules or [], builtin=not no_builtin)
    except RuleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _failure(path: Path, exc: Exception) -> str:
    """The error line of an article that failed: an input error names its path itself."""
    from pipeline.reader import InputError

    if isinstance(exc, InputError):
        return f"error: {exc}"
    return f"error: {path}: {type(exc).__name__}: {exc}"


def _progress(items: list, label: str):
    """Wrap a list in a progress bar on standard error when there are several and it is a terminal."""
    if len(items) > 1 and sys.stderr.isatty():
        return typer.progressbar(items, label=label, file=sys.stderr)
    from contextlib import nullcontext

    return nullcontext(items)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Article files, or directories (every .txt/.md/.html below them).")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write claims here (default: standard output).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    from_clean: Annotated[bool, typer.Option("--from-clean", help="Inputs are clean text already: no stripping or conversion.")] = False,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
) -> None:
    """Extract the claims of articles: one claim per line, fields doc, the gold fields, sentence, rule.

    Exit status: 0 when every input was read, 1 when any input failed (each failure is reported
    on standard error with its path and reason, and the batch goes on)."""
    from pipeline.claim import OUTPUT_FIELDS, format_decimal, to_json
    from pipeline.reader import read_article
    from pipeline.run import ARTICLE_SUFFIXES, clean_document, doc_id, extract_text, iter_inputs, load_nlp

    if fmt not in ("jsonl", "csv"):
        typer.echo("error: --format must be jsonl or csv", err=True)
        raise typer.Exit(2)
    ruleset = _rules(rules, no_builtin_rules)
    files = list(iter_inputs(paths, (".txt",) if from_clean else ARTICLE_SUFFIXES))
    missing = [p for p in paths if not p.exists()]
    failures = 0
    for path in missing:
        typer.echo(f"error: {path}: no such file or directory", err=True)
        failures += 1
    nlp = load_nlp(ruleset)
    out_stream, finish = _open_output(output)
    writer = None
    if fmt == "csv":
        import csv

        writer = csv.writer(out_stream)
        writer.writerow(OUTPUT_FIELDS)
    try:
        with _progress(files, "extracting") as items:
            for path in items:
                try:
                    article = read_article(path)
                    text = article.text if from_clean else clean_document(article.text, fmt=article.fmt, rules=ruleset).text
                    claims = extract_text(text, doc_id(path), nlp)
                except Exception as exc:  # unreadable input or a failing stage: report it, go on
                    typer.echo(_failure(path, exc), err=True)
                    failures += 1
                    continue
                for claim in claims:
                    if writer is None:
                        out_stream.write(to_json(claim) + "\n")
                    else:
                        row = claim.as_row()
                        writer.writerow(
                            format_decimal(v) if k in ("value", "high") else ("" if v is None else v) for k, v in row.items()
                        )
    except BaseException:
        finish(success=False)
        raise
    finish(success=True)
    if failures:
        raise typer.Exit(1)


def _open_output(output: Optional[Path]):
    """Open the output: a temporary file renamed into place at the end, or standard output."""
    if output is None:
        return sys.stdout, lambda success: sys.stdout.flush()
    import os
    import tempfile

    output.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=output.parent, prefix=f".{output.name}.", suffix=".part", delete=False, newline=""
    )

    def finish(success: bool) -> None:
        handle.close()
        if success:
            os.replace(handle.name, output)
        else:
            os.unlink(handle.name)

    return handle, finish


@app.command()
def clean(
    paths: Annotated[list[Path], typer.Argument(help="Article files or directories.")],
    directory: Annotated[Path, typer.Option("-d", "--dir", help="Write DIR/<doc>.clean.txt for each article.")],
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
) -> None:
    """Write the cleaned text of each article (boilerplate stripped, simplified) to DIR/<doc>.clean.txt.

    Warnings (corrupted byte sequences) are printed on standard error; exit status 1 when any
    input failed."""
    from pipeline.reader import read_article
    from pipeline.run import clean_document, doc_id, iter_inputs

    ruleset = _rules(rules, no_builtin_rules)
    directory.mkdir(parents=True, exist_ok=True)
    failures = 0
    files = list(iter_inputs(paths))
    with _progress(files, "cleaning") as items:
        for path in items:
            try:
                article = read_article(path)
                cleaned = clean_document(article.text, fmt=article.fmt, rules=ruleset)
            except Exception as exc:  # unreadable input or a failing stage: report it, go on
                typer.echo(_failure(path, exc), err=True)
                failures += 1
                continue
            target = directory / f"{doc_id(path)}.clean.txt"
            tmp = target.with_name(target.name + ".part")
            tmp.write_text(cleaned.text, encoding="utf-8")
            tmp.replace(target)
            for warning in cleaned.warnings:
                typer.echo(f"warning: {path}: {warning}", err=True)
    if failures:
        raise typer.Exit(1)


@app.command()
def score(
    seeds: Annotated[Path, typer.Option("--seeds", help="Directory of raw articles (<doc>.txt/.md/.html).")] = REPO / "seeds",
    gold: Annotated[Path, typer.Option("--gold", help="Directory of gold labels (<doc>.clean.txt, <doc>.claims.jsonl).")] = REPO / "gold",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1, naming each figure, when any falls below gold/baseline.json.")] = False,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", help="Baseline file for --check (default: GOLD/baseline.json).")] = None,
    diff: Annotated[Optional[Path], typer.Option("--diff", help="A previous `extract` output (JSONL): list the claims gained and lost.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", help="Write the overall figures of this run to a baseline file.")] = None,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
) -> None:
    """Score the pipeline against gold labels: clean-text lines and CER, quantities, fields, claims.

    Extraction is scored twice: on the gold clean text (the extraction stage alone) and end to end
    from the raw article."""
    from pipeline.reader import InputError, read_article
    from pipeline.run import clean_document, extract_text, load_nlp
    from pipeline.score import (
        DocInput,
        GoldError,
        build_report,
        check_baseline,
        diff_claims,
        format_report,
        load_gold,
        report_to_dict,
    )

    ruleset = _rules(rules, no_builtin_rules)
    try:
        gold_docs = load_gold(gold)
    except GoldError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    nlp = load_nlp(ruleset)
    inputs = []
    end_to_end_claims = []
    for doc, gold_doc in sorted(gold_docs.items()):
        raw = _find_article(seeds, doc)
        if raw is None:
            typer.echo(f"error: no article for gold document {doc} in {seeds}", err=True)
            raise typer.Exit(2)
        try:
            article = read_article(raw)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        cleaned = clean_document(article.text, fmt=article.fmt, rules=ruleset)
        on_gold = extract_text(gold_doc.clean_text, doc, nlp)
        on_raw = extract_text(cleaned.text, doc, nlp)
        end_to_end_claims.extend(on_raw)
        inputs.append(DocInput(doc=doc, gold=gold_doc, predicted_clean=cleaned.text, from_gold_text=on_gold, end_to_end=on_raw))
    report = build_report(inputs)
    data = report_to_dict(report)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(report))
    if diff is not None:
        _print_diff(diff, end_to_end_claims, diff_claims)
    if write_baseline is not None:
        from pipeline.score import overall_figures

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
) -> None:
    """Show what the pipeline does with one text: clean text, tokens and tags, entities, claims,
    and the rule (file:line) behind each claim field, each dropped line and each excluded number.

    TEXT that names an existing file is read as an article (any format `extract` reads)."""
    from pipeline.explain import explain as run_explain
    from pipeline.explain import explanation_to_json, format_explanation, render_html
    from pipeline.reader import InputError, read_article
    from pipeline.run import load_nlp

    ruleset = _rules(rules, no_builtin_rules)
    fmt, title = "txt", ""
    path = Path(text)
    if len(text) < 4096 and "\n" not in text and path.is_file():
        try:
            article = read_article(path)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        text, fmt, title = article.text, article.fmt, path.name
    try:
        result = run_explain(text, load_nlp(ruleset), ruleset, fmt=fmt, from_clean=from_clean)
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


@rules_app.command("check")
def rules_check(
    directory: Annotated[Optional[Path], typer.Argument(help="A rules directory to check (default: the built-in rules).")] = None,
    rules: RulesOpt = None,
    no_builtin_rules: NoBuiltinOpt = False,
) -> None:
    """Load every rule file, validate it, compile its patterns, run every example and counter-example.

    Prints a summary and each failure with its file, line and rule id; exit status 1 on any failure."""
    from pipeline.rulecheck import check_rules
    from pipeline.run import load_nlp

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


def _print_diff(path: Path, current, diff_claims) -> None:
    from pipeline.claim import from_mapping, parse_json_line

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


def main() -> None:
    """Entry point of the `zhclaims` console script."""
    app()


if __name__ == "__main__":
    main()
