"""`next`: the next program's master from this one — the plan and the setup carried over, the
records left behind, and (with `--retrain`) those who need another try enrolled again.

Carried: 设置 (the new name, the dates moved), 通知模板, 流程, 分组 (their members are enrollment's),
别名, 考核项, 任务 (due dates moved with the sessions), 课次 (the first on the new start, the gaps
kept), 资料 (publication moved alike), 反馈主题. Emptied: every sheet of records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from trainbook import values
from trainbook.i18n import Lang, listing, message
from trainbook.schema.columns import labels
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook.master import Master

EMPTIED = ("enrollment", "aliases", "attendance", "submissions", "scores", "feedback", "actions", "paste", "progress",
           "dashboard", "feedback_analysis", "followup", "notices", "qr", "certificates", "review", "issues",
           "imports", "review_data")  # the records of a program: none of them belongs to the next


@dataclass
class NextProgram:
    """What the new master gets: tables to write, the move of its dates, who is enrolled again."""

    lang: Lang
    name: str
    start: dt.date | None
    shift: dt.timedelta
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    retrained: list[str] = field(default_factory=list)  # their names
    weekdays_kept: bool = True
    path: str = ""

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        text = message("next-made", lang, path=self.path, name=self.name,
                       start=self.start.isoformat() if self.start else "—", days=self.shift.days)
        if not self.weekdays_kept:
            text += message("next-weekdays-moved", lang)
        if self.retrained:
            text += message("next-retrained", lang, count=len(self.retrained),
                            names=listing(self.retrained[:5], lang) + ("…" if len(self.retrained) > 5 else ""))
        return text


def plan_next(master: Master, start: dt.date | None, name: str | None, retrain: pd.DataFrame | None,
              today: dt.date) -> NextProgram:
    """The tables of the next program (`retrain`: the old enrollment rows of those to enroll again,
    with what they lacked in `lacks`)."""
    lang = master.lang
    sessions = master.frame("sessions").copy()
    dates = pd.to_datetime(values.typed(sessions, BY_KEY["sessions"])["date"]) if "date" in sessions else \
        pd.Series(dtype="datetime64[ns]")
    first = dates.min()
    settings = master.frame("settings").copy()
    old_name = _setting(settings, "program_name")
    if start is None:  # the week after the old program ends, on the first session's weekday
        start = _default_start(first, dates.max(), today)
    shift = pd.Timedelta(start - first.date()) if pd.notna(first) and start is not None else pd.Timedelta(0)
    new_name = name or message("next-default-name", lang, name=old_name or "")
    out = NextProgram(lang, new_name, start, shift.to_pytimedelta(), weekdays_kept=shift.days % 7 == 0)
    if "date" in sessions:
        sessions["date"] = dates + shift
        out.tables["sessions"] = sessions
    for key, column in (("tasks", "due_at"), ("materials", "published_at")):
        frame = master.frame(key).copy()
        if column in frame and len(frame):
            frame[column] = pd.to_datetime(values.typed(frame, BY_KEY[key])[column]) + shift
            out.tables[key] = frame
    for key, moved in (("program_name", new_name), ("start_date", _moved(settings, "start_date", shift)),
                       ("end_date", _moved(settings, "end_date", shift))):
        if moved is not None and "key" in settings:
            settings.loc[settings["key"] == key, "value"] = moved
    out.tables["settings"] = settings
    if retrain is not None and len(retrain):
        out.tables["enrollment"] = _enrolled_again(retrain, old_name, start, lang)
        out.retrained = [str(n) for n in retrain["name"]]
    aliases = master.frame("aliases")  # the names DingTalk knows them by: for those who come again
    if "student_id" in aliases and retrain is not None:
        kept = aliases[values.text(aliases["student_id"]).isin(set(values.text(retrain["student_id"])))]
        if len(kept):
            out.tables["aliases"] = kept.set_axis(pd.RangeIndex(10**6, 10**6 + len(kept)))
    return out


def _setting(settings: pd.DataFrame, key: str) -> str:
    if "key" not in settings or "value" not in settings:
        return ""
    found = settings.loc[settings["key"] == key, "value"]
    return str(found.iloc[0]) if len(found) and values.given(found.iloc[0]) else ""


def _moved(settings: pd.DataFrame, key: str, shift: pd.Timedelta) -> str | None:
    text = _setting(settings, key)
    day = values.date(pd.Series([text])).iloc[0] if text else pd.NaT
    return None if pd.isna(day) else f"{pd.Timestamp(day) + shift:%Y-%m-%d}"  # as typed: the value column is text


def _default_start(first: pd.Timestamp, last: pd.Timestamp, today: dt.date) -> dt.date | None:
    if pd.isna(first):
        return None
    after = max(last.date(), today) + dt.timedelta(days=1)
    return after + dt.timedelta(days=(first.weekday() - after.weekday()) % 7)


def _enrolled_again(people: pd.DataFrame, old_name: str, start: dt.date | None, lang: Lang) -> pd.DataFrame:
    """The old enrollment rows of those who need retraining, as new sign-ups: 已通过, 在读, 来源 复训,
    a note naming the old program and what they lacked."""
    sheet = BY_KEY["enrollment"]
    rows = people.reindex(columns=sheet.keys).copy()
    rows["review_status"] = labels(sheet.column("review_status").choices, lang)["approved"]
    rows["status"] = labels(sheet.column("status").choices, lang)["active"]
    rows["source"] = message("next-retrain-source", lang)
    rows["joined_on"] = pd.Timestamp(start) if start else None
    rows["enrolled_at"] = None
    rows["notes"] = [message("next-retrain-note", lang, program=old_name, lacks=lacks) for lacks in people["lacks"]]
    return rows.reset_index(drop=True).set_axis(pd.RangeIndex(10**6, 10**6 + len(rows)))  # below the header: new rows
