"""Turning raw cell values (as either engine or an export hands them over) into typed columns.

Every parser takes an object Series and returns a typed Series of the same index in which
values that could not be understood are missing; `invalid = present & parsed.isna()`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd

from trainbook.i18n import Lang
from trainbook.schema.columns import Choice, Column, Sheet
from trainbook.uniques import distinct

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
SANE_YEARS = (1900, 2200)  # what a training record can be dated; anything else is a typo or garbage
LAST_SERIAL = 109_574  # Excel's serial number of 2199-12-31
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S", "%Y.%m.%d %H:%M", "%Y年%m月%d日 %H:%M",
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
URL = re.compile(r"^https?://[^\s/?#]+\.[^\s]*$|^https?://(?:localhost|127\.0\.0\.1)(?::\d+)?(?:/\S*)?$", re.I)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_MOBILE_NOISE = re.compile(r"[\s\-－—()（）]")
_MOBILE_PREFIX = re.compile(r"^(?:\+?86|0086)(?=1\d{10}$)")
_NEGATIVE_FORMULA = re.compile(r"^-(?!\s*[\d.,]+%?$)(?!$)")  # a leading minus on anything but a plain number
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")
FORMULA_START = ("=", "+", "@", "\t", "\r")
LIST_SEPARATORS = r"[,，、;；\s]+"  # between the ids of a list cell, e.g. 适用分组 "G1，G2"


FEW = 64  # cells a parser runs over as they are: finding their distinct values would cost more


def per_unique(parse: Callable[..., pd.Series]) -> Callable[..., pd.Series]:
    """Run an element-wise parser once per distinct value and spread the results over the rows.

    Sheet columns repeat themselves (statuses, ids, dates, names), so this turns a Python-speed
    pass over 500,000 cells into one over their few thousand distinct values.
    """

    @functools.wraps(parse)
    def wrapper(s: pd.Series, *args: object) -> pd.Series:
        if len(s) < FEW:
            return parse(s.astype(object), *args)
        codes, table = distinct(s.to_numpy(dtype=object))
        result = parse(pd.Series(table, dtype=object), *args)
        return pd.Series(result.to_numpy()[codes], index=s.index, dtype=result.dtype)

    return wrapper


def per_value(dtype: type = object) -> Callable[[Callable[..., object]], Callable[..., pd.Series]]:
    """Make a parser of one cell value into one of a column, run once per distinct value: the
    cheap way for text-like columns, whatever their length."""

    def decorate(parse: Callable[..., object]) -> Callable[..., pd.Series]:
        @functools.wraps(parse)
        def wrapper(s: pd.Series, *args: object) -> pd.Series:
            cells = s.to_numpy(dtype=object)
            codes, table = distinct(cells) if len(cells) >= FEW else (slice(None), cells)
            results: np.ndarray = np.empty(len(table), dtype=dtype)
            results[:] = [parse(v, *args) for v in table]
            return pd.Series(results[codes], index=s.index, dtype=dtype)

        return wrapper

    return decorate


def _types(s: pd.Series) -> pd.Series:
    return s.map(type, na_action="ignore")


def _blank(value: object) -> bool:
    return value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and value != value)


def _text(value: object) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if type(value) in (int, float, np.int64, np.float64):
        number = float(value)  # type: ignore[arg-type]
        return str(int(number)) if number.is_integer() else str(number)
    return str(value) or None


def normalize(text: object) -> str:
    """Header and sheet-name matching key: NFKC, no whitespace, case-folded."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def given(value: object) -> bool:
    """Whether one cell value holds something other than blanks."""
    return not _blank(value) and (not isinstance(value, str) or value.strip() != "")


present = per_value(bool)(given)  # the cells of a column that hold something other than blanks


@per_value()
def text(value: object) -> str | None:
    """Cell values as trimmed text; whole numbers lose their '.0' (ids, mobiles typed as numbers)."""
    return _text(value)


