"""`share`: the manager report (SPEC §8) — a new workbook a manager can open anywhere, holding
only what they may see; the whole program's, or one per department."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from trainbook.errors import WriteError
from trainbook.i18n import Lang, message
from trainbook.metrics import Progress
from trainbook.report.content import reports
from trainbook.report.writer import write_report
from trainbook.workbook.master import Master

_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


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
    return _UNSAFE_IN_NAME.sub("_", f"{program}-{department}").strip(" .") + ".xlsx"


def write_reports(master: Master, result: Progress, out: Path, lang: Lang, by_department: bool) -> ShareRun:
    """Write the report of `result` to the file `out`, or with `by_department` one report per
    department into the folder `out` (two departments whose names differ only by characters a
    file name cannot hold get -2, -3…)."""
    first = result.plan["date"].min() if len(result.plan) else pd.NaT
    run = ShareRun(lang, result.as_of, students=len(result.students),
                   first_session=first.date() if pd.notna(first) and first.date() > result.as_of else None)
    taken: set[str] = set()
    for report in reports(master, result, lang, by_department):
        path = out
        if report.department is not None:
            name = file_name(report.program, report.department)
            for n in range(2, 1000):
                if name.lower() not in taken:
                    break
                name = file_name(report.program, f"{report.department}-{n}")
            taken.add(name.lower())
            path = out / name
            run.departments.append(report.department)
        _write_new(path, partial(write_report, report, as_of=result.as_of), lang)
        run.files.append(path)
    return run


def _write_new(path: Path, produce: Callable[[Path], None], lang: Lang) -> None:
    """Write a file a person will forward: complete or not at all, and nothing else beside it (no
    lock file, no backups of an earlier report)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        produce(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise WriteError(message("out-failed", lang, path=path, detail=exc.strerror or type(exc).__name__)) from exc
    finally:
        tmp.unlink(missing_ok=True)
