"""Landing exam results: each candidate's best attempt (in one export or over several), on the
assessment its title names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trainbook import values
from trainbook.i18n import message
from trainbook.importers.landing.rows import Landed, ids_by_title, names, put, same_number
from trainbook.workbook.master import Master


def land(master: Master, found: pd.DataFrame, stamp: str, assessment: str | None = None) -> Landed:
    what = message("what-assessment", master.lang)
    ids = ids_by_title(master, "assessments", "assessment_id", found["title"], assessment, what)
    best = found.assign(assessment_id=ids).sort_values("score").drop_duplicates(
        ["assessment_id", "student_id"], keep="last").sort_index()  # the best attempt counts
    rows = pd.DataFrame({"assessment_id": best["assessment_id"], "student_id": best["student_id"],
                         "name": best["student_id"].map(names(master)), "score": best["score"],
                         "graded_at": best["at"], "source": stamp})

    def same(old: pd.DataFrame, new: pd.DataFrame) -> np.ndarray:  # a lower retake in a later export keeps the best
        better = (values.number(old["score"]) >= values.number(new["score"])).to_numpy()
        return same_number(old["score"], new["score"]) | better

    counts, frame = put(master.frame("scores"), ["assessment_id", "student_id"], rows, same)
    return Landed(counts, {"scores": frame}, found.index)
