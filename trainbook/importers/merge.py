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
from trainbook.importers.identity import Roster, match_rows
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
from trainbook.workbook.engine import Engine
from trainbook.workbook.master import Master, append_rows, identify_sheets

BASE_SHEETS = ("enrollment", "groups", "sessions", "aliases", "settings", "review", "imports")
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
    lang: Lang = field(default="zh", repr=False)  # the workbook's, for messages about this result
    skipped_because: dict[str, int] = field(default_factory=dict, repr=False)  # reason → rows
    changed: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for internal in ("changed", "lang", "skipped_because"):
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
                       unchanged=self.unchanged)


class MergeRun(list[MergeResult]):
    """The results of one merge run, one per export, and what the run as a whole has to say."""

    def __init__(self, results: list[MergeResult] | None = None, settings_ignored: list[str] | None = None) -> None:
        super().__init__(results or [])
        self.settings_ignored = settings_ignored or []

    def summary(self, lang: Lang, dry_run: bool = False) -> str:
        lines = [r.summary(lang) for r in self]
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


def file_source(path: Path, lang: Lang, kind_key: str | None = None) -> Source:
    sheets = read_export(path, lang)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Source(path.name, digest, *_pick(path.name, sheets, kind_key, lang))


def pasted_source(rows: list[list[Any]], lang: Lang, kind_key: str | None = None) -> Source:
    name = "粘贴区" if lang == "zh" else "Paste"
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()
    return Source(name, digest, *_pick(name, [RawSheet("paste", rows)], kind_key, lang))


def _pick(name: str, sheets: list[RawSheet], kind_key: str | None, lang: Lang) -> tuple[ExportKind, ExportTable]:
    """The export's kind and table; the raw rows are consumed (large exports are large)."""
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
        return kind, max(tables, key=kind.score)
    found = detect(tables)
    if found is None:
        raise InputError(_unknown(name, tables, lang))
    return found


def _unknown(name: str, tables: list[ExportTable], lang: Lang) -> str:
    headers = listing(tables[0].headers[:8], lang) if tables else "—"
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
        elsewhere = pd.Index([])
    else:
        matched, unmatched = match_rows(Roster(master), evidence)
        if kind.target == "feedback":  # a response that names nobody is anonymous, not unknown
            nobody = unmatched[["name", "userid", "employee_no", "mobile"]].isna().all(axis=1)
            matched = pd.concat([matched, unmatched[nobody].drop(columns=["candidates", "reason"])])
            unmatched = unmatched[~nobody]
        outsiders = unmatched["reason"] == "not-in-program"  # another class's family: nothing to review
        elsewhere = unmatched.index[outsiders]
        review_rows.append(unmatched[~outsiders])
        counts, changed, unplaced, landed = land(master, kind, matched, stamp, settings, session, assessment,
                                                 source.digest)
        result.changed.update(changed)
        review_rows.append(unplaced)
    result.inserted, result.updated, result.unchanged = counts["inserted"], counts["updated"], counts["unchanged"]
    review = _review_frame(master, review_rows, kind, source, lang, now)
    _account(result, table.rows.index, evidence.index, landed,
             review["source_row"] if len(review) else pd.Series(dtype=int), kind, elsewhere)
    waiting = master.frame("review")
    if again and {"kind", "file", "student_id", "source_row"} <= set(waiting.columns):
        # its rows are worked out anew, so the old ones go — but not those a coordinator has filled in
        same = (waiting["kind"].map(kind_named) == kind) & (waiting["file"] == source.name)
        touched = same & waiting["student_id"].notna()
        waiting = waiting[~same | touched]
        if len(review):
            review = review[~review["source_row"].isin(set(waiting.loc[touched[~same | touched], "source_row"]))]
    if len(review) or len(waiting) != len(master.frame("review")):
        result.changed["review"] = pd.concat([waiting, review], ignore_index=True)
    result.changed["imports"] = pd.concat([imports, pd.DataFrame([{
        "imported_at": now or dt.datetime.now().replace(microsecond=0), "kind": kind.label(lang),
        "file": source.name, "sha256": source.digest, "rows": result.rows, "matched": result.matched,
        "inserted": result.inserted, "updated": result.updated, "unchanged": result.unchanged,
        "review": result.review}])], ignore_index=True)
    return result


