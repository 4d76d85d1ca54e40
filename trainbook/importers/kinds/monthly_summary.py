"""月度汇总 — monthly summary: one row per person, statistics and one result cell per day.

A day cell is DingTalk's word on the day, in one of two shapes:
- older: one line per anomaly, numbered by its punch pair — `正常`, `旷工`, `上班1迟到1分钟\\n上班3缺卡`,
  `出差01-07 08:30到01-07 21:00 1天`, `不在考勤组并打卡`;
- newer: `<班次>:<结果>[,<审批>…]` over the day's punch times — `普通出勤:正常\\n(08:52,18:04)`,
  `外勤\\n(-,-)`, `休息\\n(-)`, `普通出勤:正常,事假05-12 08:30到05-12 12:00 3.5小时\\n(13:02,18:04)`.
Numbered words belong to their pair only; the day's own word to the rest of the day; an approval
with its times (事假, 外出, 出差…) to the sessions it overlaps; the times in brackets are kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, cast

import numpy as np
import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.kinds.base import ExportKind, identity
from trainbook.importers.kinds.day_columns import dated, day_block, day_cells_are_times, looks_like_days, unplaced_note
from trainbook.importers.table import ExportTable
from trainbook.policy.attendance import word
from trainbook.schema.evidence import SLOT

RESULT_WORDS = "正常|迟到|严重迟到|旷工|早退|缺卡|未打卡|上班|下班|请假|休息|外勤|出差|外出|补卡|管理员|不在考勤组"
SHIFT_PREFIX = re.compile(rf"^[^,，\n]+?[:：](?=(?:{RESULT_WORDS}))")
SIDE = re.compile(r"^(上班|下班)(\d?)(.+)$")
TIMES = re.compile(r"^[(（]([^()（）]*)[)）]$")
APPROVAL = re.compile(r"^(?P<what>\D*?)(?P<m1>\d{1,2})-(?P<d1>\d{1,2})\s+(?P<t1>\d{1,2}:\d{2})\s*到\s*"
                      r"(?P<m2>\d{1,2})-(?P<d2>\d{1,2})\s+(?P<t2>\d{1,2}:\d{2})")
COLUMNS = ["slot", "on_result", "off_result", "day_result", "on_at", "off_at", "leave_from", "leave_to"]
NAT: Any = pd.NaT  # as a column's value: pandas-stubs' assign() takes no NaT


def read_cell(text: str, day: dt.date) -> list[dict[str, Any]]:
    """The slots a day cell speaks of: numbered pairs (their words and times), the rest of the day
    (slot None: the day's own words, its first and last punch), and each excusing approval (slot
    None with the span it covers)."""
    lines = [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]
    times: list[pd.Timestamp | None] = []
    if lines and (m := TIMES.match(lines[-1])):
        times = _in_order([_on(day, t) for t in re.split(r"[,，]", m.group(1))])
        lines = lines[:-1]
    numbered: dict[int, dict[str, Any]] = {}
    day_words: list[str] = []
    approvals: list[dict[str, Any]] = []
    for item in (i.strip() for line in lines for i in re.split(r"[,，]", line)):
        item = SHIFT_PREFIX.sub("", item)
        if not item or item.startswith("加班"):  # overtime says nothing about a session
            continue
        if (approval := APPROVAL.match(item)) and word(approval.group("what")) == "excused":
            leave_from, leave_to = _span(approval, day)
            if leave_from is not None:
                approvals.append({"slot": None, "day_result": item, "leave_from": leave_from, "leave_to": leave_to})
        elif approval:  # 补卡申请… and the like: the word before the times is all it says
            day_words.append(approval.group("what"))
        elif side := SIDE.match(item):
            slot = numbered.setdefault(int(side.group(2) or 1), {})
            slot["on_result" if side.group(1) == "上班" else "off_result"] = side.group(3)
        else:
            day_words.append(item)
    pairs = [(times[i], times[i + 1] if i + 1 < len(times) else None) for i in range(0, len(times), 2)]
    for words in numbered.values():  # only anomalies are named: the other side of the pair was normal
        words.setdefault("on_result", "正常")
        words.setdefault("off_result", "正常")
    out = [{"slot": n, **words, "on_at": pairs[n - 1][0] if n <= len(pairs) else None,
            "off_at": pairs[n - 1][1] if n <= len(pairs) else None} for n, words in sorted(numbered.items())]
    present = [t for t in times if t is not None] if not numbered else []
    # an older cell names only what was not as planned (numbered anomalies, approvals): the rest was normal
    implied = "正常" if numbered or (approvals and not times) else None
    out.append({"slot": None, "day_result": "，".join(day_words) or implied,
                "on_at": present[0] if present else None, "off_at": present[-1] if len(present) > 1 else None})
    kept = [s for s in out if s.get("day_result") or s.get("on_result") or s.get("off_result") or s.get("on_at")]
    return kept + approvals


def _in_order(times: list[pd.Timestamp | None]) -> list[pd.Timestamp | None]:
    """Punch times of one day in the order listed; one earlier than the one before is the next day's."""
    out: list[pd.Timestamp | None] = []
    last = None
    for t in times:
        if t is not None and last is not None and t < last:
            t += pd.Timedelta(days=1)
        out.append(t)
        last = t if t is not None else last
    return out


