"""Validation findings as data: Issue, Report, and the vectorized Finding that checks emit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from trainbook.i18n import Lang, message
from trainbook.schema.sheets import BY_KEY
from trainbook.validation.catalogue import BY_CODE, Severity
from trainbook.workbook.master import Master


@dataclass(frozen=True)
class Issue:
    """One finding, at the user's coordinates: sheet, Excel row (header = 1), column and letter."""

    severity: Severity
    code: str
    sheet: str
    row: int | None
    column: str
    message: str
    value: str = ""
    sheet_name: str = ""
    header: str = ""
    letter: str = ""

    @property
    def cell(self) -> str:
        return f"{self.letter}{self.row}" if self.letter and self.row else ""

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("severity", "sheet", "row", "column", "code", "message",
                                               "value")}


@dataclass
class Finding:
    """Many findings of one code in one column, as checks produce them (one row per finding)."""

    code: str
    sheet: str
    column: str = ""
    rows: Sequence[int | None] = (None,)
    values: Sequence[object] = ("",)
    extra: dict[str, Sequence[object]] = field(default_factory=dict)


@dataclass
class Report:
    """The outcome of validating one workbook."""

    path: str
    lang: Lang
    issues: list[Issue] = field(default_factory=list)
    error: str | None = None  # in a batch: why this book could not be validated

    @property
    def errors(self) -> int:
        return sum(i.severity == "error" for i in self.issues)

    @property
    def warnings(self) -> int:
        return sum(i.severity == "warning" for i in self.issues)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings are allowed) and the book could be read."""
        return self.errors == 0 and self.error is None

    def summary(self, lang: Lang | None = None, annotated: bool = False) -> str:
        """What validation found, in one line; `annotated` adds where to see and fix it."""
        lang = lang or self.lang
        if self.error is not None:
            return self.error
        if not self.issues:
            return message("validate-clean", lang, path=Path(self.path).name)
        line = message("validate-found", lang, path=Path(self.path).name, errors=self.errors, warnings=self.warnings,
                       infos=sum(i.severity == "info" for i in self.issues))
        return line + (message("validate-annotated", lang) if annotated else "")

    def lines(self) -> list[str]:
        """One line per finding: severity, where, code and what to do."""
        from trainbook.schema.columns import labels
        from trainbook.schema.sheets import SEVERITY

        label = labels(SEVERITY, self.lang)
        return [f"  [{label[i.severity]}] {f'{i.sheet_name}!{i.cell}' if i.cell else i.sheet_name} {i.code}: {i.message}"
                for i in self.issues]

    def flatten(self, fields: Sequence[str] = ("sheet", "row", "column", "code")) -> list[tuple[Any, ...]]:
        """The issues as tuples of the named fields, for compact comparisons."""
        return [tuple(getattr(i, f) for f in fields) for i in self.issues]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(i) | {"cell": i.cell} for i in self.issues],
                            columns=[*Issue.__dataclass_fields__, "cell"])

    def to_json(self) -> dict[str, Any]:
        data = {"path": self.path, "ok": self.ok, "errors": self.errors, "warnings": self.warnings,
                "issues": [i.to_json() for i in self.issues]}
        return data if self.error is None else {**data, "error": self.error}


class Reports(list[Report]):
    """The reports of several workbooks validated together, in order."""

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self)

    def to_frame(self) -> pd.DataFrame:
        """Every finding of every book in one table, with the book's `path` first; a book that
        could not be read is one row with its `error`."""
        frames = [r.to_frame().assign(error=None) if r.error is None else
                  pd.DataFrame({"severity": ["error"], "error": [r.error]}) for r in self]
        columns = ["path", *Issue.__dataclass_fields__, "cell", "error"]
        if not frames:
            return pd.DataFrame(columns=columns)
        table = pd.concat([f.assign(path=r.path) for f, r in zip(frames, self) if len(f)], ignore_index=True)
        return table.reindex(columns=columns)


def _display(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M") if value.hour or value.minute else value.strftime("%Y-%m-%d")
    return str(value)


def build_issues(master: Master, findings: Iterable[Finding]) -> list[Issue]:
    """Render findings into Issues with messages in the workbook's language, in sheet/row order."""
    lang = master.lang
    order = {key: i for i, key in enumerate(BY_KEY)}
    issues: list[Issue] = []
    for f in findings:
        code = BY_CODE[f.code]
        sheet = BY_KEY[f.sheet]
        table = master.tables.get(f.sheet)
        sheet_name = table.name if table else sheet.name(lang)
        has_column = bool(f.column) and table is not None and f.column in table.positions
        header = table.header(f.column) if has_column and table else (
            sheet.column(f.column).header(lang) if f.column in sheet.keys else f.column)
        letter = table.letter(f.column) if has_column and table else ""
        for i, (row, value) in enumerate(zip(f.rows, f.values)):
            extra = {k: _display(v[i]) for k, v in f.extra.items()}
            shown = _display(value)
            cell = f"{sheet_name}!{letter}{row}" if letter and row else sheet_name
            text = code.message(lang, sheet=sheet_name, column=header, row=row, value=shown,
                                cell=cell, **extra)
            issues.append(Issue(code.severity, f.code, f.sheet, None if row is None else int(row),
                                f.column, text, shown, sheet_name, header, letter))
    issues.sort(key=lambda i: (order[i.sheet], i.row or 0, i.letter.rjust(3), i.code))
    return issues