def _account(result: MergeResult, rows: pd.Index, evidence: pd.Index, landed: pd.Index, reviewed: pd.Series,
             kind: ExportKind, elsewhere: pd.Index) -> None:
    """Every export row in exactly one place: landed (`matched`), queued for review, or skipped
    with its reason. A row with any evidence landed counts as landed."""
    landed_rows = set(landed)
    review_rows = set(reviewed.astype(int)) - landed_rows
    result.matched, result.review = len(landed_rows), len(review_rows)
    left = [r for r in rows if r not in landed_rows and r not in review_rows]
    result.skipped = len(left)
    if left:
        with_evidence, outsiders = set(evidence), set(elsewhere)
        empty = sum(r not in with_evidence for r in left)
        other_class = sum(r in outsiders and r in with_evidence for r in left)
        reasons = {kind.skip_reason(result.lang): empty, message("skip-other-class", result.lang): other_class,
                   message("skip-not-placed", result.lang): len(left) - empty - other_class}
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


def resolve_reviews(master: Master, settings: Any) -> dict[str, pd.DataFrame]:
    """Review rows where a coordinator filled in `student_id`: land their evidence for that student,
    remember the name as an alias, and take them off the review sheet."""
    review = master.frame("review")
    if not {"student_id", "payload", "kind"} <= set(review.columns):
        return {}
    chosen = values.text(review["student_id"])
    enrollment = master.frame("enrollment")
    students = set(values.text(enrollment["student_id"]).dropna()) if "student_id" in enrollment else set()
    unknown = chosen.notna() & ~chosen.isin(students)
    done = chosen.notna() & review["payload"].notna() & ~unknown
    if unknown.any():  # a typo stays on the sheet, saying why, instead of landing for nobody
        review = review.copy()
        review.loc[unknown, "note"] = [message("review-unknown-id", master.lang, student_id=sid) for sid in chosen[unknown]]
    if not done.any():
        return {"review": review} if unknown.any() else {}
    changed: dict[str, pd.DataFrame] = {}
    for kind_text, rows in review[done].groupby("kind"):
        kind = kind_named(kind_text)
        if kind is None or kind.target == "enrollment":
            continue
        evidence = pd.DataFrame([json.loads(p) for p in rows["payload"]], index=rows["source_row"].astype(int))
        for column in ("at", "joined_at", "day", "leave_from", "leave_to"):
            if column in evidence:
                evidence[column] = pd.to_datetime(evidence[column])
        evidence["student_id"] = chosen[rows.index].to_numpy()
        stamp = f"{kind.label(master.lang)}#{rows['file'].iloc[0]}"
        _, landed, _, _ = land(master, kind, evidence, stamp, settings)
        master.apply(landed)
        changed.update(landed)
    aliases = master.frame("aliases")
    known = set(values.text(aliases["alias"]).dropna()) if "alias" in aliases else set()
    note = "来自待确认" if master.lang == "zh" else "from Review"
    new = [{"alias": name, "student_id": sid, "note": note}
           for name, sid in zip(values.text(review.loc[done, "raw_name"]), chosen[done])
           if name and name not in known]
    new = list({a["alias"]: a for a in new}.values())
    if new:
        changed["aliases"] = append_rows(aliases, pd.DataFrame(new))
    changed["review"] = review[~done]
    master.apply(changed)
    return changed


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


def _review_frame(master: Master, parts: list[pd.DataFrame], kind: ExportKind, source: Source, lang: Lang,
                  now: dt.datetime | None) -> pd.DataFrame:
    rows = pd.concat([p for p in parts if len(p)], ignore_index=False) if any(len(p) for p in parts) else None
    if rows is None:
        return pd.DataFrame()
    reasons = REVIEW_REASONS[lang]
    payload_columns = [c for c in rows.columns if c not in ("candidates", "reason", "matched_by")]
    return pd.DataFrame({
        "imported_at": now or dt.datetime.now().replace(microsecond=0),
        "kind": kind.label(lang), "file": source.name, "source_row": rows.index.astype(int),
        "raw_name": rows.get("name"), "raw_department": rows.get("department"),
        "raw_account": rows.get("userid"), "reason": rows["reason"].map(reasons),
        "candidates": rows.get("candidates"), "student_id": None, "note": None,
        "payload": [json.dumps({k: _jsonable(v) for k, v in r.items()}, ensure_ascii=False)
                    for r in rows[payload_columns].to_dict("records")],
    }).reset_index(drop=True)


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
