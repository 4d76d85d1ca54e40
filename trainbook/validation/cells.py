"""Checks of single cells: present when required, of the right type, allowed, in range, inert."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from trainbook import values
from trainbook.i18n import Lang, listing, message
from trainbook.outputs import safe_name
from trainbook.schema.columns import Column, Sheet
from trainbook.uniques import distinct
from trainbook.validation.report import Finding
from trainbook.workbook.master import Master
from trainbook.workbook.refs import column_letter

CHECKED_ROLES = ("input", "system")


def _finding(code: str, sheet: str, column: str, raw: pd.Series, mask: pd.Series,
             **extra: object) -> Iterator[Finding]:
    if mask.any():
        hits = raw[mask]
        n = len(hits)
        yield Finding(code, sheet, column, hits.index.tolist(), hits.tolist(),
                      {k: v[mask].tolist() if isinstance(v, pd.Series) else [v] * n
                       for k, v in extra.items()})


def check_structure(master: Master, sheet: Sheet) -> Iterator[Finding]:
    """missing-sheet, missing-column and duplicate-column."""
    if sheet.role not in CHECKED_ROLES or not sheet.columns:
        return
    table = master.tables.get(sheet.key)
    if table is None:
        yield Finding("missing-sheet", sheet.key)
        return
    for key in table.missing_required:
        yield Finding("missing-column", sheet.key, key, rows=[1])
    for key, others in table.repeated.items():
        yield Finding("duplicate-column", sheet.key, key, rows=[1], values=[table.header(key)],
                      extra={"others": [", ".join(column_letter(i) for i in others)]})


def check_cells(master: Master, sheet: Sheet) -> Iterator[Finding]:
    """required-missing, invalid-*, out-of-range and formula-text, column by column."""
    table = master.tables.get(sheet.key)
    if (sheet.role != "input" and sheet.key != "review") or table is None:  # 待确认 holds imported text
        return
    for col in sheet.columns:
        if col.key in table.frame:
            yield from check_column(sheet.key, col, table.frame[col.key], master.lang)


def check_column(sheet: str, col: Column, raw: pd.Series, lang: Lang) -> Iterator[Finding]:
    """Every single-cell check of one column. Each distinct value is checked once; an empty column
    nobody has to fill has nothing to check."""
    codes, table = distinct(raw.to_numpy(dtype=object))
    if not (col.required and col.auto_id is None) and len(table) == 1:  # nothing but blanks
        return
    for finding in _check_values(sheet, col, pd.Series(table, dtype=object), lang):
        # a finding about a distinct value stands for every row holding that value
        slot = {value_at: i for i, value_at in enumerate(finding.rows)}
        hit = np.isin(codes, np.asarray(finding.rows, dtype=np.int64))
        which = [slot[c] for c in codes[hit]]
        finding.extra = {k: [v[i] for i in which] for k, v in finding.extra.items()}
        finding.rows, finding.values = raw.index[hit].tolist(), raw[hit].tolist()
        yield finding


def _check_values(sheet: str, col: Column, raw: pd.Series, lang: Lang) -> Iterator[Finding]:
    """The checks of one column over its values; a finding's rows are positions in `raw`."""
    filled = values.present(raw)
    if col.required and col.auto_id is None:
        yield from _finding("required-missing", sheet, col.key, raw, ~filled)
    if not filled.any():
        return
    kind = col.kind
    if kind == "id" and col.refers_to is None:  # ids name the files printed for them (C05.png, S0003-张伟.pdf)
        named = values.text(raw).fillna("")
        unsafe = named.map(lambda text: safe_name(text, "") != text.strip())
        yield from _finding("id-not-a-file-name", sheet, col.key, raw, filled & unsafe)
    if kind == "mobile":
        yield from _finding("invalid-mobile", sheet, col.key, raw, filled & values.mobile(raw).isna())
    elif kind == "email":
        yield from _finding("invalid-email", sheet, col.key, raw, filled & ~values.email_ok(raw))
    elif kind == "url":
        yield from _finding("invalid-url", sheet, col.key, raw, filled & ~values.url_ok(raw))
    elif kind in ("date", "datetime"):
        parsed = values.date(raw) if kind == "date" else values.datetime(raw)
        yield from _finding("invalid-date", sheet, col.key, raw, filled & parsed.isna())
    elif kind == "time":
        yield from _finding("invalid-time", sheet, col.key, raw, filled & values.time_of_day(raw).isna())
    elif kind in ("number", "integer", "percent"):
        parsed = values.column_number(raw, col)
        bad = filled & parsed.isna()
        if kind == "integer":
            bad |= filled & parsed.notna() & (parsed != parsed.round())
        yield from _finding("invalid-number", sheet, col.key, raw, bad)
        yield from _range_findings(sheet, col, raw, parsed)
    elif kind == "choice":
        meant = values.meant_choice(raw, col.choices, lang)
        fix = meant.map(lambda label: message("did-you-mean", lang, label=label), na_action="ignore").fillna("")
        yield from _finding("invalid-choice", sheet, col.key, raw,
                            filled & values.choice(raw, col.choices).isna(),
                            choices=listing(col.choice_labels(lang), lang), fix=fix)
    if kind in ("text", "id", "choice", "email", "url", "mobile"):
        formula = values.formula_like(raw)
        if kind == "mobile":  # '+86 137 1234 5670' is a phone number, as invalid-mobile says
            formula &= values.mobile(raw).isna()
        yield from _finding("formula-text", sheet, col.key, raw, formula,
                            first=raw[formula].astype(str).str[:1].reindex(raw.index))


def range_text(col: Column) -> str:
    def show(v: float) -> str:
        return f"{v:.0%}" if col.kind == "percent" else f"{v:g}"

    low = "" if col.min is None else ("> " if col.min_exclusive else "≥ ") + show(col.min)
    high = "" if col.max is None else "≤ " + show(col.max)
    return ", ".join(p for p in (low, high) if p)


def _range_findings(sheet: str, col: Column, raw: pd.Series, parsed: pd.Series) -> Iterator[Finding]:
    if col.min is None and col.max is None:
        return
    bad = pd.Series(False, index=raw.index)
    if col.min is not None:
        bad |= (parsed <= col.min) if col.min_exclusive else (parsed < col.min)
    if col.max is not None:
        bad |= parsed > col.max
    yield from _finding("out-of-range", sheet, col.key, raw, bad & parsed.notna(), range=range_text(col))
