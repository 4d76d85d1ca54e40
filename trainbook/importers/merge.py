"""`merge`: DingTalk exports into the master — matched, placed, combined by policy, logged, and
idempotent. Nothing is guessed: what cannot be matched goes to the review sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from trainbook import clock, values
from trainbook.i18n import Lang, listing, message
from trainbook.importers.identity import PASSED_OVER, Roster, match_rows
from trainbook.importers.kinds import BY_KEY as KINDS
from trainbook.importers.kinds import ExportKind, kind_named
from trainbook.importers.landing import Landed, Landing, land, sheets_for
from trainbook.importers.review import Resolved, review_frame, review_ids
from trainbook.importers.sources import Source
from trainbook.policy.settings import ignored_note
from trainbook.schema.settings import Settings
from trainbook.workbook.engine import Engine
from trainbook.workbook.master import Master

BASE_SHEETS = ("enrollment", "groups", "sessions", "aliases", "settings", "review", "review_data", "imports")


@dataclass
class MergeResult:
    """What one export did to the master (what `merge --format json` prints): every export row is
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
    notes: list[str] = field(default_factory=list, repr=False)  # what else the merge has to say about the export
    known: int = field(default=0, repr=False)  # rows whose person is a student of the program
    strangers: int = field(default=0, repr=False)  # rows whose person is nobody's, or several students'
    changed: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for internal in ("changed", "lang", "skipped_because", "accounts", "notes", "known", "strangers"):
            data.pop(internal)
        return data

    def summary(self, lang: Lang | None = None) -> str:
        """One line: what was read and where every row went."""
        lang = lang or self.lang
        kind = KINDS[self.kind].label(lang) if self.kind in KINDS else self.kind
        if self.already_imported:
            return message("merge-already", lang, path=self.path)
        why = listing((message("counted", lang, label=reason, count=n) for reason, n in self.skipped_because.items()),
                      lang)
        line = message("merge-result", lang, path=self.path, kind=kind, rows=self.rows, matched=self.matched,
                       review=self.review, skipped=self.skipped, why=message("why", lang, why=why) if why else "",
                       inserted=self.inserted, updated=self.updated,
                       unchanged=self.unchanged, accounts=message("merge-review-accounts", lang, accounts=self.accounts)
                       if 0 < self.accounts < self.review else "")
        return "\n".join([line, *self.notes])


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
                                 records=self.resolved.records, aliases=self.resolved.aliases))
        if self.resolved.unknown:
            lines.append(message("review-unknown-ids", lang, rows=self.resolved.unknown))
        lines += [r.summary(lang) for r in self]
        if self.waiting:
            lines.append(message("merge-review-next", lang, accounts=self.waiting, new=sum(r.accounts for r in self)))
        if self.settings_ignored:
            lines.append(ignored_note(self.settings_ignored, lang))
        if dry_run:
            lines.append(message("dry-run", lang))
        return "\n".join(lines)


