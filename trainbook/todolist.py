"""`todo`: what needs doing now, worked out from the workbook as of a day — each item with its
stage of the process and that stage's owner (from 流程), how many, where (the sheet and the first row
concerned) and which button or command settles it; the most urgent first.

A workbook with nothing in it yet says only what to fill first. Every item disappears by itself
once what it asks for is done: it is worked out afresh each time, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trainbook import values
from trainbook.i18n import Lang, listing, message
from trainbook.metrics import Progress, compute
from trainbook.metrics.attendance import applying
from trainbook.metrics.roster import applicable, students
from trainbook.metrics.tasks import DONE, assignments, unrecorded_tasks
from trainbook.policy.plan import checkin_url, due_day, program_ended, unrecorded
from trainbook.schema.buttons import BUTTONS, PANEL_COLUMN, PANEL_WIDTHS, TODO_ROW
from trainbook.schema.columns import Choice, labels
from trainbook.schema.notice_templates import BY_KIND
from trainbook.schema.sheets import BY_KEY, NOTICE_STATUS
from trainbook.schema.stages import BY_KEY as STAGES
from trainbook.schema.stages import STAGES as STAGE_ORDER
from trainbook.workbook.engine import Panel
from trainbook.workbook.master import Master
from trainbook.workbook.sheet_xml import Link

URGENCY = (
    Choice("overdue", "已逾期", "Overdue"),  # something is late, or a figure is wrong until it is done
    Choice("now", "待处理", "To do"),  # waiting on the coordinator now
    Choice("soon", "即将到期", "Due soon"),  # due within the next days
    Choice("later", "可稍后", "Later"),
)
PANEL_TOP, PANEL_LEFT, PANEL_ITEMS = TODO_ROW, PANEL_COLUMN, 12  # 首页's 待办: under the buttons (F–G), 12 items


@dataclass(frozen=True)
class Item:
    """One thing to do."""

    stage: str  # a stage key
    what: str  # in the workbook's language
    count: int
    sheet: str  # a sheet key
    row: int | None  # the first row concerned (Excel's number), if one
    action: str  # the button or command that settles it, in words
    urgency: str  # a key of URGENCY
    owner: str = ""  # who the row itself names (an improvement action's 责任人), else the stage's owner


@dataclass
class Todo:
    """The to-do of a workbook as of a day; owners come from its 流程 sheet."""

    as_of: dt.date
    items: list[Item]
    owners: dict[str, tuple[str, str]]  # stage → (owner, mobile)
    lang: Lang
    sheet_names: dict[str, str] = field(default_factory=dict)  # sheet key → its name in this workbook
    unwritten: str = ""  # why 首页 could not show it (the workbook open in Excel, say)

    def owner(self, stage: str) -> str:
        return self.owners.get(stage, ("", ""))[0]

    def who(self, item: Item) -> str:
        return item.owner or self.owner(item.stage)

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        if not self.items:
            return message("todo-none", lang, as_of=self.as_of) + (
                "\n" + message("todo-unwritten", lang, reason=self.unwritten) if self.unwritten else "")
        lines = [message("todo-head", lang, as_of=self.as_of, count=len(self.items))]
        urgency = labels(URGENCY, lang)
        for item in self.items:
            owner = self.who(item) or message("todo-no-owner", lang)
            place = self.sheet_names.get(item.sheet, item.sheet) + (f"!{item.row}" if item.row else "")
            lines.append(message("todo-line", lang, urgency=urgency[item.urgency], stage=STAGES[item.stage].label(lang),
                                 owner=owner, what=item.what, place=place, action=item.action))
        if self.unwritten:
            lines.append(message("todo-unwritten", lang, reason=self.unwritten))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "items": [
            {"stage": STAGES[i.stage].label(self.lang), "owner": self.who(i) or None, "what": i.what,
             "count": i.count, "sheet": self.sheet_names.get(i.sheet, i.sheet), "row": i.row, "action": i.action,
             "urgency": labels(URGENCY, self.lang)[i.urgency]} for i in self.items]}

    def panel(self) -> Panel:
        """首页's 待办 panel: the items, most urgent first, each linked to its place."""
        lang, urgency = self.lang, labels(URGENCY, self.lang)
        rows: list[list[object]] = [[message("todo-panel-title", lang, as_of=self.as_of), None],
                                    [message("todo-panel-stage", lang), message("todo-panel-what", lang)]]
        shown = self.items[:PANEL_ITEMS - 1] if len(self.items) > PANEL_ITEMS else self.items
        for item in shown:
            owner = self.who(item)
            place = f"'{self.sheet_names.get(item.sheet, item.sheet)}'!A{item.row or 1}"
            rows.append([f"{STAGES[item.stage].label(lang)}{' · ' + owner if owner else ''}",
                         Link(f"[{urgency[item.urgency]}] {item.what} → {item.action}", place)])
        if len(shown) < len(self.items):
            rows.append([None, message("todo-panel-more", lang, count=len(self.items) - len(shown))])
        if not self.items:
            rows.append([None, message("todo-none", lang, as_of=self.as_of)])
        return Panel("home", PANEL_TOP, PANEL_LEFT, rows, PANEL_ITEMS + 2, 2, dict(enumerate(PANEL_WIDTHS, PANEL_LEFT)),
                     titled=True)

    def by_stage(self) -> pd.DataFrame:
        """Open items per stage and owner, as counts (for the manager report)."""
        rows = [{"stage": STAGES[s.key].label(self.lang), "owner": self.owner(s.key),
                 "items": sum(1 for i in self.items if i.stage == s.key),
                 "overdue": sum(1 for i in self.items if i.stage == s.key and i.urgency == "overdue")}
                for s in STAGE_ORDER]
        return pd.DataFrame([r for r in rows if r["items"]], columns=["stage", "owner", "items", "overdue"])


