"""Who is on the program, and which sessions apply to each of them."""

from __future__ import annotations

import pandas as pd

from trainbook.workbook.master import Master


def students(master: Master) -> pd.DataFrame:
    """Approved students who have not withdrawn, indexed by student_id."""
    frame = master.typed("enrollment")
    for column in ("name", "department", "group_id", "review_status", "status", "joined_on"):
        if column not in frame:
            frame[column] = None
    frame = frame.dropna(subset=["student_id"]).drop_duplicates("student_id")
    approved = frame["review_status"] == "approved"
    staying = frame["status"].fillna("active") != "withdrawn"
    return frame[approved & staying].set_index("student_id")


def recorded_by(frame: pd.DataFrame, column: str, day: pd.Timestamp) -> pd.DataFrame:
    """The rows recorded by the end of `day` by their time in `column` (a row without one counts
    as always there): a look back at an earlier day does not see what came after it."""
    if column not in frame:
        return frame
    return frame[~(frame[column] >= day + pd.Timedelta(days=1)).to_numpy()]


def applicable(people: pd.DataFrame, plan: pd.DataFrame, required_only: bool = True) -> pd.DataFrame:
    """(student_id, session_id, date, start_at, end_at) for every required session (or every
    session) that applies to a student: for everyone or the student's group, and on or after the
    day the student joined."""
    required = (plan[plan["required"] == "yes"] if required_only else plan).reset_index()
    pairs = people[["group_id", "joined_on"]].reset_index().merge(required, how="cross")
    for_group = [not gs or g in gs for g, gs in zip(pairs["group_id"], pairs["group_set"])]
    joined = pairs["joined_on"].isna() | (pairs["date"] >= pairs["joined_on"])
    return pairs[pd.Series(for_group, index=pairs.index) & joined][
        ["student_id", "session_id", "date", "start_at", "end_at"]]
