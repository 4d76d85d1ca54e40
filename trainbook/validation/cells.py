"""Checks of single cells: present when required, of the right type, allowed, in range, inert."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

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


def check_cells(master: Master, sheets: Sequence[Sheet]) -> Iterator[Finding]:
    """required-missing, invalid-*, out-of-range and formula-text over the columns of `sheets`.
    Each check runs once over the distinct values of all those columns end to end: its cost is
    mostly per call (a program's sheets hold a hundred short columns), hardly per value."""
    columns: list[_Column] = []
    tables: list[np.ndarray] = []
    start = 0
    for sheet in sheets:
        table = master.tables.get(sheet.key)
        if (sheet.role != "input" and sheet.key != "review") or table is None:  # 待确认 holds imported text
            continue
        for col in sheet.columns:
            if col.key not in table.frame:
                continue
            raw = table.frame[col.key]
            codes, distinct_values = distinct(raw.to_numpy(dtype=object))
            if not col.to_fill and len(distinct_values) == 1:  # nothing but blanks
                continue
            columns.append(_Column(sheet.key, col, raw, start + codes))
            tables.append(distinct_values)
            start += len(distinct_values)
    if not columns:
        return
    pool = _Pool(pd.Series(np.concatenate(tables), dtype=object),
                 np.repeat(np.arange(len(columns)), [len(t) for t in tables]), [c.col for c in columns])
    for code, found, details in _check_pool(pool, master.lang):
        for j in np.unique(pool.owner[found]):
            column = columns[j]
            # a finding about a distinct value stands for every row holding that value
            hit = found[column.at]
            at = column.at[hit]
            yield Finding(code, column.sheet, column.col.key, column.raw.index[hit].tolist(),
                          column.raw.to_numpy()[hit].tolist(), {k: v[at].tolist() for k, v in details.items()})


@dataclass(frozen=True)
class _Column:
    sheet: str
    col: Column
    raw: pd.Series
    at: np.ndarray  # where each row's value is in the pool


@dataclass
class _Pool:
    """The distinct values of many columns end to end, and whose column each one is in."""

    cells: pd.Series
    owner: np.ndarray
    cols: list[Column]

    def per_column(self, make: Callable[[Column], object]) -> np.ndarray:
        """`make` of each value's column."""
        made = np.empty(len(self.cols), dtype=object)
        made[:] = [make(col) for col in self.cols]
        each: np.ndarray = made[self.owner]
        return each

    def spread(self, where: np.ndarray, found: pd.Series | np.ndarray) -> np.ndarray:
        """What a check `found` over the values `where` picks, as a mask of the whole pool."""
        out = np.zeros(len(self.cells), dtype=bool)
        out[where] = np.asarray(found, dtype=bool)
        return out


Checked = Iterator[tuple[str, np.ndarray, dict[str, np.ndarray]]]  # (code, values found, details by value)


def _check_pool(pool: _Pool, lang: Lang) -> Checked:
    cells = pool.cells
    kinds = pool.per_column(lambda col: col.kind)
    filled = values.present(cells).to_numpy()
    yield "required-missing", ~filled & pool.per_column(lambda col: col.to_fill).astype(bool), {}

    def of_kind(*wanted: str) -> np.ndarray:
        return filled & np.isin(kinds, wanted)

    # ids name the files printed for them (C05.png, S0003-张伟.pdf)
    named = of_kind("id") & pool.per_column(lambda col: col.refers_to is None).astype(bool)
    text = values.text(cells[named]).fillna("")
    yield "id-not-a-file-name", pool.spread(named, text.map(lambda t: safe_name(t, "") != t.strip())), {}
    mobiles = of_kind("mobile")
    phone_numbers = pool.spread(mobiles, values.mobile(cells[mobiles]).notna())
    yield "invalid-mobile", mobiles & ~phone_numbers, {}
    emails, urls, dates, datetimes, times = (of_kind(k) for k in ("email", "url", "date", "datetime", "time"))
    yield "invalid-email", pool.spread(emails, ~values.email_ok(cells[emails])), {}
    yield "invalid-url", pool.spread(urls, ~values.url_ok(cells[urls])), {}
    yield "invalid-date", (pool.spread(dates, values.date(cells[dates]).isna())
                           | pool.spread(datetimes, values.datetime(cells[datetimes]).isna())), {}
    yield "invalid-time", pool.spread(times, values.time_of_day(cells[times]).isna()), {}
    yield from _number_findings(pool, of_kind("number", "integer", "percent"), kinds)
    yield from _choice_findings(pool, of_kind("choice"), lang)
    textual = np.isin(kinds, ("text", "id", "choice", "email", "url", "mobile"))
    # '+86 137 1234 5670' is a phone number, as invalid-mobile says, not a formula
    formula = pool.spread(textual, values.formula_like(cells[textual])) & ~phone_numbers
    first = np.empty(len(cells), dtype=object)
    first[formula] = [str(v)[:1] for v in cells[formula]]
    yield "formula-text", formula, {"first": first}


def _number_findings(pool: _Pool, numbers: np.ndarray, kinds: np.ndarray) -> Checked:
    parsed = values.number(pool.cells[numbers])
    percent = kinds[numbers] == "percent"
    parsed[percent] = values.as_share(parsed[percent])
    missing = parsed.isna().to_numpy()
    bad = missing | ((kinds[numbers] == "integer") & (parsed != parsed.round()).to_numpy() & ~missing)
    yield "invalid-number", pool.spread(numbers, bad), {}
    number = np.full(len(pool.cells), np.nan)
    number[numbers] = parsed.to_numpy()
    low = pool.per_column(lambda col: np.nan if col.min is None else col.min).astype(float)
    high = pool.per_column(lambda col: np.nan if col.max is None else col.max).astype(float)
    exclusive = pool.per_column(lambda col: col.min_exclusive).astype(bool)
    outside = np.where(exclusive, number <= low, number < low) | (number > high)  # NaN compares False
    yield "out-of-range", outside, {"range": pool.per_column(range_text)}


def _choice_findings(pool: _Pool, choices: np.ndarray, lang: Lang) -> Checked:
    listed = pool.per_column(lambda col: listing(col.choice_labels(lang), lang) if col.kind == "choice" else "")
    for allowed in dict.fromkeys(col.choices for col in pool.cols if col.kind == "choice"):  # once per list
        where = choices & np.isin(pool.owner, [j for j, col in enumerate(pool.cols) if col.choices == allowed])
        cells = pool.cells[where]
        meant = values.meant_choice(cells, allowed, lang)
        fix = np.full(len(pool.cells), "", dtype=object)
        fix[where] = meant.map(lambda label: message("did-you-mean", lang, label=label),
                               na_action="ignore").fillna("").to_numpy()
        yield "invalid-choice", pool.spread(where, values.choice(cells, allowed).isna()), {"choices": listed, "fix": fix}


def range_text(col: Column) -> str:
    def show(v: float) -> str:
        return f"{v:.0%}" if col.kind == "percent" else f"{v:g}"

    low = "" if col.min is None else ("> " if col.min_exclusive else "≥ ") + show(col.min)
    high = "" if col.max is None else "≤ " + show(col.max)
    return ", ".join(p for p in (low, high) if p)
