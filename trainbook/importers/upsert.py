"""Landing evidence in the master's sheets: insert what is new, update what changed, leave the
rest (and every row whose source is 手工) exactly as it was."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from trainbook import values
from trainbook.errors import InputError
from trainbook.i18n import listing, message
from trainbook.ids import next_ids
from trainbook.importers.identity import clean_name
from trainbook.policy.attendance import KEY, combine
from trainbook.policy.plan import session_plan
from trainbook.schema.columns import labels
from trainbook.schema.sheets import (
    ATTENDANCE_STATUS,
    BY_KEY,
    MANUAL_SOURCE,
    REVIEW_STATUS,
    STUDENT_STATUS,
    SUBMISSION_STATUS,
)
from trainbook.workbook.master import Master, append_rows, normalize

Counts = dict[str, int]
MANUAL = {normalize(MANUAL_SOURCE.zh), normalize(MANUAL_SOURCE.en), MANUAL_SOURCE.key}


@values.per_unique
def _is_manual(source: pd.Series) -> pd.Series:
    return values.text(source).map(normalize, na_action="ignore").isin(MANUAL)


def _manual(frame: pd.DataFrame) -> pd.Series:
    """Rows whose source is 手工: the coordinator's own word, never overwritten."""
    if "source" not in frame:
        return pd.Series(False, index=frame.index)
    return _is_manual(frame["source"]).astype(bool)


def _names(master: Master) -> dict[str, str]:
    enrollment = master.frame("enrollment")
    if not {"student_id", "name"} <= set(enrollment.columns):
        return {}
    return dict(zip(values.text(enrollment["student_id"]), enrollment["name"]))


def _keyed(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    parts = [values.text(frame[c]).fillna("") if c in frame else pd.Series("", index=frame.index)
             for c in columns]
    return parts[0].str.cat(parts[1:], sep="\x1f") if len(parts) > 1 else parts[0]


def _land(existing: pd.DataFrame, key_columns: list[str], new: pd.DataFrame,
          same: Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]) -> tuple[Counts, pd.DataFrame]:
    """Insert rows of `new` whose key is absent; update non-manual rows where `same(old, new)`
    (row-aligned frames) is False, keeping what they hold where `new` has nothing; count the rest
    as unchanged. All column-wise, no row loop."""
    existing = existing.copy()
    for column in new.columns:
        if column not in existing:
            existing[column] = None
    first = pd.Series(existing.index, index=_keyed(existing, key_columns).to_numpy())
    first = first[~first.index.duplicated()]
    at = _keyed(new, key_columns).map(first)
    found = at.notna().to_numpy()
    targets = at[found].astype(np.int64).to_numpy()
    old, incoming = existing.loc[targets].reset_index(drop=True), new[found].reset_index(drop=True)
    keep = _manual(existing).loc[targets].to_numpy() | (same(old, incoming) if len(old) else np.zeros(0, bool))
    changes = new[found][~keep].to_numpy(dtype=object)
    before = existing.loc[targets[~keep], list(new.columns)].to_numpy(dtype=object)
    blank = pd.isna(changes)
    changes[blank] = before[blank]  # an import fills cells, it never empties one (a coordinator's 备注)
    existing.loc[targets[~keep], list(new.columns)] = changes
    counts = {"inserted": int((~found).sum()), "updated": int((~keep).sum()), "unchanged": int(keep.sum())}
    return counts, append_rows(existing, new[~found])


def upsert_attendance(master: Master, found: pd.DataFrame, stamp: str) -> tuple[Counts, pd.DataFrame]:
    """Combine new statuses with the attendance sheet: per (session, student) the best status wins."""
    existing = master.frame("attendance")
    typed = values.typed(existing, BY_KEY["attendance"]) if len(existing) else existing
    old = pd.DataFrame({
        "session_id": values.text(typed["session_id"]) if len(typed) else [],
        "student_id": values.text(typed["student_id"]) if len(typed) else [],
    })
    if len(typed):
        for column in ("status", "checkin_at", "checkout_at", "watch_minutes", "note"):
            old[column] = typed[column] if column in typed else None
    old = old[~_manual(existing).to_numpy()] if len(old) else old
    relevant = old.merge(found[KEY].drop_duplicates(), on=KEY) if len(old) else old
    merged = combine(pd.concat([relevant.reindex(columns=found.columns), found], ignore_index=True)) \
        if len(relevant) else found
    names = _names(master)
    status_label = labels(ATTENDANCE_STATUS, master.lang)
    rows = pd.DataFrame({
        "session_id": merged["session_id"], "student_id": merged["student_id"],
        "name": merged["student_id"].map(names), "status": merged["status"].map(status_label),
        "checkin_at": merged["checkin_at"], "checkout_at": merged["checkout_at"],
        "watch_minutes": merged["watch_minutes"], "source": stamp, "note": merged["note"],
    })

    def same(old: pd.DataFrame, new: pd.DataFrame) -> np.ndarray:
        return (_same_choice(old["status"], new["status"], ATTENDANCE_STATUS)
                & _same_time(old["checkin_at"], new["checkin_at"])
                & _same_time(old["checkout_at"], new["checkout_at"])
                & _same_number(old["watch_minutes"], new["watch_minutes"]))

    return _land(existing, KEY, rows, same)


