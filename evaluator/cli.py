"""The ``mockloop`` command (CONTRACT.md). Thin: parse, call the library, print.

Exit codes: 0 success, 1 invalid input (message on stderr naming the file and the problem),
2 usage error. Reports go to stdout; diagnostics never do.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from evaluator.models import Round

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="MockLoop: practise and grade senior DE interview rounds."
)
rubric_app = typer.Typer(no_args_is_help=True, help="Author and check rubric and question files.")
app.add_typer(rubric_app, name="rubric")


def _fail(message: str, code: int = 1) -> typer.Exit:
    print(f"mockloop: {message}", file=sys.stderr)
    return typer.Exit(code)


def _bank_or_fail() -> None:
    from evaluator.bank import load_bank
    from evaluator.loader import LoadError

    try:
        load_bank()
    except LoadError as exc:
        raise _fail(f"the question bank is invalid:\n{exc}") from exc


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@app.command()
def questions(
    round: Annotated[Round | None, typer.Option("--round", help="only this round")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON array")] = False,
) -> None:
    """List the question bank."""
    from evaluator.bank import questions as all_questions
    from evaluator.models import QuestionSummary

    _bank_or_fail()
    qs = all_questions(round)
    if as_json:
        _print_json([QuestionSummary.model_validate(q.model_dump()).model_dump() for q in qs])
        return
    for q in qs:
        print(f"{q.id:36} {q.round:14} {q.time_limit_minutes:3} min  {q.title}")


@app.command()
def grade(
    question: Annotated[str, typer.Option("--question", help="question id (see `mockloop questions`)")],
    answer_file: Annotated[Path, typer.Option("--answer-file", help="the answer: text, or SQL for SQL questions")],
    as_json: Annotated[bool, typer.Option("--json", help="print exactly one Report object")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="deterministic mode even if an LLM is configured")] = False,
    samples: Annotated[
        int, typer.Option("--samples", min=1, help="LLM judge: grade k times, report the median and spread")
    ] = 1,
) -> None:
    """Grade one answer."""
    from evaluator.bank import UnknownQuestion, get_question
    from evaluator.service import grade_answer

    _bank_or_fail()
    try:
        q = get_question(question)
    except UnknownQuestion as exc:
        raise _fail(str(exc)) from exc
    try:
        # newline="": keep the text exactly as in the file (CRLF too), so evidence quotes are
        # exact substrings of the file and not of a newline-translated copy.
        with answer_file.open(encoding="utf-8", newline="") as fh:
            answer = fh.read()
    except FileNotFoundError as exc:
        raise _fail(f"{answer_file}: no such answer file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{answer_file}: cannot read answer file ({exc})") from exc
    outcome = grade_answer(q, answer, offline=offline, samples=samples)
    for note in outcome.diagnostics:
        print(f"mockloop: {note}", file=sys.stderr)
    if as_json:
        _print_json(outcome.report.contract_dict())
    else:
        from evaluator.render import print_report

        print_report(outcome.report, q)


@app.command()
def batch(
    paths: Annotated[list[Path], typer.Argument(help="transcript files or folders of *.json")],
    out: Annotated[Path | None, typer.Option("--out", help="results file: .csv or .jsonl")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print results as JSON lines on stdout")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="deterministic mode")] = False,
) -> None:
    """Grade saved transcripts; a bad file is reported and the rest still graded."""
    from evaluator.batch import check_output, grade_transcripts, transcript_files, write_results

    _bank_or_fail()
    if out is not None and out.suffix.lower() not in (".csv", ".jsonl"):
        raise _fail(f"{out}: --out must end in .csv or .jsonl", 2)
    if out is not None:
        try:
            check_output(out)  # before grading: a batch must not grade everything and then crash
        except OSError as exc:
            raise _fail(f"{out}: cannot write results ({exc.strerror or exc})") from exc
    found = 0
    for p in paths:
        n = len(transcript_files([p]))
        if n == 0:
            print(f"mockloop: no transcripts found in {p}", file=sys.stderr)
        found += n
    if found == 0:
        raise typer.Exit(1)
    _settings_warning(offline)
    results = grade_transcripts(paths, offline=offline)
    for r in results:
        for note in r.notes:
            print(f"mockloop: {r.path}: {note}", file=sys.stderr)
        if r.error:
            print(f"mockloop: {r.path}: {r.error}", file=sys.stderr)
    if out is not None:
        try:
            write_results(results, out)
        except OSError as exc:
            raise _fail(f"{out}: cannot write results ({exc.strerror or exc})") from exc
        print(f"mockloop: wrote {len(results)} result(s) to {out}", file=sys.stderr)
    if as_json:
        for r in results:
            sys.stdout.write(json.dumps(r.as_row(full=True), ensure_ascii=False) + "\n")
    elif out is None:
        for r in results:
            row = r.as_row()
            outcome = row["recommendation"] or row["error"]
            print(f"{row['file']}: {row['question_id'] or '-'} {row['overall_score'] or '-'} {outcome}")
    if results and all(r.error for r in results):
        raise typer.Exit(1)


def _settings_warning(offline: bool) -> None:
    """Say once (not once per transcript) that a MOCKLOOP_* setting is invalid."""
    if offline:
        return
    from evaluator.service import settings_diagnostic
    from evaluator.settings import get_settings

    problem = settings_diagnostic(get_settings())
    if problem:
        print(f"mockloop: {problem}", file=sys.stderr)


@rubric_app.command("validate")
def rubric_validate(paths: Annotated[list[Path], typer.Argument(help="rubric/question YAML files or folders")]) -> None:
    """Validate rubric and question files; prints file:line: message for each problem."""
    from evaluator.loader import validate_paths

    count, problems = validate_paths(paths)
    for p in problems:
        print(str(p), file=sys.stderr)
    if problems:
        raise typer.Exit(1)
    print(f"{count} file(s) valid")


@rubric_app.command("checks")
def rubric_checks() -> None:
    """List the deterministic checks a rubric may reference, with what each is for."""
    from evaluator.checks import CHECKS

    for name in sorted(CHECKS):
        doc = " ".join((CHECKS[name].__doc__ or "").split())
        print(f"{name}\n    {doc}\n")


@app.command()
def calibrate(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    offline: Annotated[bool, typer.Option("--offline")] = False,
    split: Annotated[
        str | None, typer.Option("--split", help="only this part of the gold set: development, holdout or coach")
    ] = None,
) -> None:
    """Grade the bundled gold set and report agreement with its expert scores."""
    from evaluator.calibration import GROUPS, run_calibration

    _bank_or_fail()
    if split is not None and split not in GROUPS:
        raise _fail(f"--split must be one of {', '.join(GROUPS)}, not {split!r}", code=2)
    _settings_warning(offline)
    result = run_calibration(offline=offline, group=split)
    if as_json:
        _print_json(result.model_dump(mode="json"))
    else:
        from evaluator.render import print_calibration

        print_calibration(result)


@app.command("app")
def run_app(
    port: Annotated[int, typer.Option(help="port to serve on")] = 8501,
    headless: Annotated[bool, typer.Option(help="do not open a browser")] = False,
) -> None:
    """Start the Streamlit app."""
    import subprocess

    from evaluator.appcmd import streamlit_command

    cmd = streamlit_command(port, headless=headless)
    raise typer.Exit(subprocess.call(cmd))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
