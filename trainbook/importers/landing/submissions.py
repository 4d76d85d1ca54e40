"""Landing homework: handed in, handed in late (after the task's due time) or missing, per task."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trainbook.i18n import message
from trainbook.importers.landing.rows import Landed, ids_by_title, names, put, same_choice
from trainbook.policy.plan import deadline
from trainbook.schema.columns import labels
from trainbook.schema.sheets import SUBMISSION_STATUS
from trainbook.workbook.master import Master


def land(master: Master, found: pd.DataFrame, stamp: str) -> Landed:
    what = message("what-task", master.lang)
    ids = ids_by_title(master, "tasks", "task_id", found["title"], None, what)
    tasks = master.typed("tasks")
    due = dict(zip(tasks["task_id"], deadline(tasks["due_at"]))) if "due_at" in tasks else {}
    found = found.assign(task_id=ids)
    late = found["at"].notna() & (found["at"] > found["task_id"].map(due))
    status = np.where(~found["done"].astype(bool), "missing", np.where(late, "late", "submitted"))
    label = labels(SUBMISSION_STATUS, master.lang)
    rows = pd.DataFrame({"task_id": found["task_id"], "student_id": found["student_id"],
                         "name": found["student_id"].map(names(master)),
                         "status": pd.Series(status, index=found.index).map(label),
                         "submitted_at": found["at"], "points": found.get("points"), "source": stamp})
    rows = rows.drop_duplicates(["task_id", "student_id"], keep="last")

    def same(old: pd.DataFrame, new: pd.DataFrame) -> np.ndarray:
        return same_choice(old["status"], new["status"], SUBMISSION_STATUS)

    counts, frame = put(master.frame("submissions"), ["task_id", "student_id"], rows, same)
    return Landed(counts, {"submissions": frame}, found.index)
