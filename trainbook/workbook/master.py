"""A master workbook read into memory: one table per known sheet, columns matched by header text."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from trainbook.i18n import LANGS, Lang
from trainbook.schema.columns import Sheet
from trainbook.schema.sheets import BY_KEY, SHEETS
from trainbook.uniques import distinct
from trainbook.values import normalize, typed
from trainbook.workbook.refs import column_letter


@cache
def _header_lookup(sheet_key: str) -> dict[str, str]:
    sheet = BY_KEY[sheet_key]
    lookup: dict[str, str] = {}
    for col in sheet.columns:
        for text in (col.key, col.zh, col.en, *col.also):
            lookup.setdefault(normalize(text), col.key)
    return lookup


@cache
def _sheet_lookup() -> dict[str, tuple[str, Lang | None]]:
    lookup: dict[str, tuple[str, Lang | None]] = {}
    for sheet in SHEETS:
        lookup[normalize(sheet.key)] = (sheet.key, None)
        for lang in LANGS:
            lookup.setdefault(normalize(sheet.name(lang)), (sheet.key, lang))
    return lookup


def identify_sheets(names: Sequence[str]) -> tuple[dict[str, str], Lang]:
    """Map sheet key → actual sheet name, and tell the workbook's language from its sheet names."""
    found: dict[str, str] = {}
    votes = {"zh": 0, "en": 0}
    for name in names:
        match = _sheet_lookup().get(normalize(name))
        if match and match[0] not in found:
            found[match[0]] = name
            if match[1]:
                votes[match[1]] += 1
    lang: Lang = "en" if votes["en"] > votes["zh"] else "zh"
    return found, lang


MASTER_SHEETS = 5  # a workbook with fewer of the master's sheets is something else
EXPORT_SHEETS = ("打卡时间", "每日统计", "每日汇总", "原始记录", "月度汇总", "签到", "请假", "直播", "考勤报表")


def refuse_non_master(names: Sequence[str], path: object, lang: Lang) -> None:
    """An InputError saying what a workbook is, when it is not a master: the manager report, a
    DingTalk export, or something else."""
    from trainbook.errors import InputError
    from trainbook.i18n import message
    from trainbook.schema.report import OVERVIEW, STUDENTS

    found, _ = identify_sheets(names)
    if len(found) >= MASTER_SHEETS:
        return
    keys = {normalize(n) for n in names}
    if {normalize(OVERVIEW.name(lang)), normalize(STUDENTS.name(lang))} <= keys or \
            {normalize(OVERVIEW.zh), normalize(STUDENTS.zh)} <= keys:
        raise InputError(message("not-master-report", lang, path=path))
    if any(normalize(word) in key for key in keys for word in EXPORT_SHEETS):
        raise InputError(message("not-master-export", lang, path=path))
    raise InputError(message("not-master", lang, path=path))


@dataclass
class Table:
    """One sheet's data. `frame` is indexed by Excel row number; its columns are the declared keys
    found in the header, then any columns the user added, named by their header text.

    An operation replaces `frame` with the rows it wants; `original` stays the sheet as read, so a
    write can work out which cells changed. `last_row` is the sheet's last row holding data."""

    sheet: Sheet
    name: str
    headers: list[str]
    positions: dict[str, int]
    frame: pd.DataFrame
    original: pd.DataFrame = field(default_factory=pd.DataFrame)
    last_row: int = 1
    repeated: dict[str, list[int]] = field(default_factory=dict)  # a declared column headed twice: later positions

    _typed: tuple[pd.DataFrame, pd.DataFrame] | None = field(default=None, repr=False)  # (rows, them typed)

    def __post_init__(self) -> None:
        if self.original.empty and len(self.original.columns) == 0:
            self.original = self.frame.copy(deep=False)

    def typed(self) -> pd.DataFrame:
        """The rows with every declared column parsed to its type (`values.typed`), worked out once
        for the rows the table holds; a copy the caller may change."""
        if self._typed is None or self._typed[0] is not self.frame:
            self._typed = (self.frame, typed(self.frame, self.sheet))
        return self._typed[1].copy(deep=False)

    def letter(self, column: str) -> str:
        return column_letter(self.positions[column])

    def header(self, column: str) -> str:
        return self.headers[self.positions[column]] if column in self.positions else column

    @property
    def missing_required(self) -> list[str]:
        return [c.key for c in self.sheet.columns if c.required and c.key not in self.positions]

    @property
    def width(self) -> int:
        return len(self.headers)


