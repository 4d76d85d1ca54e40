"""Validation: every check over a Master, and the Report they make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

import pandas as pd

from trainbook import clock
from trainbook.schema.columns import Sheet
from trainbook.schema.sheets import BY_KEY
from trainbook.validation.cells import check_cells, check_structure
from trainbook.validation.keys import check_duplicates, check_possible_duplicates, check_references
from trainbook.validation.report import Finding, Issue, Report, Reports, build_issues
from trainbook.validation.rules import (
    check_capacity,
    check_ceilings,
    check_session_times,
    check_settings,
    check_task_sessions,
    check_templates,
    check_unrecorded,
    check_weights,
)
from trainbook.workbook.master import Master

# Checks of one sheet on its own, run as each sheet comes in (while larger ones are still read), and
# the cell checks, run once over many sheets (`check_cells`); then the checks across sheets.
SHEET_CHECKS: tuple[Callable[[Master, Sheet], Iterable[Finding]], ...] = (check_structure, check_duplicates)
POOLED_CELLS = 100_000  # cells held back for one run of the cell checks while other sheets still come in
CHECKS: tuple[Callable[[Master], Iterable[Finding]], ...] = (
    check_possible_duplicates, check_references, check_session_times, check_ceilings, check_weights,
    check_task_sessions, check_capacity, check_settings, check_templates,
)


def run_checks(master: Master, as_of: dt.date | None = None) -> Report:
    """Validate an in-memory master; findings are data, this never raises on bad rows. Findings
    about what should have happened by now (sessions held but not recorded) are as of `as_of`
    (default: today)."""
    day = pd.Timestamp(as_of or clock.today())

    def findings() -> Iterator[Finding]:
        held: list[Sheet] = []  # come in, their cells not checked yet
        cells = 0  # theirs
        for keys in master.tables.arrived(BY_KEY):
            for key in keys:
                for sheet_check in SHEET_CHECKS:
                    yield from sheet_check(master, BY_KEY[key])
                held.append(BY_KEY[key])
                cells += table.frame.size if (table := master.tables.get(key)) else 0
            if cells >= POOLED_CELLS:
                yield from check_cells(master, held)
                held, cells = [], 0
        yield from check_cells(master, held)
        for check in CHECKS:
            yield from check(master)
        yield from check_unrecorded(master, day)

    return Report(str(master.source), master.lang, build_issues(master, findings()))


__all__ = ["Issue", "Report", "Reports", "run_checks"]