def merge_source(master: Master, source: Source, settings: Settings, session: str | None = None,
                 assessment: str | None = None, now: dt.datetime | None = None, again: bool = False) -> MergeResult:
    """Merge one export into `master` in memory; the changed sheets are in `result.changed`.

    A file imported before changes nothing, unless `again` lands its rows once more."""
    lang = master.lang
    imports = master.frame("imports")
    if not again and "sha256" in imports and source.digest in set(values.text(imports["sha256"]).dropna()):
        return MergeResult(source.name, _logged_kind(imports, source.digest), already_imported=True, lang=lang)
    kind, table = source.kind, source.table
    evidence = kind.read(table, lang)
    if table.generated_at is not None and "exported_at" in kind.gives.keys:
        evidence["exported_at"] = pd.Timestamp(table.generated_at)
    result = MergeResult(source.name, kind.key, rows=len(table.rows), lang=lang, notes=kind.notes(table, lang))
    how = Landing(kind.gives, f"{kind.label(lang)}#{source.digest[:8]}", settings, source.digest, session, assessment)
    review_rows: list[pd.DataFrame] = []
    elsewhere = pd.Series(dtype=object)
    if kind.gives.target == "enrollment":  # a form's people are whom it enrolls, not whom to match
        landed = land(master, evidence, how)
    else:
        matched, unmatched = match_rows(Roster(master), evidence)
        if kind.gives.target == "feedback":  # a response that names nobody is anonymous, not unknown
            nobody = unmatched[["name", "userid", "employee_no", "mobile"]].isna().all(axis=1)
            matched = pd.concat([matched, unmatched[nobody].drop(columns=["candidates", "reason"])])
            unmatched = unmatched[~nobody]
        outsiders = unmatched["reason"].isin(PASSED_OVER)  # another class's family, a teacher: nothing to review
        elsewhere = unmatched.loc[outsiders, "reason"].map(PASSED_OVER)
        review_rows.append(unmatched[~outsiders])
        result.known, result.strangers = matched.index.nunique(), int((~outsiders).sum())
        landed = land(master, matched, how)
    result.changed.update(landed.changed)
    result.inserted, result.updated, result.unchanged = (landed.counts[k] for k in ("inserted", "updated", "unchanged"))
    review, data = review_frame(review_rows, kind, source.name, lang, review_ids(master.frame("review"),
                                master.frame("review_data")), now)
    _account(result, table.rows.index, evidence.index, landed, data["source_row"], kind, elsewhere)
    waiting, waiting_data = master.frame("review"), master.frame("review_data")
    if again and {"kind", "file", "student_id", "review_id"} <= set(waiting.columns):
        # its rows are worked out anew, so the old ones go — but not those a coordinator has filled in
        same = (waiting["kind"].map(kind_named) == kind) & (waiting["file"] == source.name)
        touched = same & (waiting["student_id"].notna() | waiting.get("note", pd.Series(None, index=waiting.index)).notna())
        gone = set(values.text(waiting.loc[same & ~touched, "review_id"]).dropna())
        kept = set(values.text(waiting.loc[touched, "review_id"]).dropna())
        old_ids = values.text(waiting_data.get("review_id", pd.Series(dtype=object)))
        done_rows = set(waiting_data.loc[old_ids.isin(kept), "source_row"]) if len(waiting_data) else set()
        repeated = set(data.loc[data["source_row"].isin(done_rows), "review_id"])
        review, data = review[~review["review_id"].isin(repeated)], data[~data["review_id"].isin(repeated)]
        # a row worked out just as it waits keeps its place and number
        back = _waiting_alike(review, data, waiting[same & ~touched], waiting_data[old_ids.isin(gone)])
        kept_back = set().union(*back.values()) if back else set()
        review, data = review[~review["review_id"].isin(back)], data[~data["review_id"].isin(back)]
        waiting = waiting[~same | touched | values.text(waiting["review_id"]).isin(kept_back)]
        waiting_data = waiting_data[~old_ids.isin(gone - kept_back)]
    # records already waiting for a coordinator (the same export saved again under another name) wait once
    alike = _waiting_alike(review, data, waiting, waiting_data)
    review, data = review[~review["review_id"].isin(alike)], data[~data["review_id"].isin(alike)]
    result.accounts = len(review)
    if len(review) or len(waiting) != len(master.frame("review")):
        result.changed["review"] = pd.concat([waiting, review], ignore_index=True)
        result.changed["review_data"] = pd.concat([waiting_data, data], ignore_index=True)
    result.changed["imports"] = pd.concat([imports, pd.DataFrame([{
        "imported_at": now or clock.now(), "kind": kind.label(lang),
        "file": source.name, "sha256": source.digest, "rows": result.rows, "matched": result.matched,
        "inserted": result.inserted, "updated": result.updated, "unchanged": result.unchanged,
        "review": result.review}])], ignore_index=True)
    return result


def _waiting_alike(review: pd.DataFrame, data: pd.DataFrame, waiting: pd.DataFrame,
                   waiting_data: pd.DataFrame) -> dict[str, set[str]]:
    """New review rows (by id) whose records all wait already in `waiting`'s rows of the same export
    kind, each with the waiting rows that hold them."""
    if review.empty or waiting.empty or not {"review_id", "data"} <= set(waiting_data.columns):
        return {}
    holder = dict(zip(waiting_data["data"], values.text(waiting_data["review_id"])))
    kinds = dict(zip(values.text(waiting["review_id"]), waiting["kind"]))
    kind_of = dict(zip(review["review_id"], review["kind"]))
    found: dict[str, set[str]] = {}
    for review_id, records in data.groupby("review_id", sort=False)["data"]:
        holders = [holder.get(record) for record in records]
        if all(h is not None and kinds.get(h) == kind_of.get(review_id) for h in holders):
            found[str(review_id)] = {str(h) for h in holders}
    return found