@per_unique
def number(s: pd.Series) -> pd.Series:
    """Numbers, including numbers typed as text ('85', '85.5', '30%')."""
    kinds = _types(s)
    out = pd.to_numeric(s.where(kinds != str), errors="coerce").astype(float)
    strings = kinds == str
    if strings.any():
        raw = s[strings].str.strip().str.replace(",", "", regex=False)
        percent = raw.str.endswith("%")
        parsed = pd.to_numeric(raw.str.rstrip("%"), errors="coerce").astype(float)
        parsed[percent] = parsed[percent] / 100
        out[strings] = parsed
    bools = kinds == bool
    out[bools] = np.nan
    return cast(pd.Series, out.where(np.isfinite(out)))  # 'inf' and 1e400 are no amount of anything


@per_unique
def datetime(s: pd.Series, formats: tuple[str, ...] = DATETIME_FORMATS + DATE_FORMATS) -> pd.Series:
    """Date-times from datetime cells, Excel serial numbers and the usual written forms."""
    out: pd.Series = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    kinds = _types(s)
    stamps = kinds.isin([dt.datetime, dt.date, pd.Timestamp])
    if stamps.any():
        inside = [v if SANE_YEARS[0] <= v.year <= SANE_YEARS[1] else None for v in s[stamps]]
        out[stamps] = pd.to_datetime(pd.Series(inside, index=s.index[stamps], dtype=object), errors="coerce")
    numbers = kinds.isin([int, float, np.int64, np.float64])
    if numbers.any():
        serial = s[numbers].astype(float)
        plausible = serial.between(1, LAST_SERIAL)
        out[serial.index[plausible]] = EXCEL_EPOCH + pd.to_timedelta(serial[plausible], unit="D").dt.round("s")
    strings = s[kinds == str].str.strip()
    for fmt in formats:
        if strings.empty:
            break
        parsed = pd.to_datetime(strings, format=fmt, errors="coerce")
        ok = parsed.notna()
        sane = ok & parsed.dt.year.between(*SANE_YEARS)  # 9999-12-31 is a typo, and beyond what ns can hold
        out[parsed.index[sane]] = parsed[sane].astype("datetime64[ns]")
        strings = strings[~ok]
    return out


def date(s: pd.Series) -> pd.Series:
    """Dates (times of day dropped)."""
    return cast(pd.Series, datetime(s, DATE_FORMATS + DATETIME_FORMATS).dt.normalize())


@per_unique
def time_of_day(s: pd.Series) -> pd.Series:
    """Times of day as Timedeltas since midnight: time cells, day fractions, '9:00', '09:00:00'."""
    out: pd.Series = pd.Series(pd.NaT, index=s.index, dtype="timedelta64[ns]")
    kinds = _types(s)
    for kind in (dt.time, dt.datetime, pd.Timestamp):
        mask = kinds == kind
        if mask.any():
            out[mask] = [pd.Timedelta(hours=v.hour, minutes=v.minute, seconds=v.second) for v in s[mask]]
    deltas = kinds.isin([dt.timedelta, pd.Timedelta])
    if deltas.any():
        within = [v if dt.timedelta(0) <= v < dt.timedelta(days=1) else None for v in s[deltas]]
        out[deltas] = pd.to_timedelta(pd.Series(within, index=s.index[deltas], dtype=object))
    numbers = kinds.isin([int, float, np.int64, np.float64])
    if numbers.any():
        frac = s[numbers].astype(float)
        ok = frac.between(0, 1, inclusive="left")
        out[frac.index[ok]] = pd.to_timedelta(frac[ok] * 86400, unit="s").dt.round("s")
    strings = kinds == str
    if strings.any():
        parts = s[strings].str.strip().str.extract(_TIME).astype(float)
        ok = (parts[0] < 24) & (parts[1] < 60) & (parts[2].fillna(0) < 60)
        secs = parts[0] * 3600 + parts[1] * 60 + parts[2].fillna(0)
        out[secs.index[ok]] = pd.to_timedelta(secs[ok], unit="s")
    out[out >= pd.Timedelta(days=1)] = pd.NaT
    return out


@per_value()
def mobile(value: object) -> str | None:
    """Mainland mobile numbers with spaces, dashes and a +86/0086 prefix removed; None if not one."""
    digits = _MOBILE_PREFIX.sub("", _MOBILE_NOISE.sub("", _text(value) or ""))
    return digits if MOBILE.match(digits) else None


