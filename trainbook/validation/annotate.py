"""--annotate: the issues sheet with a link per finding, and the offending cells marked."""

from __future__ import annotations

import pandas as pd

from trainbook.i18n import last_run
from trainbook.schema.columns import labels
from trainbook.schema.sheets import BY_KEY, SEVERITY
from trainbook.validation.report import Report
from trainbook.workbook.engine import Cell, Update
from trainbook.workbook.master import Master
from trainbook.workbook.sheet_xml import Link


def issues_frame(report: Report, master: Master) -> pd.DataFrame:
    """The rows of the issues sheet, by column key."""
    label = labels(SEVERITY, master.lang)
    rows = []
    for issue in report.issues:
        target = f"'{issue.sheet_name}'!{issue.letter or 'A'}{issue.row or 1}"
        shown = f"{issue.sheet_name}!{issue.cell}" if issue.cell else issue.sheet_name
        rows.append({"severity": label[issue.severity], "sheet": issue.sheet_name, "row": issue.row,
                     "column": issue.header, "cell": Link(shown, target), "code": issue.code,
                     "message": issue.message, "value": issue.value})
    return pd.DataFrame(rows, columns=BY_KEY["issues"].keys)


def annotation(report: Report, master: Master) -> Update:
    """The update that --annotate writes: the issues sheet, new marks, and old marks removed."""
    by_name = {t.name: key for key, t in master.tables.items()}
    marks: dict[str, list[Cell]] = {}
    unmark: dict[str, list[Cell]] = {}
    previous = master.frame("issues")
    if {"sheet", "row", "column"} <= set(previous.columns):
        for name, row, header in previous[["sheet", "row", "column"]].itertuples(index=False):
            key = by_name.get(str(name))
            if key is None:
                continue
            marks.setdefault(key, [])
            table = master.tables[key]
            position = next((i for i, h in enumerate(table.headers) if h == header), None)
            if position is not None and isinstance(row, (int, float)) and row > 1:
                unmark.setdefault(key, []).append((int(row), position))
    for issue in report.issues:
        positions = master.tables[issue.sheet].positions if issue.sheet in master.tables else {}
        if issue.severity != "info" and issue.row and issue.row > 1 and issue.column in positions:
            marks.setdefault(issue.sheet, []).append((issue.row, positions[issue.column]))
    run = last_run(master.lang, "validate", errors=report.errors, warnings=report.warnings)
    return Update(tables={"issues": issues_frame(report, master)}, marks=marks, unmark=unmark, last_run=run)