def work_out(master: Master, as_of: dt.date, progress: Progress | None = None) -> Todo:
    """The to-do as of `as_of` (`progress`, when the caller has it for that day, is not worked out again)."""
    lang = master.lang
    todo = Todo(as_of, [], owners(master), lang, dict(master.names))
    first = _first_steps(master, lang)
    if first:
        todo.items = first
        return todo
    result = progress or compute(master, as_of)
    day = pd.Timestamp(as_of)
    found: list[Item] = []
    for check in (_approvals, _reviews, _unrecorded, _upcoming, _materials, _tasks, _scores, _feedback, _notices,
                  _certificates, _actions, _followup):
        found += check(master, result, day, lang)
    rank = {u.key: i for i, u in enumerate(URGENCY)}
    order = {s.key: i for i, s in enumerate(STAGE_ORDER)}
    todo.items = sorted(found, key=lambda i: (rank[i.urgency], order[i.stage]))
    return todo


def owners(master: Master) -> dict[str, tuple[str, str]]:
    """stage → (owner, mobile), from the 流程 sheet (empty for a workbook without one)."""
    frame = master.typed("stages")
    if "stage" not in frame:
        return {}
    frame = frame.dropna(subset=["stage"]).drop_duplicates("stage")
    owner = values.text(frame["owner"]) if "owner" in frame else pd.Series(None, index=frame.index, dtype=object)
    mobile = frame["owner_mobile"] if "owner_mobile" in frame else pd.Series(None, index=frame.index, dtype=object)
    return {str(s): (str(o) if values.given(o) else "", str(m) if values.given(m) else "")
            for s, o, m in zip(frame["stage"], owner, mobile)}


def _press(function: str, lang: Lang) -> str:
    """What settles an item that a button settles: the button, and the command that does the same."""
    button = next(b for b in BUTTONS if b.function == function)
    return message("todo-press", lang, button=button.caption(lang), command=f"trainbook {function}")


def _first_row(frame: pd.DataFrame, mask: pd.Series) -> int | None:
    rows = frame.index[mask.to_numpy()]
    return int(rows[0]) if len(rows) else None


def _first_steps(master: Master, lang: Lang) -> list[Item]:
    """For a workbook still empty: what to fill first — the program's facts, its sessions, its students."""
    settings = master.typed("settings")
    named = "key" in settings and "value" in settings and settings.loc[settings["key"] == "program_name", "value"].map(
        values.given).any()
    plan, people = master.frame("sessions"), master.frame("enrollment")
    if named and len(plan.dropna(how="all")) and len(people.dropna(how="all")):
        return []
    steps = []
    if not named:
        steps.append(Item("enrollment", message("todo-fill-settings", lang), 1, "settings", None,
                          message("todo-type-in", lang, sheet=BY_KEY["settings"].name(lang)), "now"))
    if not len(plan.dropna(how="all")):
        steps.append(Item("reminders", message("todo-fill-sessions", lang), 1, "sessions", 2,
                          message("todo-type-in", lang, sheet=BY_KEY["sessions"].name(lang)), "now"))
    if not len(people.dropna(how="all")):
        steps.append(Item("enrollment", message("todo-fill-enrollment", lang), 1, "enrollment", 2,
                          message("todo-type-or-merge", lang, sheet=BY_KEY["enrollment"].name(lang),
                                  merge=_press("merge", lang)), "now"))
    return steps


