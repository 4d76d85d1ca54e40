"""The review sheet: what a merge could not be sure of waits there, one row per account of an
export, with its records kept in the hidden review-data sheet until a coordinator names the
student — then they land, and the account is remembered as an alias."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from trainbook import clock, values
from trainbook.i18n import Lang, clauses, listing, message
from trainbook.ids import next_ids
from trainbook.importers.identity import Roster, qualified
from trainbook.importers.kinds import ExportKind, kind_named
from trainbook.importers.landing import Landing, land
from trainbook.schema.columns import YES_NO, labels
from trainbook.schema.evidence import Evidence
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import REVIEW, REVIEW_DATA
from trainbook.workbook.master import Master, append_rows


@dataclass
class Resolved:
    """What the review rows a coordinator filled in did: the sheets changed, accounts and records
    landed, and rows whose student id is not on the roster."""

    changed: dict[str, pd.DataFrame] = field(default_factory=dict)
    accounts: int = 0
    records: int = 0
    unknown: int = 0
    aliases: int = 0


def resolve_reviews(master: Master, settings: Settings) -> Resolved:
    """Review rows where a coordinator filled in `student_id`: land all their records for that
    student — and those of the other review rows of the same DingTalk account —, remember the
    account (or, without one, the name) as an alias once, and take them off the review sheet.
    Records of review rows she deleted are let go."""
    review, data = master.frame("review"), master.frame("review_data")
    if not {"student_id", "review_id", "kind"} <= set(review.columns) or "review_id" not in data:
        return Resolved()
    chosen = values.text(review["student_id"])
    if "raw_account" in review:  # one account, one person: what she chose for it holds for its other rows
        accounts = values.text(review["raw_account"])
        by_account = dict(zip(accounts[chosen.notna() & accounts.notna()], chosen[chosen.notna() & accounts.notna()]))
        chosen = chosen.fillna(accounts.map(by_account))
    enrollment = master.frame("enrollment")
    students = set(values.text(enrollment["student_id"]).dropna()) if "student_id" in enrollment else set()
    unknown = chosen.notna() & ~chosen.isin(students)
    done = chosen.notna() & ~unknown
    data_ids = values.text(data["review_id"])
    orphans = ~data_ids.isin(set(values.text(review["review_id"]).dropna()))
    changed: dict[str, pd.DataFrame] = {}
    if unknown.any():  # a typo stays on the sheet, saying why, instead of landing for nobody
        review = review.copy()
        review.loc[unknown, "note"] = [message("review-unknown-id", master.lang, student_id=sid) for sid in chosen[unknown]]
        changed["review"] = review
    if orphans.any():
        changed["review_data"] = data[~orphans]
    if not done.any():
        master.apply(changed)
        return Resolved(changed, unknown=int(unknown.sum()))
    student_of = dict(zip(values.text(review.loc[done, "review_id"]), chosen[done]))
    waiting, data = data, data[~orphans & ~data_ids.isin(set(student_of))]
    resolved, review = review[done], review[~done]
    for (kind_text, file), rows in resolved.groupby(["kind", "file"]):
        kind = kind_named(kind_text)
        records = waiting[data_ids.isin(set(values.text(rows["review_id"])))]
        if kind is None or kind.gives.target == "enrollment" or records.empty:
            continue
        evidence = decoded(records, kind.gives)
        evidence["student_id"] = values.text(records["review_id"]).map(student_of).to_numpy()
        landed = land(master, evidence, Landing(kind.gives, f"{kind.label(master.lang)}#{file}", settings))
        master.apply(landed.changed)
        changed.update(landed.changed)
    aliases = master.frame("aliases")
    known = set(values.text(aliases["alias"]).dropna()) if "alias" in aliases else set()
    note = message("from-review", master.lang)
    new = [{"alias": alias, "student_id": sid, "note": note}
           for alias, sid in zip(remembered(resolved, Roster(master), master.lang), chosen[done])
           if alias and alias not in known]
    new = list({a["alias"]: a for a in new}.values())
    if new:
        changed["aliases"] = append_rows(aliases, pd.DataFrame(new))
    changed["review"], changed["review_data"] = review, data
    master.apply(changed)
    return Resolved(changed, accounts=len(student_of), records=int(data_ids.isin(set(student_of)).sum()),
                    unknown=int(unknown.sum()), aliases=len(new))


def remembered(resolved: pd.DataFrame, roster: Roster, lang: Lang) -> list[str | None]:
    """The alias that matches each resolved account next time: its DingTalk account; without one,
    its name — qualified by its department when the name is several students' or a student's of
    another department (None when the export gives nothing to tell them apart, or its department
    is several namesakes': such a name is never remembered)."""
    nothing = pd.Series(None, index=resolved.index, dtype=object)
    accounts = values.text(resolved.get("raw_account", nothing))
    names = values.text(resolved.get("raw_name", nothing))
    departments = values.text(resolved.get("raw_department", nothing))
    shared = resolved.get("reason", nothing).isin([message("review-ambiguous", lang), message("review-conflict", lang)])
    out: list[str | None] = []
    for account, name, department, several in zip(accounts, names, departments, shared):
        if isinstance(account, str):
            out.append(account)
        elif isinstance(name, str) and not several:
            out.append(name)
        else:
            tells_apart = isinstance(name, str) and isinstance(department, str) and roster.namesakes(name, department) < 2
            out.append(qualified(str(name), str(department)) if tells_apart else None)
    return out


def decoded(records: pd.DataFrame, evidence: Evidence) -> pd.DataFrame:
    """The evidence rows kept as JSON in the review-data sheet, typed again from their declaration."""
    frame: pd.DataFrame = pd.DataFrame([json.loads(p) for p in records["data"]], index=records["source_row"].astype(int))
    for column in evidence.of_type("datetime"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    return frame


def review_ids(*frames: pd.DataFrame) -> pd.Series:
    return cast(pd.Series, pd.concat([values.text(f.get("review_id", pd.Series(dtype=object))) for f in frames]))


def review_frame(parts: list[pd.DataFrame], kind: ExportKind, file: str, lang: Lang, taken: pd.Series,
                 now: dt.datetime | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What waits for a coordinator: one review row per account (and reason) of this export, with
    how many records it has, where they are and what they say; and the records themselves, for
    landing once she names the student."""
    data_columns = list(REVIEW_DATA.keys)
    if not any(len(p) for p in parts):
        return pd.DataFrame(columns=list(REVIEW.keys)), pd.DataFrame(columns=data_columns)
    rows = pd.concat([p for p in parts if len(p)])
    rows = rows.assign(source_row=rows.index.astype(int))
    for column in ("name", "department", "userid", "employee_no", "mobile"):
        if column not in rows:
            rows[column] = None
    account = ["reason", "name", "department", "userid", "employee_no", "mobile"]
    groups = rows.groupby([rows[c].astype(object).where(rows[c].notna(), "") for c in account], sort=False)
    ids = next_ids(taken, "R", groups.ngroups)
    payload = [c for c in rows.columns if c not in ("candidates", "reason", "matched_by", "source_row")]
    review, data = [], []
    for review_id, (_, group) in zip(ids, groups):
        first = group.iloc[0]
        review.append({
            "imported_at": now or clock.now(), "kind": kind.label(lang),
            "file": file, "raw_name": first["name"], "raw_department": first["department"],
            "raw_account": first["userid"], "reason": message(f"review-{first['reason']}", lang),
            "candidates": first.get("candidates"), "student_id": None, "note": None, "count": group["source_row"].nunique(),
            "source_rows": _row_ranges(group["source_row"], lang), "evidence": describe(group, kind.gives, lang),
            "review_id": review_id})
        data += [{"review_id": review_id, "source_row": row, "data": json.dumps(
            {k: _jsonable(v) for k, v in record.items()}, ensure_ascii=False)}
            for row, record in zip(group["source_row"], group[payload].to_dict("records"))]
    return pd.DataFrame(review), pd.DataFrame(data, columns=data_columns)


def _row_ranges(rows: pd.Series, lang: Lang) -> str:
    """Row numbers as ranges: 5、9、12–20."""
    numbers = sorted(set(int(r) for r in rows))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return listing((f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs), lang)


def describe(records: pd.DataFrame, evidence: Evidence, lang: Lang) -> str:
    """What a few records of one account say, in a line: when, and their values."""
    parts = []
    when = next((records[f.key] for f in evidence.fields
                 if f.dates and f.key in records and records[f.key].notna().any()), None)
    if when is not None:
        times = pd.to_datetime(when.dropna()).sort_values()
        shown = [t.strftime("%Y-%m-%d" if t == t.normalize() else "%Y-%m-%d %H:%M") for t in (times.iloc[0], times.iloc[-1])]
        parts.append(shown[0] if shown[0] == shown[1] else f"{shown[0]} – {shown[1]}")
    for said in evidence.fields:
        if said.zh and said.key in records and records[said.key].notna().any():
            seen = list(dict.fromkeys(_shown(v, lang) for v in records[said.key].dropna()))
            more = "…" if len(seen) > 3 else ""
            parts.append(f"{said.label(lang)} {listing(seen[:3], lang)}{more}")
    return clauses(parts, lang)


def _shown(value: Any, lang: Lang) -> str:
    if isinstance(value, (bool, np.bool_)):
        return labels(YES_NO, lang)["yes" if value else "no"]
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    return str(value)


def _jsonable(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value
