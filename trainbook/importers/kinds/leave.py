"""请假 — leave: the approval (OA审批) export of the leave form, and plainer leave lists.

Only an approved request counts: the 审批结果 says 同意 (or, with no result column, the status
says 已通过/已同意/审批通过). A rejected or withdrawn request (拒绝, 不同意, 未通过, 撤销, 已撤销) never counts, whatever
else the row says, and 已完成 alone is no approval. A request covers the sessions it overlaps:
half days (上午/下午) and hours included.
"""

from __future__ import annotations

import re
from typing import cast

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers import parsing
from trainbook.importers.kinds.base import ExportKind, has, identity
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import LEAVE

SPAN = re.compile(r"\s*(?:至|到|~|—|－)\s*")
KIND = ("请假类型", "假期类型", "假别", "Leave Type", "Type of Leave")
SPAN_COLUMN = ("请假时间", "Leave Time")
START = ("开始时间", "请假开始时间", "Start Time", "Start", "From")
END = ("结束时间", "请假结束时间", "End Time", "End", "To")
RESULT = ("审批结果", "Approval Result", "Result")
STATUS = ("审批状态", "审批单状态", "状态", "Approval Status", "Status")
APPROVED_RESULT = re.compile(r"同意|通过|approved|agreed|approve", re.I)
APPROVED_STATUS = re.compile(r"^(?:已通过|已同意|审批通过|同意|通过|approved|agreed)$", re.I)
NEVER = re.compile(r"拒绝|驳回|撤销|撤回|作废|[不未](?:同意|通过|批准)|reject|refuse|revoke|withdraw|cancel|"
                   r"disagree|disapprov|not\s*(?:approved|agreed)|denied|declined", re.I)
HALF = re.compile(r"^(.*?\d)\s*(上午|下午|AM|PM)$", re.I)


def approved(table: ExportTable) -> pd.Series:
    """Whether each request was approved (see the module's docstring); a list with neither a
    result nor a status column is a list of leave taken."""
    rows = table.rows
    result, status = table.column(*RESULT), table.column(*STATUS)
    said = pd.Series("", index=rows.index, dtype=object)
    for column in (c for c in (result, status) if c):
        said = said + " " + rows[column].fillna("").astype(str)
    if result:
        ok = rows[result].fillna("").astype(str).str.contains(APPROVED_RESULT)
    elif status:
        ok = rows[status].fillna("").astype(str).str.strip().str.match(APPROVED_STATUS)
    else:
        ok = pd.Series(True, index=rows.index)
    return ok & ~said.str.contains(NEVER)


def moments(cells: pd.Series, end: bool) -> pd.Series:
    """Start or end moments: date-times, bare dates (the whole day) and half days — 上午 is the
    morning up to noon, 下午 noon to midnight."""
    text = cells.fillna("").astype(str).str.strip()
    half = text.str.extract(HALF)
    day = parsing.moments(half[0].where(half[0].notna(), text)).dt.normalize()
    afternoon = half[1].str.lower().isin(["下午", "pm"])
    morning = half[1].str.lower().isin(["上午", "am"])
    noon = day + pd.Timedelta(hours=12)
    if end:
        halves = noon.where(morning, day + pd.Timedelta(days=1))
    else:
        halves = noon.where(afternoon, day)
    return cast(pd.Series, halves.where(half[1].notna(), parsing.when(cells)))


class LeaveImporter(ExportKind):
    key = "leave"
    zh, en = "请假记录", "Leave records"
    gives = LEAVE
    nothing = ("未获批准（拒绝、撤销或仍在审批），或没有请假时间",
               "not approved (rejected, withdrawn or pending), or no leave time")
    sheet_names = ("请假",)

    def score(self, table: ExportTable) -> int:
        if has(table, *KIND) or has(table, *SPAN_COLUMN):
            return 4 + self.named_sheet(table)
        return 0

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        rows = table.rows
        span = table.column(*SPAN_COLUMN)
        if span:
            parts = rows[span].astype(str).str.split(SPAN, n=1, regex=True, expand=True)
            start, end = parts[0], parts[1] if parts.shape[1] > 1 else parts[0]
        else:
            nothing = pd.Series(None, index=rows.index, dtype=object)
            start_column, end_column = table.column(*START), table.column(*END)
            start = rows[start_column] if start_column else nothing
            end = rows[end_column] if end_column else start
        out["leave_from"] = moments(start, end=False)
        out["leave_to"] = moments(end, end=True)
        kind = table.column(*KIND)
        out["note"] = rows[kind] if kind else None
        return out[approved(table) & out["leave_from"].notna()]
