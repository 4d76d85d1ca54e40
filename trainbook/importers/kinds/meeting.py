"""视频会议 / 在线课堂 — meeting participants: one row per participant (or per join)."""

from __future__ import annotations

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers import parsing
from trainbook.importers.kinds.base import ExportKind, has, identity, when
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import ONLINE

JOINED = ("入会时间", "首次入会时间", "加入时间", "Join Time", "Joined")
LEFT = ("离会时间", "最后退会时间", "退出时间", "Leave Time", "Left")
DURATION = ("参会时长", "累计参会时长", "在线时长", "Duration", "Attendance Duration")
TITLE = ("会议主题", "会议名称", "课程名称", "Meeting Topic", "Topic", "Title")


class MeetingImporter(ExportKind):
    key = "meeting"
    zh, en = "视频会议/在线课堂", "Meeting participants"
    gives = ONLINE
    nothing = ("没有入会时间或时长", "no join time or duration")

    def score(self, table: ExportTable) -> int:
        return 4 if has(table, *JOINED) and (has(table, *DURATION) or has(table, *LEFT)) else 0

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        rows = table.rows
        out["at"] = out["joined_at"] = when(table, table.column(*JOINED))
        duration, left = table.column(*DURATION), table.column(*LEFT)
        if duration:
            out["live_minutes"] = parsing.minutes(rows[duration])
        else:
            out["live_minutes"] = (when(table, left) - out["at"]).dt.total_seconds() / 60
        out["replay_minutes"] = 0.0
        title = table.column(*TITLE)
        out["title"] = rows[title] if title else table.sheet
        out["online"] = True
        return out[out["at"].notna() | out["live_minutes"].notna()]