@per_value(bool)
def url_ok(value: object) -> bool:
    """A web address someone can open: http(s)://, a host, no spaces."""
    return bool(URL.match(_text(value) or ""))


@per_value(bool)
def email_ok(value: object) -> bool:
    return bool(EMAIL.match(_text(value) or ""))


@functools.cache
def _labels(choices: tuple[Choice, ...]) -> tuple[dict[str, str], dict[str, str]]:
    exact = {label: c.key for c in choices for label in (c.zh, c.en, c.key)}
    return exact, {normalize(label): key for label, key in exact.items()}


@per_value()
def choice(value: object, choices: tuple[Choice, ...]) -> str | None:
    """The choice key of each cell, accepting the label of either language; None if not allowed."""
    raw = _text(value)
    if raw is None:
        return None
    exact, normalized = _labels(choices)
    return exact.get(raw) or normalized.get(normalize(raw))


@per_value()
def meant_choice(value: object, choices: tuple[Choice, ...], lang: Lang) -> str | None:
    """The one label of `lang` a value that is no choice clearly means: one contains the other
    (通过 → 已通过), or they differ by a character (出席 → 出勤); None when nothing, or more than
    one, comes close."""
    raw = _text(value)
    if raw is None or choice(pd.Series([raw], dtype=object), choices).iloc[0] is not None:
        return None
    typed = normalize(raw)
    labels = {normalize(c.label(lang)): c.label(lang) for c in choices}
    near = [label for key, label in labels.items() if typed in key or key in typed]
    if not near:
        near = [labels[key] for key in difflib.get_close_matches(typed, list(labels), n=2, cutoff=0.5)]
    return near[0] if len(near) == 1 else None


def runs_as_formula(value: object) -> bool:
    """Whether a spreadsheet program would run this text as a formula if it were typed or pasted."""
    return isinstance(value, str) and (value.startswith(FORMULA_START) or bool(_NEGATIVE_FORMULA.match(value)))


formula_like = per_value(bool)(runs_as_formula)  # runs_as_formula over a column


def inert(value: object) -> object:
    """A value as it may be written where a person will open it: text that would run as a formula
    gets a leading apostrophe (as Excel shows such text typed in), anything else stays as it is."""
    return f"'{value}" if runs_as_formula(value) else value


def typed(frame: pd.DataFrame, sheet: Sheet) -> pd.DataFrame:
    """A sheet's rows with every declared column parsed to its type (choices as their keys);
    values that do not parse become missing. Columns the user added are kept as they are."""
    out: pd.DataFrame = frame.copy()
    for col in sheet.columns:
        if col.key not in out:
            continue
        raw = out[col.key]
        if col.kind in ("text", "id", "email", "url"):
            out[col.key] = text(raw)
        elif col.kind == "mobile":
            out[col.key] = mobile(raw)
        elif col.kind == "choice":
            parsed = choice(raw, col.choices)
            out[col.key] = parsed.fillna(col.default) if col.default else parsed
        elif col.kind == "date":
            out[col.key] = date(raw)
        elif col.kind == "datetime":
            out[col.key] = datetime(raw)
        elif col.kind == "time":
            out[col.key] = time_of_day(raw)
        else:
            out[col.key] = column_number(raw, col)
    return out


def column_number(raw: pd.Series, col: Column) -> pd.Series:
    """Numbers of a column; a percent column reads 30, '30%' and 0.3 all as 0.3."""
    parsed = number(raw)
    return as_share(parsed) if col.kind == "percent" else parsed


def as_share(parsed: pd.Series) -> pd.Series:
    """A percent column's numbers as shares: 30 becomes 0.3 ('30%' and 0.3 already are)."""
    return parsed.where(parsed.isna() | (parsed <= 1), parsed / 100)


def id_sets(s: pd.Series) -> pd.Series:
    """List cells ("G1，G2") as sets of ids; a blank cell is the empty set."""
    return s.fillna("").astype(str).str.split(LIST_SEPARATORS, regex=True).map(
        lambda ids: frozenset(i for i in ids if i))


def filled(template: str, **given: object) -> str:
    """A link template with its {names} filled in (names it does not know are left as they are)."""
    for name, value in given.items():
        template = template.replace(f"{{{name}}}", str(value))
    return template
