"""Exports with one column per day of the month (打卡时间 grid, 月度汇总): dating those columns."""

from __future__ import annotations

import datetime as dt
import re

from trainbook.importers.table import ExportTable

WEEKEND = ("六", "日", "Sat", "Sun")


def day_label(header: str) -> str:
    """'考勤结果/12' → '12'; '六' stays '六'; '六_2' → '六'."""
    last = header.split("/")[-1]
    return re.sub(r"_\d+$", "", last).strip()


def day_columns(table: ExportTable) -> list[tuple[str, dt.date]]:
    """(header, date) of the day columns, dated by position from the title's start date: weekend
    columns are labelled 六/日 without a number, so position is all there is to go on."""
    labels = [day_label(h) for h in table.headers]
    is_day = [label.isdigit() and 1 <= int(label) <= 31 or label in WEEKEND for label in labels]
    if sum(is_day) < 7 or table.period is None:
        return []
    first = is_day.index(True)
    start = table.period[0]
    out = []
    for offset, (header, flag) in enumerate(zip(table.headers[first:], is_day[first:])):
        if not flag:
            break
        date = start + dt.timedelta(days=offset)
        label = labels[first + offset]
        if label.isdigit() and int(label) != date.day:
            return []  # numbering disagrees with the period: refuse to guess
        out.append((header, date))
    return out


def count_day_columns(table: ExportTable) -> int:
    labels = [day_label(h) for h in table.headers]
    return sum(label.isdigit() and 1 <= int(label) <= 31 or label in WEEKEND for label in labels)


def day_cells_are_times(table: ExportTable) -> bool:
    """Whether the day columns hold punch times (打卡时间) rather than day results (月度汇总)."""
    headers = [h for h in table.headers if (lambda label: label.isdigit() and 1 <= int(label) <= 31
                                            or label in WEEKEND)(day_label(h))]
    cells = table.rows[headers].stack().astype(str) if headers else None
    if cells is None or cells.empty:
        return False
    return bool(cells.str.contains(r"\d{1,2}:\d{2}", regex=True).mean() >= 0.5)
