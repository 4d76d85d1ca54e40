"""`share`: the manager report — a new workbook a manager can open anywhere, holding
only what they may see; the whole program's, or one per department."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from trainbook.i18n import Lang, message
from trainbook.metrics import Progress
from trainbook.outputs import safe_name, staged, unique_names, write_file
from trainbook.report.content import reports
from trainbook.report.writer import write_report
from trainbook.workbook.master import Master


@dataclass
class ShareRun:
    """What `share` wrote: one file for the whole program, or one per department."""

    lang: Lang
    as_of: dt.date
    files: list[Path] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)  # with --by department, in the files' order
    students: int = 0
    first_session: dt.date | None = None  # when the report is as of a day before it

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        lines = [message("share-by-department", lang, count=len(self.files), folder=self.files[0].parent,
                         as_of=self.as_of) if self.departments else
                 message("share-written", lang, path=self.files[0], as_of=self.as_of)]
        if not self.students:
            lines.append(message("share-empty", lang))
        if self.first_session is not None:
            lines.append(message("share-before-start", lang, as_of=self.as_of, first=self.first_session))
        return "\n".join(lines)


def file_name(program: str, department: str) -> str:
    """`<program>-<department>.xlsx`, with what a file name cannot hold replaced."""
    return safe_name(f"{program}-{department}") + ".xlsx"


def write_reports(master: Master, result: Progress, out: Path, lang: Lang, by_department: bool) -> ShareRun:
    """Write the report of `result` to the file `out`, or with `by_department` one report per
    department into the folder `out` (two departments whose names differ only by characters a
    file name cannot hold get -2, -3…)."""
    first = result.plan["date"].min() if len(result.plan) else pd.NaT
    run = ShareRun(lang, result.as_of, students=len(result.students),
                   first_session=first.date() if pd.notna(first) and first.date() > result.as_of else None)
    made = list(reports(master, result, lang, by_department))
    if not by_department:  # a file a person will forward: complete or not at all, nothing else beside it
        write_file(out, partial(write_report, made[0], as_of=result.as_of), lang)
        run.files.append(out)
        return run
    names = unique_names([file_name(r.program, r.department or "") for r in made])
    with staged(out, lang) as stage:
        for report, name in zip(made, names):
            write_report(report, stage / name, as_of=result.as_of)
            run.departments.append(report.department or "")
    run.files = [out / name for name in names]
    return run