def _approvals(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    people = master.typed("enrollment")
    if "review_status" not in people:
        return []
    waiting = people["review_status"] == "pending"
    if not waiting.any():
        return []
    return [Item("enrollment", message("todo-approvals", lang, count=int(waiting.sum())), int(waiting.sum()),
                 "enrollment", _first_row(people, waiting),
                 message("todo-review-sign-ups", lang, sheet=BY_KEY["enrollment"].name(lang)), "now")]


LANDS_IN = {"attendance": "attendance", "enrollment": "enrollment", "scores": "assessment", "submissions": "tasks",
            "feedback": "feedback"}  # the sheet an export's evidence lands in → the stage its review rows hold up


def _reviews(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    from trainbook.importers.kinds import kind_named

    review = master.typed("review")
    if "review_id" not in review or review["review_id"].isna().all():
        return []
    review = review[review["review_id"].notna()]
    kinds = review["kind"] if "kind" in review else pd.Series(None, index=review.index, dtype=object)
    stage = [LANDS_IN.get(kind.gives.target, "attendance") if (kind := kind_named(k)) is not None else "attendance"
             for k in kinds]
    items = []
    decided = review["student_id"].notna() if "student_id" in review else pd.Series(False, index=review.index)
    for key in dict.fromkeys(stage):
        mine = pd.Series([s == key for s in stage], index=review.index)
        open_ = mine & ~decided
        if open_.any():
            items.append(Item(key, message("todo-review", lang, count=int(open_.sum())), int(open_.sum()), "review",
                              _first_row(review, open_),
                              message("todo-confirm", lang, sheet=BY_KEY["review"].name(lang),
                                      merge=_press("merge", lang)), "now"))
        if (mine & decided).any():
            count = int((mine & decided).sum())
            items.append(Item(key, message("todo-review-decided", lang, count=count), count, "review",
                              _first_row(review, mine & decided), _press("merge", lang), "now"))
    return items


def _unrecorded(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    missing = unrecorded(master, result.plan, day - pd.Timedelta(days=1))  # today's may not have ended yet
    if missing.empty:
        return []
    sessions = master.frame("sessions")
    ids = values.text(sessions["session_id"]) if "session_id" in sessions else pd.Series(dtype=object)
    return [Item("attendance", message("todo-unrecorded", lang, count=len(missing), sessions=_ids(missing.index, lang)),
                 len(missing), "sessions", _first_row(sessions, ids.isin(set(missing.index))),
                 message("todo-import", lang, merge=_press("merge", lang)), "overdue")]


def _upcoming(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    """Sessions in the next `reminder_days`: without a check-in link, or with their reminders not sent."""
    settings, plan = result.settings, result.plan
    soon = plan[(plan["date"] > day) & (plan["date"] <= day + pd.Timedelta(days=max(settings.reminder_days, 1)))]
    if soon.empty:
        return []
    sessions = master.frame("sessions")
    ids = values.text(sessions["session_id"]) if "session_id" in sessions else pd.Series(dtype=object)
    items = []
    unlinked = [str(i) for i, row in soon.iterrows() if not checkin_url(row, str(i), settings)]
    if unlinked:
        items.append(Item("reminders", message("todo-no-link", lang, count=len(unlinked), sessions=_ids(unlinked, lang)),
                          len(unlinked), "sessions", _first_row(sessions, ids.isin(set(unlinked))),
                          message("todo-add-link", lang, sheet=BY_KEY["sessions"].name(lang)), "soon"))
    notices = _notices_frame(master)
    reminders = notices[notices["kind"] == "session-reminder"]
    told = {str(nid).split(":")[1] for nid in reminders.loc[reminders["status"].isin(["sent", "pending"]), "notice_id"]
            if len(str(nid).split(":")) > 1}  # a pending reminder is the notices item's: send it
    untold = [str(i) for i in soon.index if str(i) not in told]
    if untold:
        items.append(Item("reminders", message("todo-no-reminder", lang, count=len(untold), sessions=_ids(untold, lang)),
                          len(untold), "notices", None,
                          message("todo-then", lang, first=_press("notices", lang), then=_press("send", lang)), "soon"))
    return items


def _materials(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    """The next session has no material of its own."""
    plan = result.plan
    upcoming = plan[plan["date"] > day]
    if upcoming.empty:
        return []
    following = str(upcoming.index[0])
    materials = master.frame("materials")
    linked = set(values.text(materials["session_id"]).dropna()) if "session_id" in materials else set()
    if following in linked:
        return []
    return [Item("materials", message("todo-materials", lang, session=following), 1, "materials", None,
                 message("todo-type-in", lang, sheet=BY_KEY["materials"].name(lang)), "soon")]


def _tasks(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    """Tasks past due with students who handed nothing in, and no overdue notice for them sent (but
    not those whose records are unsure: settling those comes first, and says so where it does)."""
    people = students(master)
    assigned = assignments(master, applying(master, applicable(people, result.plan)), people, day)
    past = assigned[due_day(assigned["due_at"]) < day]
    waiting = unrecorded_tasks(master)
    items = []
    if (missing := sorted(waiting & set(past["task_id"]))):  # past due and nothing imported: import first
        tasks = master.frame("tasks")
        ids = values.text(tasks["task_id"]) if "task_id" in tasks else pd.Series(dtype=object)
        items.append(Item("tasks", message("todo-tasks-unrecorded", lang, count=len(missing), tasks=_ids(missing, lang)),
                          len(missing), "tasks", _first_row(tasks, ids.isin(set(missing))),
                          message("todo-import", lang, merge=_press("merge", lang)), "overdue"))
    late = past[~past["status"].isin([*DONE, "exempt"]) & ~past["task_id"].isin(waiting)]
    late = late[~late["student_id"].isin(result.unsure)]  # their records are unsure: no notice is made for them yet
    if late.empty:
        return items
    notices = _notices_frame(master)
    chased = {str(nid) for nid in notices.loc[(notices["kind"] == "task-overdue") & (notices["status"] == "sent"),
                                               "notice_id"]}
    late = late[[f"task-overdue:{t}:{s}" not in chased for t, s in zip(late["task_id"], late["student_id"])]]
    if late.empty:
        return items
    tasks = master.frame("tasks")
    ids = values.text(tasks["task_id"]) if "task_id" in tasks else pd.Series(dtype=object)
    return items + [Item("tasks", message("todo-tasks", lang, count=late["student_id"].nunique(),
                                  tasks=_ids(late["task_id"].unique(), lang)),
                 int(late["student_id"].nunique()), "tasks", _first_row(tasks, ids.isin(set(late["task_id"]))),
                 message("todo-then", lang, first=_press("notices", lang), then=_press("send", lang)), "overdue")]


def _scores(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    """Assessments some students have a score for and others not; after the end, any without all."""
    plan = master.typed("assessments")
    scores = master.typed("scores")
    if "assessment_id" not in plan or "assessment_id" not in scores or result.students.empty:
        return []
    ended = program_ended(result.settings, result.plan, day)
    people = set(result.students.index)
    got = scores.dropna(subset=["assessment_id", "student_id", "score"]).groupby("assessment_id")["student_id"].agg(set)
    short = [(str(a), len(people - got.get(a, set()))) for a in plan["assessment_id"].dropna()
             if (a in got.index or ended) and people - got.get(a, set())]
    if not short:
        return []
    return [Item("assessment", message("todo-scores", lang, count=sum(n for _, n in short),
                                       assessments=_ids([a for a, _ in short], lang)),
                 sum(n for _, n in short), "assessments", _first_row(plan, plan["assessment_id"].isin({a for a, _ in short})),
                 message("todo-import", lang, merge=_press("merge", lang)), "overdue" if ended else "now")]


def _feedback(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    """Sessions held in the last `recent_days` that no survey response names."""
    plan = result.plan
    recent = plan[(plan["date"] <= day) & (plan["date"] > day - pd.Timedelta(days=result.settings.recent_days))]
    feedback = master.frame("feedback")
    answered = set(values.text(feedback["session_id"]).dropna()) if "session_id" in feedback else set()
    silent = [str(i) for i in recent.index if str(i) not in answered]
    if not silent:
        return []
    return [Item("feedback", message("todo-feedback", lang, count=len(silent), sessions=_ids(silent, lang)),
                 len(silent), "feedback", None, message("todo-survey", lang, merge=_press("merge", lang)), "later")]


def _notices(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    """Notices waiting to be sent, and those that could not be delivered, per stage."""
    notices = _notices_frame(master)
    items = []
    fix = message("todo-fix-address", lang, sheet=BY_KEY["enrollment"].name(lang), send=_press("send", lang))
    for status, key, action, urgency in (("failed", "todo-notices-failed", fix, "overdue"),
                                         ("pending", "todo-notices", _press("send", lang), "now")):
        mine = notices[notices["status"] == status]
        if status == "pending":  # an owner's own digest waiting is not an item of its stage: it is the to-do itself
            mine = mine[mine["kind"] != "owner-todo"]
        for stage in dict.fromkeys(_notice_stage(k, nid) for k, nid in zip(mine["kind"], mine["notice_id"])):
            these = mine[[_notice_stage(k, nid) == stage for k, nid in zip(mine["kind"], mine["notice_id"])]]
            items.append(Item(stage, message(key, lang, count=len(these)), len(these), "notices",
                              int(these["row"].iloc[0]), action, urgency))
    return items


def _certificates(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    """Students whose certificate is 是 and who are not on the certificates sheet yet."""
    due = set(result.students.index[result.students["certificate"] == "yes"]) if "certificate" in result.students \
        else set()
    printed = master.frame("certificates")
    done = set(values.text(printed["student_id"]).dropna()) if "student_id" in printed else set()
    left = due - done
    if not left:
        return []
    return [Item("completion", message("todo-certificates", lang, count=len(left)), len(left), "certificates", None,
                 _press("certificates", lang), "now")]


def _actions(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    """Improvement actions past their due date and not done, per 责任人 the rows name."""
    if "actions" not in master.tables:
        return []
    actions = master.typed("actions")
    if "due" not in actions or "status" not in actions:
        return []
    late = (pd.to_datetime(actions["due"]) < day) & ~actions["status"].isin(["done", "dropped"])
    owners = values.text(actions["owner"]).fillna("") if "owner" in actions else pd.Series("", index=actions.index)
    items = []
    for owner in dict.fromkeys(owners[late]):
        mine = late & (owners == owner)
        items.append(Item("feedback", message("todo-actions", lang, count=int(mine.sum())), int(mine.sum()), "actions",
                          _first_row(actions, mine), message("todo-action-done", lang, sheet=BY_KEY["actions"].name(lang)),
                          "overdue", owner=str(owner)))
    return items


def _followup(master: Master, result: Progress, day: pd.Timestamp, lang: Lang) -> list[Item]:
    """After the end: those who did not complete, until the follow-up list has them all."""
    if not program_ended(result.settings, result.plan, day) or "certificate" not in result.students:
        return []
    behind = set(result.students.index[result.students["certificate"] != "yes"])
    listed = master.frame("followup")
    left = behind - (set(values.text(listed["student_id"]).dropna()) if "student_id" in listed else set())
    if not left:
        return []
    return [Item("followup", message("todo-followup", lang, count=len(left)), len(left), "followup", None,
                 _press("followup", lang), "later")]


def _notices_frame(master: Master) -> pd.DataFrame:
    """The notices sheet, kinds and statuses as keys, with each row's Excel number."""
    raw = master.frame("notices")
    frame = values.typed(raw, BY_KEY["notices"]).reindex(columns=["notice_id", "kind", "status"])
    names = {text: kind for kind, template in BY_KIND.items() for text in (kind, template.zh[0], template.en[0])}
    frame["kind"] = frame["kind"].map(lambda k: names.get(str(k).strip(), k) if values.given(k) else None)
    statuses = {c.zh: c.key for c in NOTICE_STATUS} | {c.en: c.key for c in NOTICE_STATUS}
    frame["status"] = frame["status"].map(lambda s: statuses.get(str(s), s) if values.given(s) else "pending")
    frame["row"] = frame.index
    return frame[frame["notice_id"].notna()]


def _notice_stage(kind: object, notice_id: object) -> str:
    template = BY_KIND.get(str(kind))
    if template is not None and template.stage:
        return template.stage
    parts = str(notice_id).split(":")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else "followup"


def _ids(ids: Any, lang: Lang, most: int = 5) -> str:
    shown = [str(i) for i in ids]
    return listing(shown[:most], lang) + ("…" if len(shown) > most else "")