def _account(result: MergeResult, rows: pd.Index, evidence: pd.Index, landed: Landed, reviewed: pd.Series,
             kind: ExportKind, elsewhere: pd.Series) -> None:
    """Every export row in exactly one place: landed (`matched`), queued for review, or skipped
    with its reason (`elsewhere`: rows passed over, with their reason's message key). A row with
    any evidence landed counts as landed."""
    landed_rows = pd.Index(landed.rows).unique()
    review_rows = pd.Index(reviewed.astype(int)).unique()
    review_rows = review_rows[~review_rows.isin(landed_rows)]
    result.matched, result.review = len(landed_rows), len(review_rows)
    left = rows[~rows.isin(landed_rows) & ~rows.isin(review_rows)]
    result.skipped = len(left)
    if len(left):
        with_evidence = left.isin(evidence)
        passed = pd.concat([elsewhere, landed.passed])
        passed = passed[~passed.index.duplicated()]
        reasons: dict[str, int] = {kind.skip_reason(result.lang): int((~with_evidence).sum())}
        why = passed.reindex(left[with_evidence]).fillna("skip-no-session")  # each row's reason, as a message key
        counts = why.value_counts()
        for key in pd.unique(why):  # in the order the rows give them
            reason = message(str(key), result.lang)
            reasons[reason] = reasons.get(reason, 0) + int(counts[key])
        result.skipped_because = {reason: n for reason, n in reasons.items() if n}


def refusal(result: MergeResult, kind: ExportKind) -> str | None:
    """Why an export should not be recorded as merged into this program (None: it may): nearly
    none of its people are the program's students, or — of attendance — none of its rows falls on
    one of its sessions. `--force` merges it all the same."""
    lang = result.lang
    if result.already_imported or kind.gives.target == "enrollment":
        return None
    people = result.known + result.strangers
    if people >= 5 and result.known * 10 < people:
        return message("merge-strangers", lang, path=result.path, known=result.known, rows=people)
    no_session = message("skip-no-session", lang)
    if kind.gives.target == "attendance" and result.known and not result.matched and \
            set(result.skipped_because) <= {no_session, kind.skip_reason(lang)} and no_session in result.skipped_because:
        return message("merge-no-session", lang, path=result.path, rows=result.skipped_because[no_session])
    return None


def _logged_kind(imports: pd.DataFrame, digest: str) -> str:
    hit = imports[values.text(imports["sha256"]) == digest]
    found = kind_named(hit["kind"].iloc[0]) if "kind" in hit and len(hit) else None
    return found.key if found else ""


def begin_reading(engine: Engine, kinds: Iterable[ExportKind] | None) -> Master:
    """The master a merge works on, being read (lazily) while the exports are: the roster and plan,
    the logs, and the target sheets of `kinds` — the kinds the exports most likely hold, or None
    when they are not known yet."""
    return engine.read(sorted(set(BASE_SHEETS) | _targets(kinds or [])), lazy=True)


def read_what_merging_needs(engine: Engine, master: Master, sources: list[Source], assessment: bool) -> None:
    """Add to `master` the sheets a merge of `sources` reads and may change — each export's target
    sheets and those of the exports waiting in the review sheet — and let go of those read for
    kinds the files turned out not to hold."""
    waiting = master.frame("review").get("kind", pd.Series(dtype=object)).dropna()
    needed = set(BASE_SHEETS) | _targets(s.kind for s in sources) | \
        _targets(found for k in set(waiting) if (found := kind_named(k))) | ({"assessments"} if assessment else set())
    engine.read_more(master, sorted(needed))
    for key in _targets(KINDS.values()) & (set(master.tables) - needed):
        del master.tables[key]


def _targets(kinds: Iterable[ExportKind]) -> set[str]:
    return {key for kind in kinds for key in sheets_for(kind.gives)}
