"""Finding the table inside an export: title rows, the period, the header row(s), the data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from trainbook.schema.evidence import NAME
from trainbook.uniques import distinct
from trainbook.values import SANE_YEARS, normalize

GENERATED = re.compile(r"(?:报表生成时间|生成时间|导出时间|Generated(?: at)?|Exported(?: at)?)\s*[:：]\s*"
                       r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2})?)", re.I)
PERIOD = re.compile(r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\s*(?:至|到|~|－|—|-{1,2}|to)\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})")
NAME_HEADERS = {normalize(h) for h in NAME.headers}
TIME_HEADERS = {normalize(h) for h in ("提交时间", "填写时间", "交卷时间", "Submitted At", "Submission Time")}
SUBHEADER_WORDS = {normalize(w) for w in ("打卡时间", "打卡结果", "六", "日", "时长", "次数", "Time",
                                          "Result")}
HEADER_SCAN_ROWS = 15
UNIT = re.compile(r"[(（][^()（）\d]{1,6}[)）]")  # (天), （小时）: a unit under its column's name


@dataclass
class ExportTable:
    """The data of one export sheet: flattened headers, rows as text-or-value cells, the period."""

    sheet: str
    headers: list[str]
    rows: pd.DataFrame  # columns = headers (de-duplicated); index = source row number (1-based)
    title: str = ""
    period: tuple[dt.date, dt.date] | None = None
    preamble: list[list[Any]] = field(default_factory=list)
    generated_at: dt.datetime | None = None  # 报表生成时间: nothing later than this is in the file
    unreadable: list[tuple[int, str, Any]] = field(default_factory=list)  # (row, header, value) read as no date/time

    @property
    def keys(self) -> list[str]:
        return [normalize(h) for h in self.headers]

    def column(self, *names: str) -> str | None:
        """The first header that equals (after normalising) one of `names`, or None."""
        wanted = [normalize(n) for n in names]
        keys = self.keys
        for name in wanted:
            if name in keys:
                return self.headers[keys.index(name)]
        return None

    def column_like(self, *fragments: str) -> str | None:
        """The first header that contains one of `fragments`."""
        for fragment in (normalize(f) for f in fragments):
            for header, key in zip(self.headers, self.keys):
                if fragment in key:
                    return header
        return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_header(row: list[Any]) -> bool:
    cells = [normalize(_cell_text(c)) for c in row]
    filled = sum(bool(c) for c in cells)
    named = any(c in NAME_HEADERS for c in cells) and filled >= 2
    anonymous = any(c in TIME_HEADERS for c in cells) and filled >= 3  # e.g. an anonymous survey
    return named or anonymous


def _is_subheader(row: list[Any], parents: list[str]) -> bool:
    """A second header row: its cells sit under (merged) parents and look like labels, units or day
    numbers — or it repeats the first (an approval export writes its header twice)."""
    cells = [_cell_text(c) for c in row]
    filled = [c for c in cells if c]
    if not filled:
        return False
    labels = sum(normalize(c) in SUBHEADER_WORDS or re.fullmatch(r"\d{1,2}", c) is not None or UNIT.fullmatch(c) is not None
                 or normalize(c) in {normalize(w) for w in ("事假", "病假", "调休", "年假")} for c in filled)
    if labels == len(filled) and len(filled) <= len(cells) // 2:  # only units and labels: (天) under 出差
        return True
    under_blank_parent = sum(1 for c, p in zip(cells, parents) if c and not p)
    repeated = sum(1 for c, p in zip(cells, parents) if c and c == p)
    if repeated >= max(2, len(filled) // 2):
        return True
    if not under_blank_parent:  # nothing sits under a merged parent: this is data, not a header
        return False
    return labels >= max(1, len(filled) // 2) or under_blank_parent >= max(1, len(filled) // 2)


def flatten_headers(parents: list[str], children: list[str]) -> list[str]:
    """Two header rows → one: a merged parent spreads right over its children as 'parent/child'."""
    out: list[str] = []
    current = ""
    for parent, child in zip(parents, children):
        if parent:
            current = parent
        if child and current and current != child:
            out.append(f"{current}/{child}")
        else:
            out.append(child or parent or current)
    return out


def dedupe(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        header = header or "列"
        seen[header] = seen.get(header, 0) + 1
        out.append(header if seen[header] == 1 else f"{header}_{seen[header]}")
    return out


def find_table(sheet: str, rows: list[list[Any]]) -> ExportTable | None:
    """Locate the header row (and a second one under it) by content; None if there is no table."""
    width = max((len(r) for r in rows), default=0)
    if any(len(r) != width for r in rows):  # text exports: ragged lines
        rows = [list(r) + [None] * (width - len(r)) for r in rows]
    header_at = next((i for i, row in enumerate(rows[:HEADER_SCAN_ROWS]) if _is_header(row)), None)
    if header_at is None:
        return None
    preamble = rows[:header_at]
    title = " ".join(_cell_text(c) for row in preamble for c in row if _cell_text(c))
    match = PERIOD.search(title)
    period = None
    if match:  # a period no calendar has (2026-13-45) is no period: day columns then date nothing
        days = [pd.to_datetime(g.replace("/", "-").replace(".", "-"), errors="coerce") for g in match.groups()]
        if all(pd.notna(d) and SANE_YEARS[0] <= d.year <= SANE_YEARS[1] for d in days):
            period = cast(tuple[dt.date, dt.date], (days[0].date(), days[1].date()))  # neither is NaT
    generated = GENERATED.search(title)
    generated_at = pd.to_datetime(generated.group(1).replace("/", "-").replace(".", "-"), errors="coerce") \
        if generated else None
    parents = [_cell_text(c) for c in rows[header_at]]
    data_at = header_at + 1
    headers = parents
    if data_at < len(rows) and _is_subheader(rows[data_at], parents):
        headers = flatten_headers(parents, [_cell_text(c) for c in rows[data_at]])
        data_at += 1
    while headers and not headers[-1]:
        headers.pop()
    headers = dedupe(headers)
    cells = np.array(rows[data_at:], dtype=object).reshape(len(rows) - data_at, width)
    beyond = cells[:, len(headers):]  # a row that holds something only right of the headers still counts
    beyond_filled = ((beyond != None) & (beyond != "")).any(axis=1) if beyond.size else np.zeros(len(cells), bool)  # noqa: E711
    cells = cells[:, : len(headers)]
    columns = {}
    for i, header in enumerate(headers):  # one object per distinct value: exports repeat themselves
        codes, table = distinct(cells[:, i])
        table[[j for j, v in enumerate(table) if isinstance(v, str) and not v.strip()]] = None
        columns[header] = table[codes]
    del cells
    frame = pd.DataFrame(columns, index=pd.RangeIndex(data_at + 1, len(rows) + 1), dtype=object)
    frame = frame[frame.notna().any(axis=1).to_numpy() | beyond_filled]
    return ExportTable(sheet, headers, frame, title, period, preamble,
                       generated_at.to_pydatetime() if generated_at is not None and pd.notna(generated_at) else None)
