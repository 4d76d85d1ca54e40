"""`merge`: DingTalk exports into the master — matched, placed, combined by policy, logged, and
idempotent. Nothing is guessed: what cannot be matched goes to the review sheet."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trainbook import values
from trainbook.errors import InputError
from trainbook.i18n import Lang, listing, message
from trainbook.ids import next_ids
from trainbook.importers.identity import PASSED_OVER, Roster, match_rows
from trainbook.importers.kinds import BY_KEY as KINDS
from trainbook.importers.kinds import KINDS as ALL_KINDS
from trainbook.importers.kinds import ExportKind, detect, kind_named
from trainbook.importers.reading import RawSheet, read_export
from trainbook.importers.sessions import assign, session_table, student_groups
from trainbook.importers.table import ExportTable, find_table
from trainbook.importers.upsert import (
    EnrollmentUpsert,
    upsert_attendance,
    upsert_feedback,
    upsert_scores,
    upsert_submissions,
)
from trainbook.policy.attendance import statuses
from trainbook.schema.columns import YES_NO, labels
from trainbook.schema.sheets import REVIEW, REVIEW_DATA
from trainbook.workbook.engine import Engine
from trainbook.workbook.master import Master, append_rows, identify_sheets

BASE_SHEETS = ("enrollment", "groups", "sessions", "aliases", "settings", "review", "review_data", "imports")
TARGET_SHEETS = {"attendance": ("attendance",), "scores": ("scores", "assessments"),
                 "submissions": ("submissions", "tasks"), "feedback": ("feedback",), "enrollment": ()}
REVIEW_REASONS = {
    "zh": {"unknown": "无匹配学员", "ambiguous": "多个候选学员", "no-session": "找不到对应课次"},
    "en": {"unknown": "no matching student", "ambiguous": "several candidates", "no-session": "no matching session"},
}


@dataclass
class MergeResult:
    """What one export did to the master (SPEC §3 `merge --format json`): every export row is
    counted once, `rows = matched + review + skipped`."""

    path: str
    kind: str
    rows: int = 0
    matched: int = 0
    skipped: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    review: int = 0
    already_imported: bool = False
    accounts: int = field(default=0, repr=False)  # review rows: the accounts those rows come from
    lang: Lang = field(default="zh", repr=False)  # the workbook's, for messages about this result
    skipped_because: dict[str, int] = field(default_factory=dict, repr=False)  # reason → rows
    changed: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for internal in ("changed", "lang", "skipped_because", "accounts"):
            data.pop(internal)
        return data

    def summary(self, lang: Lang | None = None) -> str:
        """One line: what was read and where every row went."""
        lang = lang or self.lang
        kind = KINDS[self.kind].label(lang) if self.kind in KINDS else self.kind
        if self.already_imported:
            return message("merge-already", lang, path=self.path)
        why = listing((f"{reason} {n}" if lang == "zh" else f"{reason}: {n}"
                       for reason, n in self.skipped_because.items()), lang)
        return message("merge-result", lang, path=self.path, kind=kind, rows=self.rows, matched=self.matched,
                       review=self.review, skipped=self.skipped, why=f"（{why}）" if lang == "zh" and why else
                       (f" ({why})" if why else ""), inserted=self.inserted, updated=self.updated,
                       unchanged=self.unchanged, accounts=message("merge-review-accounts", lang, accounts=self.accounts)
                       if 0 < self.accounts < self.review else "")


class MergeRun(list[MergeResult]):
    """The results of one merge run, one per export, and what the run as a whole has to say."""

    def __init__(self, results: list[MergeResult] | None = None, settings_ignored: list[str] | None = None,
                 resolved: Resolved | None = None, waiting: int = 0) -> None:
        super().__init__(results or [])
        self.settings_ignored = settings_ignored or []
        self.resolved = resolved or Resolved()
        self.waiting = waiting  # accounts on the review sheet after the run

    def summary(self, lang: Lang, dry_run: bool = False) -> str:
        lines = []
        if self.resolved.accounts:
            lines.append(message("review-resolved", lang, accounts=self.resolved.accounts,
                                 records=self.resolved.records))
        if self.resolved.unknown:
            lines.append(message("review-unknown-ids", lang, rows=self.resolved.unknown))
        lines += [r.summary(lang) for r in self]
        if self.waiting:
            lines.append(message("merge-review-next", lang, accounts=self.waiting))
        if self.settings_ignored:
            lines.append(message("settings-ignored", lang, keys=listing(self.settings_ignored, lang)))
        if dry_run:
            lines.append(message("dry-run", lang))
        return "\n".join(lines)


@dataclass
class Source:
    """An export to merge (a file, or rows pasted into the paste sheet), its kind and its table."""

    name: str
    digest: str
    kind: ExportKind
    table: ExportTable


def file_sources(path: Path, lang: Lang, kind_key: str | None = None) -> list[Source]:
    """The exports in a file: one for each of its sheets that holds a table of a known kind (a
    DingTalk workbook may hold several — 月度汇总, 打卡时间, 原始记录 — and every row of each
    counts). A sheet of a several-sheet file is named and logged as `file/sheet`."""
    sheets = read_export(path, lang)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    picked = _picks(path.name, sheets, kind_key, lang)
    if len(picked) == 1:
        return [Source(path.name, digest, *picked[0])]
    return [Source(f"{path.name}/{table.sheet}", hashlib.sha256(f"{digest}/{table.sheet}".encode()).hexdigest(),
                   kind, table) for kind, table in picked]


def pasted_source(rows: list[list[Any]], lang: Lang, kind_key: str | None = None) -> Source:
    name = "粘贴区" if lang == "zh" else "Paste"
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()
    return Source(name, digest, *_picks(name, [RawSheet("paste", rows)], kind_key, lang)[0])


def _picks(name: str, sheets: list[RawSheet], kind_key: str | None, lang: Lang) -> list[tuple[ExportKind, ExportTable]]:
    """The kind and table of every sheet that holds an export (with `kind_key`, every table that
    kind can read, else the one it reads best); the raw rows are consumed (large exports are large)."""
    found_sheets, _ = identify_sheets([s.name for s in sheets])
    if len(found_sheets) >= 5:
        raise InputError(message("export-is-master", lang, path=name))
    tables = []
    while sheets:
        sheet = sheets.pop(0)
        if (table := find_table(sheet.name, sheet.rows)) is not None:
            tables.append(table)
    if kind_key:
        kind = KINDS[kind_key]
        if not tables:
            raise InputError(_unknown(name, tables, lang))
        return [(kind, table) for table in tables if kind.score(table) > 0] or [(kind, max(tables, key=kind.score))]
    found = [pick for table in tables if (pick := detect([table])) is not None]
    if not found:
        raise InputError(_unknown(name, tables, lang))
    return found


def _unknown(name: str, tables: list[ExportTable], lang: Lang) -> str:
    headers = listing((h if len(h) <= 30 else h[:30] + "…" for h in tables[0].headers[:8]), lang) if tables else "—"
    kinds = listing((f"{k.label(lang)} ({k.key})" for k in ALL_KINDS), lang)
    return message("export-unknown-kind", lang, path=name, headers=headers, kinds=kinds)


def merge_source(master: Master, source: Source, settings: Any, session: str | None = None,
                 assessment: str | None = None, now: dt.datetime | None = None, again: bool = False) -> MergeResult:
    """Merge one export into `master` in memory; the changed sheets are in `result.changed`.

    A file imported before changes nothing, unless `again` lands its rows once more."""
    lang = master.lang
    imports = master.frame("imports")
    if not again and "sha256" in imports and source.digest in set(values.text(imports["sha256"]).dropna()):
        return MergeResult(source.name, _logged_kind(imports, source.digest), already_imported=True, lang=lang)
    kind, table = source.kind, source.table
    evidence = kind.evidence(table)
    result = MergeResult(source.name, kind.key, rows=len(table.rows), lang=lang)
    stamp = f"{kind.label(lang)}#{source.digest[:8]}"
    review_rows: list[pd.DataFrame] = []
    if kind.target == "enrollment":
        upsert = EnrollmentUpsert(master, stamp)
        counts, frame = upsert.apply(evidence)
        result.changed["enrollment"] = frame
        landed = evidence.index
        elsewhere = pd.Series(dtype=object)
    else:
        matched, unmatched = match_rows(Roster(master), evidence)
        if kind.target == "feedback":  # a response that names nobody is anonymous, not unknown
            nobody = unmatched[["name", "userid", "employee_no", "mobile"]].isna().all(axis=1)
            matched = pd.concat([matched, unmatched[nobody].drop(columns=["candidates", "reason"])])
            unmatched = unmatched[~nobody]
        outsiders = unmatched["reason"].isin(PASSED_OVER)  # another class's family, a teacher: nothing to review
        elsewhere = unmatched.loc[outsiders, "reason"].map(PASSED_OVER)
        review_rows.append(unmatched[~outsiders])
        counts, changed, unplaced, landed = land(master, kind, matched, stamp, settings, session, assessment,
                                                 source.digest)
        result.changed.update(changed)
        review_rows.append(unplaced)
    result.inserted, result.updated, result.unchanged = counts["inserted"], counts["updated"], counts["unchanged"]
    review, data = _review_frame(review_rows, kind, source.name, lang, _review_ids(master.frame("review"),
                                 master.frame("review_data")), now)
    _account(result, table.rows.index, evidence.index, landed, data["source_row"], kind, elsewhere)
    waiting, waiting_data = master.frame("review"), master.frame("review_data")
    if again and {"kind", "file", "student_id", "review_id"} <= set(waiting.columns):
        # its rows are worked out anew, so the old ones go — but not those a coordinator has filled in
        same = (waiting["kind"].map(kind_named) == kind) & (waiting["file"] == source.name)
        touched = same & (waiting["student_id"].notna() | waiting.get("note", pd.Series(None, index=waiting.index)).notna())
        gone = set(values.text(waiting.loc[same & ~touched, "review_id"]).dropna())
        kept = set(values.text(waiting.loc[touched, "review_id"]).dropna())
        waiting = waiting[~same | touched]
        old_ids = values.text(waiting_data.get("review_id", pd.Series(dtype=object)))
        done_rows = set(waiting_data.loc[old_ids.isin(kept), "source_row"]) if len(waiting_data) else set()
        waiting_data = waiting_data[~old_ids.isin(gone)]
        repeated = set(data.loc[data["source_row"].isin(done_rows), "review_id"])
        review, data = review[~review["review_id"].isin(repeated)], data[~data["review_id"].isin(repeated)]
    result.accounts = len(review)
    if len(review) or len(waiting) != len(master.frame("review")):
        result.changed["review"] = pd.concat([waiting, review], ignore_index=True)
        result.changed["review_data"] = pd.concat([waiting_data, data], ignore_index=True)
    result.changed["imports"] = pd.concat([imports, pd.DataFrame([{
        "imported_at": now or dt.datetime.now().replace(microsecond=0), "kind": kind.label(lang),
        "file": source.name, "sha256": source.digest, "rows": result.rows, "matched": result.matched,
        "inserted": result.inserted, "updated": result.updated, "unchanged": result.unchanged,
        "review": result.review}])], ignore_index=True)
    return result


def _account(result: MergeResult, rows: pd.Index, evidence: pd.Index, landed: pd.Index, reviewed: pd.Series,
             kind: ExportKind, elsewhere: pd.Series) -> None:
    """Every export row in exactly one place: landed (`matched`), queued for review, or skipped
    with its reason (`elsewhere`: rows passed over, with their reason's message key). A row with
    any evidence landed counts as landed."""
    landed_rows = set(landed)
    review_rows = set(reviewed.astype(int)) - landed_rows
    result.matched, result.review = len(landed_rows), len(review_rows)
    left = [r for r in rows if r not in landed_rows and r not in review_rows]
    result.skipped = len(left)
    if left:
        with_evidence = set(evidence)
        passed = elsewhere[~elsewhere.index.duplicated()]
        reasons: dict[str, int] = {kind.skip_reason(result.lang): sum(r not in with_evidence for r in left)}
        for r in left:
            if r in with_evidence:
                why = message(passed[r], result.lang) if r in passed.index else message("skip-not-placed", result.lang)
                reasons[why] = reasons.get(why, 0) + 1
        result.skipped_because = {reason: n for reason, n in reasons.items() if n}


def land(master: Master, kind: ExportKind, matched: pd.DataFrame, stamp: str, settings: Any,
         session: str | None = None, assessment: str | None = None, digest: str = "",
         ) -> tuple[dict[str, int], dict[str, pd.DataFrame], pd.DataFrame, pd.Index]:
    """Put matched evidence (one `student_id` per row) into its sheet. Returns the counts, the
    changed sheets, attendance rows no session fits (for review), and the export rows landed."""
    unplaced = pd.DataFrame()
    if matched.empty:
        return {"inserted": 0, "updated": 0, "unchanged": 0}, {}, unplaced, pd.Index([])
    landed = matched.index
    if kind.target == "attendance":
        placed, unplaced = assign(matched.assign(evidence=_evidence_kind(matched)), session_table(master),
                                  student_groups(master), settings, session)
        landed = pd.Index(placed["source_row"].unique())
        unplaced = unplaced.set_index("source_row").assign(reason="no-session", candidates="")
        found = statuses(placed.rename(columns={"name": "account"}), settings, master.lang)
        counts, frame = upsert_attendance(master, found, stamp)
    elif kind.target == "scores":
        counts, frame = upsert_scores(master, matched, stamp, assessment)
    elif kind.target == "submissions":
        counts, frame = upsert_submissions(master, matched, stamp)
    else:
        counts, frame = upsert_feedback(master, matched, stamp, digest)
    return counts, {kind.target: frame}, unplaced, landed


@dataclass
class Resolved:
    """What the review rows a coordinator filled in did: the sheets changed, accounts and records
    landed, and rows whose student id is not on the roster."""

    changed: dict[str, pd.DataFrame] = field(default_factory=dict)
    accounts: int = 0
    records: int = 0
    unknown: int = 0


def resolve_reviews(master: Master, settings: Any) -> Resolved:
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
        if kind is None or kind.target == "enrollment" or records.empty:
            continue
        evidence = pd.DataFrame([json.loads(p) for p in records["data"]], index=records["source_row"].astype(int))
        for column in ("at", "joined_at", "day", "leave_from", "leave_to"):
            if column in evidence:
                evidence[column] = pd.to_datetime(evidence[column])
        evidence["student_id"] = values.text(records["review_id"]).map(student_of).to_numpy()
        _, landed, unplaced, _ = land(master, kind, evidence, f"{kind.label(master.lang)}#{file}", settings)
        master.apply(landed)
        changed.update(landed)
        if len(unplaced):  # the student is known now, but no session fits: back for review, saying so
            again, again_data = _review_frame([unplaced], kind, str(file), master.lang, _review_ids(review, data))
            review, data = pd.concat([review, again], ignore_index=True), pd.concat([data, again_data])
    aliases = master.frame("aliases")
    known = set(values.text(aliases["alias"]).dropna()) if "alias" in aliases else set()
    note = "来自待确认" if master.lang == "zh" else "from Review"
    # the account she resolved; without one the name — unless the name is several students'
    shared = resolved.get("reason", pd.Series(None, index=resolved.index)) == REVIEW_REASONS[master.lang]["ambiguous"]
    names = values.text(resolved.get("raw_account", pd.Series(None, index=resolved.index))).fillna(
        values.text(resolved["raw_name"]).where(~shared))
    new = [{"alias": name, "student_id": sid, "note": note} for name, sid in zip(names, chosen[done])
           if name and name not in known]
    new = list({a["alias"]: a for a in new}.values())
    if new:
        changed["aliases"] = append_rows(aliases, pd.DataFrame(new))
    changed["review"], changed["review_data"] = review, data
    master.apply(changed)
    return Resolved(changed, accounts=len(student_of), records=int(data_ids.isin(set(student_of)).sum()),
                    unknown=int(unknown.sum()))


def _logged_kind(imports: pd.DataFrame, digest: str) -> str:
    hit = imports[values.text(imports["sha256"]) == digest]
    found = kind_named(hit["kind"].iloc[0]) if "kind" in hit and len(hit) else None
    return found.key if found else ""


def _evidence_kind(matched: pd.DataFrame) -> pd.Series:
    """What each attendance row attests: a punch, a day result, leave, or online watching."""
    kind = pd.Series("punch", index=matched.index, dtype=object)
    for column, name in (("day_status", "day"), ("leave_from", "leave"), ("online", "online")):
        if column in matched:
            kind[matched[column].notna()] = name
    return kind


def _review_ids(*frames: pd.DataFrame) -> pd.Series:
    return pd.concat([values.text(f.get("review_id", pd.Series(dtype=object))) for f in frames])


def _review_frame(parts: list[pd.DataFrame], kind: ExportKind, file: str, lang: Lang, taken: pd.Series,
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
    reasons = REVIEW_REASONS[lang]
    payload = [c for c in rows.columns if c not in ("candidates", "reason", "matched_by", "source_row")]
    review, data = [], []
    for review_id, (_, group) in zip(ids, groups):
        first = group.iloc[0]
        review.append({
            "imported_at": now or dt.datetime.now().replace(microsecond=0), "kind": kind.label(lang),
            "file": file, "raw_name": first["name"], "raw_department": first["department"],
            "raw_account": first["userid"], "reason": reasons[first["reason"]],
            "candidates": first.get("candidates"), "student_id": None, "note": None, "count": group["source_row"].nunique(),
            "source_rows": _row_ranges(group["source_row"], lang), "evidence": describe(group, lang),
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


WHEN = ("at", "joined_at", "day", "leave_from")
SAYS = {  # evidence column → how the review sheet names it
    "title": ("标题", "title"), "day_status": ("考勤结果", "day result"), "score": ("分数", "score"),
    "live_minutes": ("直播观看分钟", "live minutes"), "replay_minutes": ("回放观看分钟", "replay minutes"),
    "overall": ("总体评分", "overall rating"), "done": ("完成", "done"), "points": ("得分", "points"),
}


def describe(records: pd.DataFrame, lang: Lang) -> str:
    """What a few records of one account say, in a line: when, and their values."""
    parts = []
    when = next((records[c] for c in WHEN if c in records and records[c].notna().any()), None)
    if when is not None:
        times = pd.to_datetime(when.dropna()).sort_values()
        shown = [t.strftime("%Y-%m-%d" if t == t.normalize() else "%Y-%m-%d %H:%M") for t in (times.iloc[0], times.iloc[-1])]
        parts.append(shown[0] if shown[0] == shown[1] else f"{shown[0]} – {shown[1]}")
    for column, (zh, en) in SAYS.items():
        if column in records and records[column].notna().any():
            seen = list(dict.fromkeys(_shown(v, lang) for v in records[column].dropna()))
            more = "…" if len(seen) > 3 else ""
            parts.append(f"{zh if lang == 'zh' else en} {listing(seen[:3], lang)}{more}")
    return ("；" if lang == "zh" else "; ").join(parts)


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


def sheets_to_read(engine: Engine, sources: list[Source]) -> list[str]:
    """The sheets a merge of `sources` reads and may change: the roster and plan, the logs, and
    each export's target sheets — and those of the exports waiting in the review sheet."""
    wanted = set(BASE_SHEETS) | {key for s in sources for key in TARGET_SHEETS[s.kind.target]}
    waiting = engine.read(["review"]).frame("review").get("kind", pd.Series(dtype=object)).dropna()
    wanted |= {key for k in set(waiting) if (found := kind_named(k)) for key in TARGET_SHEETS[found.target]}
    return sorted(wanted)
