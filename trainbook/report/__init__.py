"""`share`: the manager report (SPEC §8) — a new workbook a manager can open anywhere, holding
only what they may see; the whole program's, or one per department."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from trainbook.i18n import Lang, message
from trainbook.metrics import Progress
from trainbook.report.content import reports
from trainbook.report.writer import write_report
from trainbook.workbook.master import Master
from trainbook.workbook.safety import replace_atomically

_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class ShareRun:
    """What `share` wrote: one file for the whole program, or one per department."""

    lang: Lang
    as_of: dt.date
    files: list[Path] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)  # with --by department, in the files' order

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        if self.departments:
            return message("share-by-department", lang, count=len(self.files), folder=self.files[0].parent,
                           as_of=self.as_of)
        return message("share-written", lang, path=self.files[0], as_of=self.as_of)


def file_name(program: str, department: str) -> str:
    """`<program>-<department>.xlsx`, with what a file name cannot hold replaced."""
    return _UNSAFE_IN_NAME.sub("_", f"{program}-{department}").strip(" .") + ".xlsx"


def write_reports(master: Master, result: Progress, out: Path, lang: Lang, by_department: bool) -> ShareRun:
    """Write the report of `result` to the file `out`, or with `by_department` one report per
    department into the folder `out`."""
    run = ShareRun(lang, result.as_of)
    for report in reports(master, result, lang, by_department):
        path = out / file_name(report.program, report.department) if report.department is not None else out
        replace_atomically(path, partial(write_report, report, as_of=result.as_of), lang)
        run.files.append(path)
        if report.department is not None:
            run.departments.append(report.department)
    return run
