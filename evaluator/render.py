"""Human-readable output for the terminal (rich is imported only here, only when needed)."""

from __future__ import annotations

from typing import Any

from evaluator.models import DIMENSION_TITLES, DIMENSIONS, Question, Report


def print_report(report: Report, question: Question) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{question.title}[/bold]  ({report.question_id}, {report.round}, {report.mode} mode)")
    table = Table("dimension", "score", "rationale", show_lines=True)
    for d in DIMENSIONS:
        ds = report.dimensions[d]
        table.add_row(DIMENSION_TITLES[d], "-" if ds.score is None else str(ds.score), ds.rationale)
    console.print(table)
    console.print(f"overall [bold]{report.overall.score:.2f}[/bold] -> [bold]{report.overall.recommendation}[/bold]")
    if report.sql is not None:
        verdict = "correct" if report.sql.correct else "incorrect"
        console.print(f"SQL ({report.sql.dialect}): [bold]{verdict}[/bold]. {report.sql.feedback}")
    if report.flags:
        console.print(f"flags: {', '.join(report.flags)}")
    if report.top_gap:
        console.print(f"most important gap: {report.top_gap}")
    for note in report.notes:
        console.print(f"[dim]{note}[/dim]")


def print_calibration(result: Any) -> None:
    from rich.console import Console

    Console(soft_wrap=True).print(result.summary_text())
