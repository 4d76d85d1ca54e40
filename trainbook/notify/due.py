"""Which notices are due on a day, to whom, about what: one row per notice, with the
facts its template may use. Withdrawn students get nothing; nobody is dropped for lack of a mobile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from trainbook import values
from trainbook.i18n import Lang, clauses, message
from trainbook.metrics import Progress
from trainbook.metrics.attendance import applying, session_statuses
from trainbook.metrics.roster import applicable, students
from trainbook.metrics.tasks import DONE, assignments, unrecorded_tasks
from trainbook.policy.plan import checkin_url, due_day, program_ended, session_plan, shown_due, unrecorded
from trainbook.schema.columns import labels
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import GRADE, RISK
from trainbook.schema.stages import BY_KEY as STAGES
from trainbook.workbook.master import Master

if TYPE_CHECKING:
    from trainbook.todolist import Todo

ATTENDED = ("present", "late", "early_leave")


def notice_id(kind: str, event: str, student_id: str, audience: str = "student") -> str:
    """Stable for the same kind, event and recipient: regenerating never duplicates a notice."""
    return ":".join(p for p in (kind, event, student_id, "" if audience == "student" else audience) if p)


def due_notices(master: Master, progress: Progress, settings: Settings, todo: Todo | None = None) -> pd.DataFrame:
    """Every notice due as of `progress.as_of`: notice_id, kind, student_id, audience, recipient,
    mobile, group_id and `facts` (placeholder key → value); with `todo`, a digest of each stage's
    open items to its owner (one a day while there are any)."""
    day = pd.Timestamp(progress.as_of)
    enrollment = master.typed("enrollment")
    for column in ("student_id", "name", "mobile", "group_id", "review_status", "status", "manager",
                   "manager_mobile", "joined_on", "department"):
        if column not in enrollment:
            enrollment[column] = None
    everyone = enrollment.dropna(subset=["student_id"]).drop_duplicates("student_id").set_index("student_id")
    groups = master.typed("groups")
    for column in ("group_id", "name", "tutor", "tutor_mobile"):
        if column not in groups:
            groups[column] = None
    groups = groups.dropna(subset=["group_id"]).drop_duplicates("group_id").set_index("group_id")
    people = students(master)
    plan = session_plan(master)
    base = {"program": settings.program_name or ""}
    out: list[dict[str, Any]] = []

    people_seen: dict[str, dict[str, Any]] = {}

    def person(student_id: str) -> dict[str, Any]:
        if student_id not in people_seen:
            row = cast(pd.Series, everyone.loc[student_id])  # ids made unique above: one row each
            group = cast(pd.Series, groups.loc[row["group_id"]]) if row["group_id"] in groups.index else None
            people_seen[student_id] = {
                "name": _or(row, "name"), "group_id": row["group_id"], "group": _or(group, "name"),
                "tutor": _or(group, "tutor"), "tutor_mobile": _or(group, "tutor_mobile", None),
                "manager": _or(row, "manager"), "manager_mobile": _or(row, "manager_mobile", None),
                "mobile": _or(row, "mobile", None)}
        return people_seen[student_id]

    def add(kind: str, event: str, student_id: str, facts: dict[str, Any], audiences: tuple[str, ...] = ("student",)
            ) -> None:
        who = person(student_id)
        for audience in audiences:
            recipient, mobile = {"student": (who["name"] or message("no-name", master.lang), who["mobile"]),
                                 "tutor": (who["tutor"], who["tutor_mobile"]),
                                 "manager": (who["manager"], who["manager_mobile"])}[audience]
            if audience != "student" and not recipient and not values.given(mobile):
                continue  # a copy for a tutor or manager the workbook does not name
            out.append({"notice_id": notice_id(kind, event, student_id, audience), "kind": kind,
                        "student_id": student_id, "audience": audience, "recipient": recipient,
                        "mobile": mobile if values.given(mobile) else None, "group_id": who["group_id"],
                        "facts": {**base, "name": who["name"], "group": who["group"], "tutor": who["tutor"],
                                  **facts}})

    ended = program_ended(settings, plan, day)
    pairs = applying(master, applicable(people, plan, required_only=False))
    # enrollment: confirmed once while the program runs; a rejection once
    first = pairs.sort_values("start_at").drop_duplicates("student_id").set_index("student_id")
    if not ended:
        for student_id in people.index:
            facts = _session_facts(plan, first.loc[student_id, "session_id"], settings) if student_id in first.index else {}
            add("enroll-confirm", "", str(student_id), facts)
    rejected = everyone[(everyone["review_status"] == "rejected") & (everyone["status"] != "withdrawn")]
    for student_id in rejected.index:
        add("enroll-rejected", "", str(student_id), {})
    # sessions: a reminder within reminder_days (today included), a feedback request after one attended
    ahead = pairs[(pairs["date"] >= day) & (pairs["date"] <= day + pd.Timedelta(days=settings.reminder_days))]
    for student_id, session_id in zip(ahead["student_id"], ahead["session_id"]):
        add("session-reminder", str(session_id), str(student_id), _session_facts(plan, session_id, settings))
    # statuses as progress has them: no record at a held session is 缺勤, a session with no records is not held yet
    required = applying(master, applicable(people, plan))
    held = session_statuses(master, required, day, unrecorded(master, plan, day).index)
    for student_id, session_id in zip(*_where(held, held["status"] == "absent")):
        add("absence-followup", str(session_id), str(student_id), _session_facts(plan, session_id, settings))
    recent = held["date"] >= day - pd.Timedelta(days=settings.recent_days)
    for student_id, session_id in zip(*_where(held, recent & held["status"].isin(ATTENDED))):
        add("feedback-request", str(session_id), str(student_id), _session_facts(plan, session_id, settings))
    # tasks: required ones not handed in, before and after they are due
    tasks = assignments(master, required, people, day)
    open_ = tasks[~tasks["status"].isin([*DONE, "exempt"])]
    due_on = due_day(open_["due_at"])
    soon = (due_on >= day) & (due_on <= day + pd.Timedelta(days=settings.task_reminder_days))
    imported = ~open_["task_id"].isin(unrecorded_tasks(master))  # a task nobody imported: nobody is told they are late
    for kind, rows in (("task-reminder", open_[soon]), ("task-overdue", open_[(due_on < day) & imported])):
        for student_id, task_id, title, due_at in zip(rows["student_id"], rows["task_id"], rows["title"], rows["due_at"]):
            add(kind, str(task_id), str(student_id), {"task": title or task_id, "due_at": shown_due(due_at)})
    # risk: to the student and the tutor; to the manager too when high
    figures = progress.students
    for student_id, row in figures[figures["risk"].isin(["medium", "high"])].iterrows():
        add("risk-warning", str(row["risk"]), str(student_id), _figures(row, master.lang),
            ("student", "tutor", "manager") if row["risk"] == "high" else ("student", "tutor"))
    if ended:
        for student_id, row in figures[figures["certificate"] == "yes"].iterrows():
            add("completion", "", str(student_id), _figures(row, master.lang))
    # materials: once per version (or publication) of the last recent_days
    materials = master.typed("materials")
    for column in ("material_id", "title", "session_id", "link", "version", "published_at"):
        if column not in materials:
            materials[column] = None
    materials = materials.dropna(subset=["material_id", "published_at"]).drop_duplicates("material_id")
    fresh = materials[(materials["published_at"].dt.normalize() <= day)
                      & (materials["published_at"] >= day - pd.Timedelta(days=settings.recent_days))]
    for material in fresh.itertuples():
        version = material.version if values.given(material.version) else f"{material.published_at:%Y%m%d}"
        readers = (pairs.loc[pairs["session_id"] == material.session_id, "student_id"].unique()
                   if values.given(material.session_id) else people.index)
        for student_id in readers:
            add("material-update", f"{material.material_id}@{version}", str(student_id),
                {"material": material.title if values.given(material.title) else material.material_id,
                 "link": material.link if values.given(material.link) else ""})
    out += _owner_digests(todo, base) if todo is not None else []
    return pd.DataFrame(out, columns=["notice_id", "kind", "student_id", "audience", "recipient",
                                      "mobile", "group_id", "facts"])


def _owner_digests(todo: Todo, base: dict[str, Any]) -> list[dict[str, Any]]:
    """To each stage's owner, today's open items of the stage (an owner the 流程 sheet does not name gets none)."""
    out = []
    for stage in dict.fromkeys(item.stage for item in todo.items):
        owner, mobile = todo.owners.get(stage, ("", ""))
        if not owner and not mobile:
            continue
        items = [item for item in todo.items if item.stage == stage]
        out.append({"notice_id": notice_id("owner-todo", f"{stage}:{todo.as_of:%Y%m%d}", "", "owner"),
                    "kind": "owner-todo", "student_id": None, "audience": "owner", "recipient": owner or None,
                    "mobile": mobile or None, "group_id": None,
                    "facts": {**base, "owner": owner, "stage": STAGES[stage].label(todo.lang), "count": len(items),
                              "items": clauses([item.what for item in items], todo.lang)}})
    return out


def _where(frame: pd.DataFrame, mask: pd.Series) -> tuple[pd.Series, pd.Series]:
    return frame.loc[mask, "student_id"], frame.loc[mask, "session_id"]


def _or(row: pd.Series | None, column: str, blank: Any = "") -> Any:
    """A cell of `row`, or `blank` when there is no row or nothing in the cell."""
    if row is None or not values.given(row[column]):
        return blank
    return row[column]


def _session_facts(plan: pd.DataFrame, session_id: str, settings: Settings) -> dict[str, Any]:
    row = cast(pd.Series, plan.loc[session_id])  # session_plan: one row per id
    link = checkin_url(row, str(session_id), settings)
    return {"session": _or(row, "title", session_id), "date": f"{row['date']:%Y-%m-%d}",
            "time": f"{row['start_at']:%H:%M}", "location": _or(row, "location"), "checkin_url": link}


def _figures(row: pd.Series, lang: Lang) -> dict[str, Any]:
    def pct(value: float | None) -> str:
        return "—" if value is None or pd.isna(value) else f"{value:.1%}"

    score = row.get("final_score")
    return {"attendance_rate": pct(row.get("attendance_rate")), "task_rate": pct(row.get("task_rate")),
            "final_score": "—" if score is None or pd.isna(score) else f"{score:.1f}",
            "grade": labels(GRADE, lang).get(str(row.get("grade")), ""),
            "risk": labels(RISK, lang).get(str(row.get("risk")), ""), "needed": row.get("needed") or ""}
