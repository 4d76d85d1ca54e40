"""Exports with one column per day (打卡时间 grid, 月度汇总): dating those columns.

DingTalk labels a day column with its day of the month — or 六/日 on weekends, a holiday's name
(端午节, 国庆节), 法假, 休, or nothing at all. A label alone cannot date a column, so every column
from the first day to the last is dated by its position from the start of the export's period
(统计日期); the numbered labels only anchor the block and check it. A column whose label contradicts
its position is named, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from trainbook.errors import InputError
from trainbook.i18n import Lang, listing, message
from trainbook.importers.table import ExportTable

WEEKDAYS = {  # a weekday label → Monday = 0 … Sunday = 6
    **{f"{prefix}{day}": n for prefix in ("", "周", "星期", "礼拜") for n, day in enumerate("一二三四五六日")},
    "周天": 6, "星期天": 6, "礼拜天": 6,
    **{name: n for n, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))},
    **{name: n for n, name in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                         "Sunday"))},
}
MAX_DAYS = 62  # a day grid covers a month or two; a longer "period" is no grid's


def day_label(header: str) -> str:
    """'考勤结果/12' → '12'; '打卡时间/端午节' → '端午节'; '六_2' → '六'."""
    last = header.split("/")[-1]
    return re.sub(r"_\d+$", "", last).strip()


def _number(label: str) -> int | None:
    return int(label) if label.isdigit() and 1 <= int(label) <= 31 else None


@dataclass
class DayBlock:
    """The day columns of a table: (header, date) of each, and the columns that look like days but
    cannot be placed, with why (the label contradicts the position, or lies outside the period)."""

    days: list[tuple[str, dt.date]] = field(default_factory=list)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (header, label)

    def __bool__(self) -> bool:
        return bool(self.days)


def day_block(table: ExportTable) -> DayBlock:
    """Date the day columns by position from the period's start (see the module's docstring)."""
    labels = [day_label(h) for h in table.headers]
    numbered = [(i, n) for i, label in enumerate(labels) if (n := _number(label)) is not None]
    if table.period is None or not numbered:
        return DayBlock()
    start, end = table.period
    length = (end - start).days + 1
    if not 1 <= length <= MAX_DAYS:
        return DayBlock()
    votes: Counter[int] = Counter()
    for position, day in numbered:  # each numbered column says where the block starts
        for offset in range(length):
            if (start + dt.timedelta(days=offset)).day == day:
                votes[position - offset] += 1
    if not votes:
        return DayBlock()
    first, agreeing = votes.most_common(1)[0]
    if agreeing < max(1, len(numbered) // 2) or first < 0:
        return DayBlock()
    block = DayBlock()
    for position, header in enumerate(table.headers):
        label = labels[position]
        inside = first <= position < first + length
        date = start + dt.timedelta(days=position - first)
        if inside and _fits(label, date):
            block.days.append((header, date))
        elif inside or _number(label) is not None or label in WEEKDAYS:
            if inside or position > first:  # a day-like label left of the block is an identity column
                block.unplaced.append((header, label))
    return block


def _fits(label: str, date: dt.date) -> bool:
    """Whether a label can stand on a column of `date`: its day number, its weekday, or any label
    that is neither (a holiday's name, 法假, 休, blank)."""
    if (number := _number(label)) is not None:
        return number == date.day
    if label in WEEKDAYS:
        return WEEKDAYS[label] == date.weekday()
    return True


def day_cells_are_times(table: ExportTable, block: DayBlock) -> bool:
    """Whether the day columns hold punch times (打卡时间) rather than day results (月度汇总)."""
    headers = [h for h, _ in block.days]
    cells = table.rows[headers].stack().astype(str) if headers else None
    if cells is None or cells.empty:
        return False
    times = cells.str.fullmatch(r"(?:\s*\d{1,2}:\d{2}[^\n:]{0,6}\s*)+", na=False)
    return bool(times.mean() >= 0.5)


def looks_like_days(table: ExportTable, block: DayBlock) -> bool:
    """Whether a table has a day block: dated columns covering most of its period, or — without a
    period to date them by — at least five day-like labels."""
    if block and table.period is not None:
        return len(block.days) * 2 >= (table.period[1] - table.period[0]).days + 1
    labels = [day_label(h) for h in table.headers]
    return sum(_number(label) is not None or label in WEEKDAYS for label in labels) >= 5


def dated(table: ExportTable, block: DayBlock, lang: Lang) -> DayBlock:
    """The block, or an InputError when the export has day columns but no period to date them by."""
    if not block:
        raise InputError(message("export-undated-days", lang, sheet=table.sheet))
    return block


def unplaced_note(table: ExportTable, lang: Lang) -> list[str]:
    """The columns of a day grid that look like days but could not be dated, named."""
    block = day_block(table)
    if not block.unplaced:
        return []
    columns = listing((f"“{label or header}”" for header, label in block.unplaced), lang)
    return [message("export-unplaced-days", lang, sheet=table.sheet, columns=columns, count=len(block.unplaced))]
