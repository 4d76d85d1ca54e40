"""Landing enrollment forms: new people become 待审核 students; a known mobile or DingTalk account
is the same person and is not added again."""

from __future__ import annotations

import pandas as pd

from trainbook import values
from trainbook.ids import next_ids
from trainbook.importers.identity import clean_name
from trainbook.importers.landing.rows import Landed
from trainbook.schema.columns import labels
from trainbook.schema.sheets import REVIEW_STATUS, STUDENT_STATUS
from trainbook.workbook.master import Master, append_rows


def land(master: Master, form: pd.DataFrame, stamp: str) -> Landed:
    """Every form row lands: as a new student, or as the known one it already is."""
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
        "enrolled_at": fresh["enrolled_at"].to_numpy(), "source": stamp,
        "review_status": labels(REVIEW_STATUS, master.lang)["pending"],
        "status": labels(STUDENT_STATUS, master.lang)["active"],
    })
    counts = {"inserted": len(rows), "updated": 0, "unchanged": int(known.sum())}
    return Landed(counts, {"enrollment": append_rows(existing, rows)}, form.index)
