"""Checks across rows: duplicate ids and records, probable duplicate people, unknown references."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from trainbook import values
from trainbook.i18n import Lang, message
from trainbook.schema.columns import Sheet
from trainbook.schema.sheets import BY_KEY, SHEETS
from trainbook.uniques import distinct
from trainbook.validation.report import Finding
from trainbook.values import normalize
from trainbook.workbook.master import Master

UNKNOWN_CODE = {
    "enrollment": "unknown-student",
    "sessions": "unknown-session",
    "tasks": "unknown-task",
    "assessments": "unknown-assessment",
    "groups": "unknown-group",
}


def ids(master: Master, sheet: str) -> set[str] | None:
    """The ids declared in a sheet's id column, or None when the sheet or column is absent."""
    table = master.tables.get(sheet)
    id_column = BY_KEY[sheet].id_column
    if table is None or id_column is None or id_column not in table.frame:
        return None
    return set(values.text(table.frame[id_column]).dropna())


def _repeats(frame: pd.DataFrame, columns: list[str], column: str, code: str, sheet: str,
             shown: pd.Series, labelled: bool = False) -> Iterator[Finding]:
    """One finding per row whose `columns` repeat an earlier row's, naming the other rows (and,
    `labelled`, the repeated values joined: "C01 + S0001")."""
    key = np.zeros(len(frame), dtype=np.int64)
    complete = np.ones(len(frame), dtype=bool)
    for name in columns:  # one integer per key combination: hashing ints beats hashing tuples
        codes, uniques = pd.factorize(frame[name].to_numpy(dtype=object))
        complete &= codes >= 0
        key = key * (len(uniques) + 1) + codes + 1
    keys = pd.Series(key[complete], index=frame.index[complete])
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return
    groups = keys[dup].groupby(keys[dup], sort=False).groups
    rows, others, vals, labels = [], [], [], []
    for group in groups.values():
        members = sorted(group)
        for row in members[1:]:
            rows.append(row)
            others.append("、".join(str(r) for r in members if r != row))
            vals.append(shown[row])
            if labelled:
                labels.append(" + ".join(str(frame.at[members[0], name]) for name in columns))
    extra: dict[str, Sequence[object]] = {"other_rows": others, "key": labels} if labelled else {"other_rows": others}
    yield Finding(code, sheet, column, rows, vals, extra)


def check_duplicates(master: Master, sheet: Sheet) -> Iterator[Finding]:
    """duplicate-id and duplicate-record."""
    table = master.tables.get(sheet.key)
    if sheet.role == "generated" or table is None:
        return
    if sheet.id_column and sheet.id_column in table.frame:
        id_text = values.text(table.frame[sheet.id_column]).map(normalize, na_action="ignore")
        frame = pd.DataFrame({"id": id_text})
        yield from _repeats(frame, ["id"], sheet.id_column, "duplicate-id", sheet.key,
                            table.frame[sheet.id_column])
    if sheet.natural_key and all(k in table.frame for k in sheet.natural_key):
        frame = pd.DataFrame({k: values.text(table.frame[k]) for k in sheet.natural_key})
        last = sheet.natural_key[-1]
        yield from _repeats(frame, list(sheet.natural_key), last, "duplicate-record", sheet.key, frame[last],
                            labelled=True)


def check_possible_duplicates(master: Master) -> Iterator[Finding]:
    """possible-duplicate: the same mobile, DingTalk UserId, employee number, or name and
    department, under two student ids."""
    table = master.tables.get("enrollment")
    if table is None or "student_id" not in table.frame:
        return
    frame = table.frame
    student = values.text(frame["student_id"])
    lang = master.lang
    probes: list[tuple[str, list[str], pd.DataFrame]] = []
    if "mobile" in frame:
        probes.append(("mobile", [message("probe-mobile", lang)],
                       pd.DataFrame({"m": values.mobile(frame["mobile"])})))
    if "name" in frame and "department" in frame:
        probes.append(("name", [message("probe-name", lang)],
                       pd.DataFrame({"n": values.text(frame["name"]).map(normalize, na_action="ignore"),
                                     "d": values.text(frame["department"]).map(normalize, na_action="ignore")})))
    for column in ("dingtalk_userid", "employee_no"):
        if column in frame:  # said only for rows the mobile or name did not give away already
            probes.append((column, [message(f"probe-{column}", lang)], pd.DataFrame({"u": values.text(frame[column])})))
    # a row without an id yet is a student too: the same findings whether or not ids were assigned first
    who = student.where(student.notna(), pd.Series([f"#{r}" for r in frame.index], index=frame.index))
    reported: set[int] = set()
    for column, (what,), key_frame in probes:
        key = list(key_frame.columns)
        key_frame = key_frame.assign(student=who)
        keyed = key_frame[key_frame[key].notna().all(axis=1)]
        first = keyed.groupby(key, sort=False)["student"].transform("first")
        differs = keyed["student"] != first
        if column in ("dingtalk_userid", "employee_no"):
            differs &= ~keyed.index.isin(list(reported))
        if differs.any():
            rows = keyed.index[differs]
            reported.update(rows.tolist())
            yield Finding("possible-duplicate", "enrollment", column, rows.tolist(),
                          frame.loc[rows, column].tolist(),
                          {"other": [_student(o, lang) for o in first[differs]], "what": [what] * len(rows)})


def _student(label: str, lang: Lang) -> str:
    """'学员 S0013', or — for a row not yet given an id — '第 7 行的学员'."""
    if label.startswith("#"):
        return message("student-on-row", lang, row=label[1:])
    return message("student-labelled", lang, student=label)


def check_references(master: Master) -> Iterator[Finding]:
    """unknown-student, unknown-session, unknown-task, unknown-assessment, unknown-group."""
    known: dict[str, set[str] | None] = {}
    for sheet in SHEETS:
        table = master.tables.get(sheet.key)
        if sheet.role != "input" or table is None:
            continue
        for col in sheet.columns:
            if not col.refers_to or col.key not in table.frame:
                continue
            if col.refers_to not in known:
                known[col.refers_to] = ids(master, col.refers_to)
            allowed = known[col.refers_to]
            if allowed is None:
                continue
            raw = table.frame[col.key]
            if col.many:
                tokens = values.text(raw).str.split(values.LIST_SEPARATORS, regex=True).explode().dropna()
                tokens = tokens[tokens != ""]
                unknown = tokens[~tokens.isin(allowed)]
                shown = unknown
            else:  # each distinct value looked up once
                codes, distinct_values = distinct(raw.to_numpy(dtype=object))
                refs = values.text(pd.Series(distinct_values, dtype=object))
                stranger = (refs.notna() & ~refs.isin(allowed)).to_numpy()[codes]
                unknown = shown = raw[stranger]
            if len(unknown):
                target = master.tables[col.refers_to].name
                yield Finding(UNKNOWN_CODE[col.refers_to], sheet.key, col.key, unknown.index.tolist(),
                              shown.tolist(), {"target": [target] * len(unknown)})