def _same_choice(old: pd.Series, new: pd.Series, choices: tuple) -> np.ndarray:
    a, b = values.choice(old.astype(object), choices), values.choice(new.astype(object), choices)
    return ((a == b) | (a.isna() & b.isna())).to_numpy()


def _same_time(old: pd.Series, new: pd.Series) -> np.ndarray:
    a, b = values.datetime(old.astype(object)), values.datetime(new.astype(object))
    close = (a - b).abs() < pd.Timedelta(seconds=1)
    return (close.fillna(False) | (a.isna() & b.isna())).to_numpy()


def _same_number(old: pd.Series, new: pd.Series) -> np.ndarray:
    a, b = values.number(old.astype(object)), values.number(new.astype(object))
    return (((a - b).abs() < 0.05) | (a.isna() & b.isna())).to_numpy()


class EnrollmentUpsert:
    """Enrollment forms: new people become 待审核 students; a known mobile or userid is the same
    person and is not added again."""

    def __init__(self, master: Master, stamp: str) -> None:
        self.master, self.stamp = master, stamp

    def apply(self, form: pd.DataFrame) -> tuple[Counts, pd.DataFrame]:
        master = self.master
        existing = master.frame("enrollment")
        known_mobiles = set(values.mobile(existing["mobile"]).dropna()) if "mobile" in existing else set()
        known_users = set(values.text(existing["dingtalk_userid"]).dropna()) if "dingtalk_userid" in existing else set()
        form = form.assign(mobile=values.mobile(form["mobile"]), userid=values.text(form["userid"]))
        known = form["mobile"].isin(known_mobiles) | form["userid"].isin(known_users)
        fresh = form[~known]
        fresh = fresh[~(fresh["mobile"].notna() & fresh.duplicated("mobile"))]
        taken = existing["student_id"] if "student_id" in existing else pd.Series(dtype=object)
        rows = pd.DataFrame({
            "student_id": next_ids(taken, "S", len(fresh)),
            "name": fresh["name"].map(clean_name).to_numpy(), "mobile": fresh["mobile"].to_numpy(),
            "email": fresh.get("email"), "company": fresh.get("company"),
            "department": fresh["department"].to_numpy(), "position": fresh.get("position"),
            "employee_no": fresh["employee_no"].to_numpy(), "dingtalk_userid": fresh["userid"].to_numpy(),
            "manager": fresh.get("manager"), "goal": fresh.get("goal"),
            "enrolled_at": fresh["enrolled_at"].to_numpy(), "source": self.stamp,
            "review_status": labels(REVIEW_STATUS, master.lang)["pending"],
            "status": labels(STUDENT_STATUS, master.lang)["active"],
        })
        counts = {"matched": int(known.sum()), "inserted": len(rows), "updated": 0,
                  "unchanged": int(known.sum())}
        return counts, append_rows(existing, rows)


def _by_title(master: Master, sheet: str, id_column: str, titles: pd.Series, forced: str | None,
              what: str) -> pd.Series:
    """Map export titles to ids of `sheet` by title (equal, or one containing the other)."""
    frame = master.frame(sheet)
    ids = values.text(frame[id_column]) if id_column in frame else pd.Series(dtype=object)
    if forced is not None:
        if forced not in set(ids):
            raise InputError(f"{what} {forced} ?")
        return pd.Series(forced, index=titles.index)
    known = {normalize(clean_name(t)): i for t, i in zip(frame.get("title", pd.Series(dtype=object)), ids) if t}
    out = {}
    for title in titles.dropna().unique():
        key = normalize(clean_name(title))
        hits = {i for t, i in known.items() if key and (t == key or t in key or key in t)}
        if len(hits) != 1:
            fix = message("title-fix-assessment" if sheet == "assessments" else "title-fix-task", master.lang)
            raise InputError(message("title-unknown", master.lang, title=title, what=what, fix=fix,
                                     known=listing((f"{i} {t}" for t, i in known.items()), master.lang)))
        out[title] = hits.pop()
    return titles.map(out)


