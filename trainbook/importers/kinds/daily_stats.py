"""每日统计 — daily statistics: one row per person per day, with up to three punch pairs
(上班1/下班1 … 上班3/下班3), each with its times and DingTalk's own result for each punch. Every
pair is a piece of evidence of its own: a result never speaks for another pair."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.kinds.base import ExportKind, day_of, has, identity, when
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import SLOT
from trainbook.values import normalize

SIDE_COLUMN = re.compile(r"^(上班|下班|onduty|offduty)(\d*)/?(打卡时间|打卡结果|checktime|time|result)$")
SHIFT_SPAN = re.compile(r"(\d{1,2}:\d{2})\s*[-~～至到]\s*(次日|第二天)?\s*(\d{1,2}:\d{2})")
DAY = ("日期", "Date", "考勤日期")
SHIFT = ("班次", "Shift")


def pair_columns(table: ExportTable) -> dict[int, dict[str, str]]:
    """Pair number → {"on_at", "on_result", "off_at", "off_result"} → header, for the pairs present."""
    pairs: dict[int, dict[str, str]] = {}
    for header, key in zip(table.headers, table.keys):
        if m := SIDE_COLUMN.match(key.lower()):
            side = "on" if m.group(1) in ("上班", "onduty") else "off"
            what = "at" if m.group(3) in ("打卡时间", "checktime", "time") else "result"
            pairs.setdefault(int(m.group(2) or 1), {})[f"{side}_{what}"] = header
    return dict(sorted(pairs.items()))


def shift_spans(shifts: pd.Series, day: pd.Series, count: int) -> list[tuple[pd.Series, pd.Series]]:
    """The planned (from, to) of each of the first `count` pairs, from the shift's text
    ('A 08:30-11:30 13:00-16:30 18:00-21:00', '夜班 17:00-次日01:30'); NaT where it says nothing."""
    texts = shifts.fillna("").astype(str)
    spans: list[tuple[pd.Series, pd.Series]] = []
    found = texts.map(lambda t: SHIFT_SPAN.findall(t))
    base = pd.to_datetime(day).dt.normalize()
    for n in range(count):
        span = found.map(lambda spans, n=n: spans[n] if len(spans) > n else None)
        start = span.map(lambda s: s[0] if s else None)
        end = span.map(lambda s: s[2] if s else None)
        overnight = span.map(lambda s: bool(s and s[1])).astype(bool)
        planned_from = base + pd.to_timedelta(start.fillna("00:00") + ":00").where(start.notna())
        planned_to = base + pd.to_timedelta(end.fillna("00:00") + ":00").where(end.notna())
        planned_to = planned_to.where(~(overnight | (planned_to < planned_from)), planned_to + pd.Timedelta(days=1))
        spans.append((planned_from, planned_to))
    return spans


class DailyStatsImporter(ExportKind):
    key = "daily_stats"
    zh, en = "每日统计", "Daily statistics"
    gives = SLOT
    nothing = ("当天没有打卡时间或考勤结果（休息或不在考勤组）", "no punch time or result that day (a rest day, or not in an "
               "attendance group)")
    sheet_names = ("每日统计", "每日汇总")

    def score(self, table: ExportTable) -> int:
        if not pair_columns(table) or not has(table, *DAY):
            return 0
        return 4 + self.named_sheet(table)

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        who = identity(table)
        rows = table.rows
        day = day_of(table, table.column(*DAY))
        shift = table.column(*SHIFT)
        pairs = pair_columns(table)
        spans = shift_spans(rows[shift] if shift else pd.Series(None, index=rows.index, dtype=object), day,
                            max(pairs, default=0))
        pieces = []
        for number, columns in pairs.items():
            piece = who.assign(day=day, slot=number)
            for side in ("on", "off"):
                at, result = columns.get(f"{side}_at"), columns.get(f"{side}_result")
                piece[f"{side}_at"] = when(table, at, day) if at else pd.NaT
                piece[f"{side}_result"] = rows[result].map(_word) if result else None
            piece["planned_from"], piece["planned_to"] = spans[number - 1]
            said = piece[["on_at", "off_at", "on_result", "off_result"]].notna().any(axis=1)
            pieces.append(piece[said & day.notna()])
        out = pd.concat(pieces) if pieces else who.iloc[0:0]
        return out.assign(day_result=None, slot=out["slot"].astype(np.int64)) if len(out) else out


def _word(value: object) -> str | None:
    """A result cell's text, or None when it says nothing."""
    text = normalize(value) if isinstance(value, str) else ""
    return str(value).strip() if text else None