def _on(day: dt.date, text: str) -> pd.Timestamp | None:
    text = text.strip()
    if not re.fullmatch(r"\d{1,2}:\d{2}", text):
        return None
    h, m = (int(x) for x in text.split(":"))
    return pd.Timestamp.combine(day, dt.time(h % 24, m)) if h <= 24 and m <= 59 else None


def _span(m: re.Match[str], day: dt.date) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """An approval's 05-12 08:30到05-12 12:00 on the cell's year (a span across new year moves back)."""
    try:
        start = pd.Timestamp(day.year, int(m.group("m1")), int(m.group("d1")),  # t1, t2: hour and minute
                             *cast(tuple[int, int], (int(x) for x in m.group("t1").split(":"))))
        end = pd.Timestamp(day.year, int(m.group("m2")), int(m.group("d2")),
                           *cast(tuple[int, int], (int(x) for x in m.group("t2").split(":"))))
    except ValueError:
        return None, None
    if start.month > day.month + 6:
        start -= pd.DateOffset(years=1)
    if end < start:
        end += pd.DateOffset(years=1)
    return start, end


class MonthlySummaryImporter(ExportKind):
    key = "monthly_summary"
    zh, en = "月度汇总", "Monthly summary"
    gives = SLOT
    nothing = ("没有考勤结果", "no attendance results")
    sheet_names = ("月度汇总",)

    def score(self, table: ExportTable) -> int:
        block = day_block(table)
        if not looks_like_days(table, block):
            return 0
        summary = bool(table.column_like("出勤天数", "休息天数", "考勤结果")) or not day_cells_are_times(table, block)
        return 3 + summary + self.named_sheet(table)

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        block = dated(table, day_block(table), lang)
        headers = [h for h, _ in block.days]
        cells = table.rows[headers].rename(columns=dict(block.days)).stack()
        cells = cells.dropna()  # a blank day says nothing
        cells = cells[cells.astype(str).str.strip() != ""]
        records: list[dict[str, Any]] = []
        index: list[int] = []
        for (row, day), text in cast(Iterable[tuple[tuple[int, dt.date], object]], cells.items()):  # stacked: (row, day)
            for slot in read_cell(str(text), day):
                records.append({**slot, "day": pd.Timestamp(day)})
                index.append(row)
        found = pd.DataFrame(records, index=pd.Index(index, dtype=np.int64), columns=[*COLUMNS, "day"]).astype(
            {"on_result": object, "off_result": object, "day_result": object})
        for column in ("on_at", "off_at", "leave_from", "leave_to", "day"):
            found[column] = pd.to_datetime(found[column])
        found["slot"] = found["slot"].astype("Int64")
        return identity(table).join(found, how="inner").assign(planned_from=NAT, planned_to=NAT)

    def notes(self, table: ExportTable, lang: Lang) -> list[str]:
        return super().notes(table, lang) + unplaced_note(table, lang)
