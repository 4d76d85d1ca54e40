"""Task completion per student: required tasks done by their due date to date."""

from __future__ import annotations

import pandas as pd

from trainbook import values
from trainbook.metrics.roster import recorded_by
from trainbook.policy.plan import due_day
from trainbook.workbook.master import Master

DONE = ("submitted", "late")


def assignments(master: Master, pairs: pd.DataFrame, people: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """(task_id, title, student_id, due_at, status) for every required task and each student it
    applies to: a task tied to a session applies to whoever that session applies to, others to
    everyone who had joined by the day it is due; `status` is the submission's (missing when
    nothing was handed in)."""
    tasks = master.typed("tasks")
    for column in ("task_id", "title", "session_id", "due_at", "required"):
        if column not in tasks:
            tasks[column] = None
    tasks = tasks.dropna(subset=["task_id", "due_at"]).drop_duplicates("task_id")
    tasks = tasks[tasks["required"].fillna("yes") == "yes"]
    linked = tasks.dropna(subset=["session_id"])
    own = pairs[["student_id", "session_id"]].merge(linked[["task_id", "title", "session_id", "due_at"]],
                                                    on="session_id")
    everyone = people.reset_index()[["student_id", "joined_on"]].merge(
        tasks[tasks["session_id"].isna()][["task_id", "title", "due_at"]], how="cross")
    joined: pd.Series = everyone["joined_on"].isna() | (everyone["due_at"].dt.normalize() >= everyone["joined_on"])
    everyone = everyone[joined].drop(columns="joined_on")
    assigned = pd.concat([own.drop(columns="session_id"), everyone], ignore_index=True)
    subs = recorded_by(master.typed("submissions"), "submitted_at", day)  # handed in by `day`
    for column in ("task_id", "student_id", "status"):
        if column not in subs:
            subs[column] = None
    subs = subs.dropna(subset=["task_id", "student_id"]).drop_duplicates(["task_id", "student_id"])
    return assigned.merge(subs[["task_id", "student_id", "status"]], on=["task_id", "student_id"], how="left")


def unrecorded_tasks(master: Master) -> set[str]:
    """Tasks with no submission row at all: their export has not been imported yet (a homework
    export lists everyone it was set for, 未提交 included), so nobody is late with them yet."""
    tasks = master.typed("tasks")
    subs = master.frame("submissions")
    handed = set(values.text(subs["task_id"]).dropna()) if "task_id" in subs else set()
    return {str(t) for t in tasks.get("task_id", pd.Series(dtype=object)).dropna()} - handed


def unrecorded_due(master: Master, as_of: pd.Timestamp) -> list[str]:
    """Required tasks due before `as_of` with no submission recorded for anyone ('T02 第二次作业'):
    left out of the rates until their data comes in."""
    tasks = master.typed("tasks")
    for column in ("task_id", "title", "due_at", "required"):
        if column not in tasks:
            tasks[column] = None
    waiting = unrecorded_tasks(master)
    due = tasks[tasks["task_id"].isin(waiting) & (tasks["required"].fillna("yes") == "yes")
                & (due_day(tasks["due_at"]) < as_of)].drop_duplicates("task_id")
    return [f"{t} {title or ''}".strip() for t, title in zip(due["task_id"], due["title"])]


def task_figures(master: Master, pairs: pd.DataFrame, people: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per student: required tasks due to date, done, exempt, still to come, and the rate. A task
    due on `as_of` itself counts once handed in; until then it is not missed, only waited for."""
    assigned = assignments(master, pairs, people, as_of)
    imported = ~assigned["task_id"].isin(unrecorded_tasks(master))  # a task nobody imported is not due yet
    exempt = assigned["status"] == "exempt"
    done = assigned["status"].isin(DONE)
    day = due_day(assigned["due_at"])
    past, today = day < as_of, day == as_of
    due = imported & (past | (today & done))
    out: pd.DataFrame = pd.DataFrame(index=people.index)
    out["tasks_due"] = (due & ~exempt).groupby(assigned["student_id"]).sum()
    out["tasks_done"] = (due & done).groupby(assigned["student_id"]).sum()
    out["tasks_total"] = (~exempt).groupby(assigned["student_id"]).sum()
    out = out.fillna(0).astype(int)
    out["task_rate"] = (out["tasks_done"] / out["tasks_due"]).where(out["tasks_due"] > 0)
    return out
