"""Validation (SPEC §4): every check over a Master, and the Report they make."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from trainbook.i18n import Steps, default_lang, message, quiet
from trainbook.validation.cells import check_cells, check_structure
from trainbook.validation.keys import check_duplicates, check_possible_duplicates, check_references
from trainbook.validation.report import Finding, Issue, Report, build_issues
from trainbook.validation.rules import (
    check_capacity,
    check_ceilings,
    check_session_times,
    check_settings,
    check_weights,
)
from trainbook.workbook.master import Master

CHECKS: tuple[Callable[[Master], Iterable[Finding]], ...] = (
    check_structure, check_cells, check_duplicates, check_possible_duplicates, check_references,
    check_session_times, check_ceilings, check_weights, check_capacity, check_settings,
)


def run_checks(master: Master) -> Report:
    """Validate an in-memory master; findings are data, this never raises on bad rows."""

    def findings() -> Iterator[Finding]:
        for check in CHECKS:
            yield from check(master)

    return Report(str(master.source), master.lang, build_issues(master, findings()))


__all__ = ["Issue", "Report", "run_checks", "validate"]


def validate(target: object, annotate: bool = False, on_step: Steps = quiet) -> Report:
    """Validate a master workbook (a path, an xlwings Book, or an engine) and return its Report.

    With `annotate`, also write the issues sheet and mark the offending cells (earlier marks are
    replaced). Raises TrainbookError only when the workbook cannot be read or written.
    """
    from trainbook.validation.annotate import annotation
    from trainbook.workbook import engine_for

    engine = engine_for(target)
    on_step(message("step-read", default_lang(), name=Path(str(target)).name))
    master = engine.read()
    on_step(message("step-check", master.lang))
    report = run_checks(master)
    if annotate:
        on_step(message("step-write", master.lang, name=Path(str(master.source)).name))
        engine.write(master, annotation(report, master))
    return report
