"""Landing questionnaire responses: each on the session its survey's title and time name."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from trainbook.importers.landing.rows import Landed, put
from trainbook.policy.plan import session_plan
from trainbook.values import normalize
from trainbook.workbook.master import Master


def feedback_sessions(plan: pd.DataFrame, titles: pd.Series, submitted: pd.Series) -> pd.Series:
    """The session each response is about: the one whose title the survey's title names (the
    longest that it contains: （一） and （二） differ), and among sessions of that title — or among
    all, when none is named — the one held last before the response was submitted."""
    names = cast(dict[str, str], {sid: normalize(title) for sid, title in plan["title"].dropna().items() if normalize(title)})
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
        out.append(cast(str, held.idxmax()) if len(held) else None)
    return pd.Series(out, index=titles.index, dtype=object)


def land(master: Master, found: pd.DataFrame, stamp: str, digest: str) -> Landed:
    session = feedback_sessions(session_plan(master), found["title"], found["at"])
    rows = pd.DataFrame({
        "response_id": [f"R{digest[:6]}-{int(i)}" for i in found.index],
        "session_id": session, "student_id": found["student_id"], "submitted_at": found["at"],
        **{k: found[k] for k in ("overall", "content", "teacher", "organization", "nps", "comments")},
        "source": stamp})
    counts, frame = put(master.frame("feedback"), ["response_id"], rows, lambda old, new: np.ones(len(old), bool))
    return Landed(counts, {"feedback": frame}, found.index)
