"""直播数据 — live-stream viewing: one row per group member, live and replay time apart."""

from __future__ import annotations

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers import parsing
from trainbook.importers.kinds.base import ExportKind, has, identity
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import ONLINE
from trainbook.values import normalize

LIVE = ("观看直播", "直播观看时长", "Live Watch Time", "Watched Live")
REPLAY = ("观看回放", "回放观看时长", "Replay Watch Time", "Watched Replay")
TOTAL = ("观看总时长", "总观看时长", "观看时长", "观看时长(分钟)", "Total Watch Time", "Watch Time")
TITLE = ("直播名称", "直播标题", "Live Title", "Title")


def preamble_value(table: ExportTable, header: str) -> object:
    """A value from the summary block above the table (a header cell with its value below it)."""
    rows = table.preamble
    for r, row in enumerate(rows[:-1]):
        for c, cell in enumerate(row):
            if normalize(cell) == normalize(header) and c < len(rows[r + 1]):
                return rows[r + 1][c]
    return None


class LiveImporter(ExportKind):
    key = "live"
    zh, en = "直播数据", "Live viewing"
    gives = ONLINE

    def score(self, table: ExportTable) -> int:
        return 5 if has(table, *LIVE) or has(table, *TOTAL) else 0

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        rows = table.rows
        live, replay, total = (table.column(*names) for names in (LIVE, REPLAY, TOTAL))
        out["live_minutes"] = parsing.minutes(rows[live]) if live else None
        out["replay_minutes"] = parsing.minutes(rows[replay]) if replay else 0.0
        if live is None and total:
            out["live_minutes"] = parsing.minutes(rows[total])
        title = table.column(*TITLE)
        out["title"] = rows[title] if title else table.sheet
        started = preamble_value(table, "直播时间")
        out["at"] = parsing.when(pd.Series(started, index=out.index, dtype=object))
        out["online"] = True
        return out