def append_rows(frame: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """`frame` (a sheet's rows, indexed by Excel row) with `new` rows below, labelled past its last
    row: a write appends them and leaves every existing row where it is."""
    if not len(new):
        return frame
    top = max(int(frame.index.max()) if len(frame) else 1, 1)
    return pd.concat([frame, new.set_axis(pd.RangeIndex(top + 1, top + 1 + len(new)))])


def layout_table(sheet: Sheet, name: str, cells: pd.DataFrame) -> Table:
    """A sheet trainbook lays out cell by cell (dashboard, QR pages): its columns are named by their
    position ("0", "1", …) and every row below the first is rewritten."""
    return Table(sheet, name, list(cells.columns), {c: int(c) for c in cells.columns}, cells.iloc[0:0])


def table_from_values(sheet: Sheet, name: str, values: list[list[Any]]) -> Table:
    """Build a Table from a sheet's cell values as a rectangle (row 1 = header)."""
    header_row = values[0] if values else []
    headers = ["" if h is None else str(h).strip() for h in header_row]
    lookup = _header_lookup(sheet.key)
    positions: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for idx, text in enumerate(headers):
        key = lookup.get(normalize(text)) if text else None
        if key is not None:
            if key in positions:  # the first is read; the others are named by validation
                repeated.setdefault(key, []).append(idx)
            positions.setdefault(key, idx)
        elif text:
            positions.setdefault(text, idx)
    body = values[1:]
    width = len(headers)
    if set(map(len, body)) - {width}:
        body = [(list(row) + [None] * width)[:width] for row in body]
    cells = np.fromiter(chain.from_iterable(body), dtype=object, count=len(body) * width).reshape(len(body), width)
    columns = list(positions.values())
    picked = cells[:, columns]
    blank = (picked == "") | (picked == None)  # noqa: E711 (element-wise)
    picked[blank] = None
    keep = ~blank.all(axis=1) if columns else np.zeros(len(body), dtype=bool)
    frame = pd.DataFrame(picked if keep.all() else picked[keep], index=pd.Index(np.arange(2, 2 + len(body))[keep]),
                         columns=list(positions), dtype=object, copy=False)  # the frame's own array: no copy
    # New rows go below the last row that holds data: formulas filled down ahead of the data (their
    # cached results empty) are rows to fill, not rows to append after.
    last = int(frame.index.max()) if len(frame) else 1
    return Table(sheet, name, headers, positions, frame, last_row=last, repeated=repeated)


class Tables(MutableMapping[str, Table]):
    """A master's tables by sheet key. After a lazy read some sheets are still coming: they are
    in it already, and looking one up waits for it — and raises what refused it, if anything did.

    A sheet comes as a future of what finishes it: the reading thread does what needs no Python
    (parsing), the thread that looks the table up makes its rows, so that they live in that
    thread's memory (a reading thread's would hold on to pages after it is done)."""

    def __init__(self, tables: Mapping[str, Table] | None = None) -> None:
        self._ready: dict[str, Table] = dict(tables or {})
        self._coming: dict[str, Future[Callable[[], Table]]] = {}
        self._checks: dict[str, Callable[[Table], None]] = {}

    def expect(self, coming: Mapping[str, Future[Callable[[], Table]]]) -> None:
        """Sheets being read (elsewhere), each made a table when it is first looked up."""
        self._coming.update(coming)

    def when_in(self, key: str, check: Callable[[Table], None]) -> None:
        """Run `check` on a table the moment it is in: now, or when a sheet still coming arrives
        (before anything can use it)."""
        if key in self._coming:
            self._checks[key] = check
        elif key in self._ready:
            check(self._ready[key])

    def __getitem__(self, key: str) -> Table:
        if key in self._coming:
            table = self._coming[key].result()()
            if key in self._checks:
                self._checks[key](table)
            self._ready[key] = table
            del self._coming[key]
        return self._ready[key]

    def __setitem__(self, key: str, table: Table) -> None:
        coming = self._coming.pop(key, None)
        if coming is not None:
            coming.cancel()
        self._ready[key] = table

    def __delitem__(self, key: str) -> None:
        coming = self._coming.pop(key, None)
        if coming is None:
            del self._ready[key]
        else:  # a sheet not begun is not read; one being read is let go when it is done
            coming.cancel()
            self._checks.pop(key, None)

    def __iter__(self) -> Iterator[str]:
        return iter([*self._ready, *self._coming])

    def __len__(self) -> int:
        return len(self._ready) + len(self._coming)

    def __contains__(self, key: object) -> bool:
        return key in self._ready or key in self._coming

    def arrived(self, keys: Iterable[str]) -> Iterator[list[str]]:
        """`keys` together as their sheets are there: first those in already (or not read at all),
        then, each time a sheet comes in, it and every other in by then — a refusal raised as its
        sheet comes in."""
        keys = list(keys)
        waiting = {key: self._coming[key] for key in keys if key in self._coming}
        ready = [key for key in keys if key not in waiting]
        try:
            while True:
                come = [key for key, future in waiting.items() if future.done()]
                for key in come:
                    self[key]  # noqa: B018 (taken in)
                    del waiting[key]
                if ready or come:
                    yield ready + come
                if not waiting:
                    return
                wait(waiting.values(), return_when=FIRST_COMPLETED)
                ready = []
        finally:
            for future in self._coming.values():
                future.cancel()  # after a refusal, the sheets not yet begun are not read

    def let_go(self) -> None:
        """Stop waiting for the sheets still coming: those not begun are not read."""
        for key in list(self._coming):
            del self[key]

    def wait(self) -> None:
        """Every sheet still coming, in; the first refusal among them raised."""
        for _ in self.arrived(list(self._coming)):
            pass


@dataclass
class Master:
    """The master workbook's contents, whichever engine read them."""

    source: Path | str
    lang: Lang
    sheet_names: list[str]
    tables: Tables = field(default_factory=Tables)
    names: dict[str, str] = field(default_factory=dict)  # sheet key → its name in this workbook
    version: tuple[int, int] | None = None  # the file's version when read (file engine)
    settled: bool = False  # the notices sheet holds sends from the journal that the workbook does not yet

    def __post_init__(self) -> None:
        if not isinstance(self.tables, Tables):
            self.tables = Tables(self.tables)

    def table(self, key: str) -> Table | None:
        return self.tables.get(key)

    def compact(self) -> None:
        """Share one object per distinct cell value (a read makes one per cell): big sheets of
        repeated ids, names and statuses then take a fraction of the memory. Call it before any
        change: the compacted rows become the rows as read."""
        for table in self.tables.values():
            for column in table.frame.columns:
                codes, shared = distinct(table.frame[column].to_numpy(dtype=object))
                table.frame[column] = pd.Series(shared[codes], index=table.frame.index, dtype=object)
            table.original = table.frame.copy(deep=False)
            table._typed = None

    def apply(self, changed: dict[str, pd.DataFrame]) -> None:
        """Take the rows an operation wants for some sheets (so later steps of it see them)."""
        for key, frame in changed.items():
            if key in self.tables:
                self.tables[key].frame = frame
                self.tables[key]._typed = None  # of the rows it held: let go

    def typed(self, key: str) -> pd.DataFrame:
        """The sheet's rows typed (`Table.typed`), or an empty typed frame when the sheet is absent."""
        table = self.tables.get(key)
        return table.typed() if table is not None else typed(self.frame(key), BY_KEY[key])

    def frame(self, key: str) -> pd.DataFrame:
        """The sheet's rows, or an empty frame with its declared columns when the sheet is absent."""
        table = self.tables.get(key)
        if table is None:
            return pd.DataFrame(columns=BY_KEY[key].keys, dtype=object)
        return table.frame


def _python(value: object) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, pd.Timedelta):
        return (pd.Timestamp(0) + value).time()
    return value


def records(master: Master, key: str) -> list[BaseModel]:
    """A sheet's rows as pydantic models of its declaration (choices as keys, e.g. 'present').

    Rows that break a rule of the declaration are left out: `validate()` says where they are.
    """
    from trainbook.schema.models import row_model

    model = row_model(key)
    frame = master.typed(key)
    out = []
    for row in frame.astype(object).to_dict("records"):
        try:
            out.append(model.model_validate({k: _python(v) for k, v in row.items()}))
        except ValidationError:
            continue
    return out