def upsert_scores(master: Master, found: pd.DataFrame, stamp: str,
                  assessment: str | None) -> tuple[Counts, pd.DataFrame]:
    what = "考核项" if master.lang == "zh" else "assessment"
    ids = _by_title(master, "assessments", "assessment_id", found["title"], assessment, what)
    best = found.assign(assessment_id=ids).sort_values("score").drop_duplicates(
        ["assessment_id", "student_id"], keep="last").sort_index()  # the best attempt counts
    rows = pd.DataFrame({"assessment_id": best["assessment_id"], "student_id": best["student_id"],
                         "name": best["student_id"].map(_names(master)), "score": best["score"],
                         "graded_at": best["at"], "source": stamp})

    def same(old: pd.DataFrame, new: pd.DataFrame) -> np.ndarray:
        return _same_number(old["score"], new["score"])

    return _land(master.frame("scores"), ["assessment_id", "student_id"], rows, same)


def upsert_submissions(master: Master, found: pd.DataFrame, stamp: str) -> tuple[Counts, pd.DataFrame]:
    what = "任务" if master.lang == "zh" else "task"
    ids = _by_title(master, "tasks", "task_id", found["title"], None, what)
    tasks = values.typed(master.frame("tasks"), BY_KEY["tasks"])
    due = dict(zip(tasks["task_id"], tasks["due_at"])) if "due_at" in tasks else {}
    found = found.assign(task_id=ids)
    late = found["at"].notna() & (found["at"] > found["task_id"].map(due))
    status = np.where(~found["done"].astype(bool), "missing", np.where(late, "late", "submitted"))
    label = labels(SUBMISSION_STATUS, master.lang)
    rows = pd.DataFrame({"task_id": found["task_id"], "student_id": found["student_id"],
                         "name": found["student_id"].map(_names(master)),
                         "status": pd.Series(status, index=found.index).map(label),
                         "submitted_at": found["at"], "points": found.get("points"), "source": stamp})
    rows = rows.drop_duplicates(["task_id", "student_id"], keep="last")

    def same(old: pd.DataFrame, new: pd.DataFrame) -> np.ndarray:
        return _same_choice(old["status"], new["status"], SUBMISSION_STATUS)

    return _land(master.frame("submissions"), ["task_id", "student_id"], rows, same)


def feedback_sessions(plan: pd.DataFrame, titles: pd.Series, submitted: pd.Series) -> pd.Series:
    """The session each response is about: the one whose title the survey's title names (the
    longest that it contains: （一） and （二） differ), and among sessions of that title — or among
    all, when none is named — the one held last before the response was submitted."""
    names = {sid: normalize(title) for sid, title in plan["title"].dropna().items() if normalize(title)}
    starts = plan["start_at"]

    def named(title: object) -> list[str]:
        key = normalize(title) if isinstance(title, str) else ""
        hits = [sid for sid, name in names.items() if name in key]
        longest = max((len(names[sid]) for sid in hits), default=0)
        return [sid for sid in hits if len(names[sid]) == longest]

    candidates = {title: named(title) for title in titles.dropna().unique()}
    out: list[str | None] = []
    for title, at in zip(titles, submitted):
        pool = candidates.get(title, []) if isinstance(title, str) else []
        if len(pool) == 1:
            out.append(pool[0])
            continue
        held = starts[pool] if pool else starts
        held = held[held <= at] if pd.notna(at) else held.iloc[0:0]
        out.append(held.idxmax() if len(held) else None)
    return pd.Series(out, index=titles.index, dtype=object)


def upsert_feedback(master: Master, found: pd.DataFrame, stamp: str, digest: str) -> tuple[Counts, pd.DataFrame]:
    session = feedback_sessions(session_plan(master), found["title"], found["at"])
    rows = pd.DataFrame({
        "response_id": [f"R{digest[:6]}-{int(i)}" for i in found.index],
        "session_id": session, "student_id": found["student_id"], "submitted_at": found["at"],
        **{k: found[k] for k in ("overall", "content", "teacher", "organization", "nps", "comments")},
        "source": stamp})
    return _land(master.frame("feedback"), ["response_id"], rows, lambda old, new: np.ones(len(old), bool))
