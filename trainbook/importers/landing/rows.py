"""Putting rows into a master's input sheet: insert what is new, update what changed, leave the
rest (and every row whose source is 手工) exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from trainbook import values
from trainbook.errors import InputError
from trainbook.i18n import listing, message
from trainbook.importers.identity import clean_name
from trainbook.schema.columns import Choice
from trainbook.schema.sheets import MANUAL_SOURCE
from trainbook.values import normalize
from trainbook.workbook.master import Master, append_rows

Counts = dict[str, int]
NOTHING: Counts = {"inserted": 0, "updated": 0, "unchanged": 0}
MANUAL = {normalize(MANUAL_SOURCE.zh), normalize(MANUAL_SOURCE.en), MANUAL_SOURCE.key}


@values.per_unique
def _is_manual(source: pd.Series) -> pd.Series:
    return values.text(source).map(normalize, na_action="ignore").isin(MANUAL)


def manual(frame: pd.DataFrame) -> pd.Series:
    """Rows whose source is 手工: the coordinator's own word, never overwritten."""
    if "source" not in frame:
        return pd.Series(False, index=frame.index)
    return _is_manual(frame["source"]).astype(bool)


def names(master: Master) -> dict[str, str]:
    enrollment = master.frame("enrollment")
    if not {"student_id", "name"} <= set(enrollment.columns):
        return {}
    return dict(zip(values.text(enrollment["student_id"]), enrollment["name"]))


def _keyed(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    parts = [values.text(frame[c]).fillna("") if c in frame else pd.Series("", index=frame.index)
             for c in columns]
    # cast: pandas-stubs' str.cat takes no list of Series
    return parts[0].str.cat(cast(Any, parts[1:]), sep="\x1f") if len(parts) > 1 else parts[0]


def put(existing: pd.DataFrame, key_columns: list[str], new: pd.DataFrame,
          same: Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]) -> tuple[Counts, pd.DataFrame]:
    """Insert rows of `new` whose key is absent; update non-manual rows where `same(old, new)`
    (row-aligned frames) is False, keeping what they hold where `new` has nothing; count the rest
    as unchanged. All column-wise, no row loop."""
    existing = existing.copy()
    for column in new.columns:
        if column not in existing:
            existing[column] = None
    first = pd.Series(existing.index, index=_keyed(existing, key_columns).to_numpy())
    first = first[~first.index.duplicated()]
    at = _keyed(new, key_columns).map(first)
    found = at.notna().to_numpy()
    targets = at[found].astype(np.int64).to_numpy()
    old, incoming = existing.loc[targets].reset_index(drop=True), new[found].reset_index(drop=True)
    keep = (manual(existing).loc[targets].to_numpy()  # type: ignore[index]  # pandas-stubs: Series.loc takes no int array
            | (same(old, incoming) if len(old) else np.zeros(0, bool)))
    changes = new[found][~keep].to_numpy(dtype=object)
    before = existing.loc[targets[~keep], list(new.columns)].to_numpy(dtype=object)
    blank = pd.isna(changes)
    changes[blank] = before[blank]  # an import fills cells, it never empties one (a coordinator's 备注)
    existing.loc[targets[~keep], list(new.columns)] = changes
    counts = {"inserted": int((~found).sum()), "updated": int((~keep).sum()), "unchanged": int(keep.sum())}
    return counts, append_rows(existing, new[~found])


def same_choice(old: pd.Series, new: pd.Series, choices: tuple[Choice, ...]) -> np.ndarray:
    a, b = values.choice(old.astype(object), choices), values.choice(new.astype(object), choices)
    return ((a == b) | (a.isna() & b.isna())).to_numpy()


def same_time(old: pd.Series, new: pd.Series) -> np.ndarray:
    a, b = _moments(old), _moments(new)
    close = (a - b).abs() < pd.Timedelta(seconds=1)
    return cast(np.ndarray, (close.fillna(False) | (a.isna() & b.isna())).to_numpy())


def _moments(s: pd.Series) -> pd.Series:
    """Date-times of a column: as they are when already typed (evidence), parsed when raw (a sheet's cells)."""
    return s if pd.api.types.is_datetime64_any_dtype(s) else values.datetime(s.astype(object))


def same_number(old: pd.Series, new: pd.Series) -> np.ndarray:
    a, b = values.number(old.astype(object)), values.number(new.astype(object))
    return (((a - b).abs() < 0.05) | (a.isna() & b.isna())).to_numpy()


def ids_by_title(master: Master, sheet: str, id_column: str, titles: pd.Series, forced: str | None,
              what: str) -> pd.Series:
    """Map export titles to ids of `sheet` by title (equal, or one containing the other)."""
    frame = master.frame(sheet)
    ids = values.text(frame[id_column]) if id_column in frame else pd.Series(dtype=object)
    if forced is not None:  # merge checked it names a row of the sheet before anything was read
        return pd.Series(forced, index=titles.index)
    known = {normalize(clean_name(t)): i for t, i in zip(frame.get("title", pd.Series(dtype=object)), ids) if t}
    out = {}
    for title in titles.dropna().unique():
        key = normalize(clean_name(title))
        hits = {i for t, i in known.items() if key and (t == key or t in key or key in t)}
        if len(hits) != 1:
            fix = message("title-fix-assessment" if sheet == "assessments" else "title-fix-task", master.lang)
            raise InputError(message("title-unknown", master.lang, title=title, what=what, fix=fix,
                                     known=listing((f"{i} {t}" for t, i in known.items()), master.lang)))
        out[title] = hits.pop()
    return titles.map(out)




@dataclass
class Landed:
    """What landing one export's matched evidence did: the counts, the changed sheets, the export
    rows that landed, and rows passed over with the message key of their reason (no session that
    day, a day DingTalk says is not one to attend, a session not over when the file was exported)."""

    counts: Counts = field(default_factory=lambda: dict(NOTHING))
    changed: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows: pd.Index = field(default_factory=lambda: pd.Index([]))
    passed: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
