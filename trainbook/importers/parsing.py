"""Every date, time and duration form DingTalk exports use, parsed column-wise."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from trainbook.values import EXCEL_EPOCH, SANE_YEARS, per_unique

NOT_PARTICIPATED = {"未参与", "无", "--", "-", "—", "未观看", "未入会", "not joined", "none", "n/a"}
TZ = "Asia/Shanghai"
_WEEKDAY = re.compile(r"(?:(?:星期|周|礼拜)[一二三四五六日天]|\((?:星期|周)[一二三四五六日天]\))$")
LONGEST = 48  # no date, time or duration is written longer: a longer text is none, read in no time
_SHIFT = re.compile(r"^(昨日|次日|前日|翌日)\s*")
_SHORT_YEAR = re.compile(r"^(\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?=$|\s)")
_TIME_ONLY = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")
_CN_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:天|d))?\s*(?:(\d+(?:\.\d+)?)\s*(?:小时|时|h))?\s*"
                          r"(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|min|m))?\s*(?:(\d+(?:\.\d+)?)\s*(?:秒|s))?$")
_HMS = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$")
FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y%m%d")


def _epoch(value: float) -> pd.Timestamp:
    unit = "ms" if value > 1e11 else "s"
    return pd.Timestamp(int(value), unit=unit, tz="UTC").tz_convert(TZ).tz_localize(None)




def _one(value: object) -> tuple[pd.Timestamp | None, pd.Timedelta | None]:
    """(moment, None) for a full date-time; (None, time of day) for a bare time; (None, None) for
    anything else — total: no value makes it raise, and no date outside SANE_YEARS comes out."""
    try:
        moment, offset = _read_one(value)
    except (ValueError, TypeError, OverflowError, ArithmeticError):
        return None, None
    if moment is not None and not SANE_YEARS[0] <= moment.year <= SANE_YEARS[1]:
        return None, None
    if offset is not None and abs(offset) > pd.Timedelta(days=2):
        return None, None
    return moment, offset


def _read_one(value: object) -> tuple[pd.Timestamp | None, pd.Timedelta | None]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None, None
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value), None
    if isinstance(value, dt.date):
        return pd.Timestamp(value), None
    if isinstance(value, dt.time):
        return None, pd.Timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value > 1e9:
            return _epoch(float(value)), None
        if 0 <= value < 1:
            return None, pd.Timedelta(seconds=round(value * 86400))
        if value < 2958466:
            return EXCEL_EPOCH + pd.Timedelta(days=float(value)), None
        return None, None
    text = str(value).strip()
    if not text or text in NOT_PARTICIPATED or len(text) > LONGEST:
        return None, None
    shift = 0
    if m := _SHIFT.match(text):
        shift = -1 if m.group(1) in ("昨日", "前日") else 1
        text = text[m.end():]
    text = _WEEKDAY.sub("", text).strip().replace("/", "-").replace(".", "-").replace("年", "-")
    text = text.replace("月", "-").replace("日", " ").strip()
    text = _SHORT_YEAR.sub(lambda m: f"20{m.group(1)}-{m.group(3)}-{m.group(4)}", text)
    if m := _TIME_ONLY.match(text):
        h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        return None, pd.Timedelta(days=shift, hours=h, minutes=mi, seconds=s)
    if text.isdigit() and len(text) in (10, 13):
        return _epoch(float(text)), None
    for fmt in FORMATS:
        try:
            return pd.Timestamp(dt.datetime.strptime(text, fmt)) + pd.Timedelta(days=shift), None
        except ValueError:
            continue
    try:
        return pd.Timestamp(text) + pd.Timedelta(days=shift), None
    except (ValueError, TypeError):
        return None, None


@per_unique
def moments(s: pd.Series) -> pd.Series:
    """Full date-times; bare times give NaT here (see `times_of_day`)."""
    return pd.Series([_one(v)[0] for v in s], index=s.index, dtype="datetime64[ns]")


@per_unique
def times_of_day(s: pd.Series) -> pd.Series:
    """Bare times ('9:03', '昨日 23:50' = −1 day + 23:50, 0.375) as offsets from midnight."""
    return pd.Series([_one(v)[1] for v in s], index=s.index, dtype="timedelta64[ns]")


def when(s: pd.Series, day: pd.Series | pd.Timestamp | None = None) -> pd.Series:
    """Date-times, with bare times placed on `day` (a column of dates or one date)."""
    full = moments(s)
    if day is not None:
        offsets = times_of_day(s)
        base = day if isinstance(day, pd.Series) else pd.Series(day, index=s.index)
        full = full.fillna(pd.to_datetime(base).dt.normalize() + offsets)
    return full


def _minutes(value: object) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute + value.second / 60
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 60
    text = str(value).strip().lower()
    if text in NOT_PARTICIPATED:
        return 0.0
    if len(text) > LONGEST:
        return np.nan
    if m := _HMS.match(text):
        h, mi, s = (float(g or 0) for g in m.groups())
        return h * 60 + mi + s / 60
    if (m := _CN_DURATION.match(text)) and any(m.groups()):
        d, h, mi, s = (float(g or 0) for g in m.groups())
        return d * 1440 + h * 60 + mi + s / 60
    try:
        return float(text)
    except ValueError:
        return np.nan


@per_unique
def minutes(s: pd.Series) -> pd.Series:
    """Durations in minutes: '0:32:41', '12分30秒', '1小时2分钟', numbers; '未参与'/'无'/'--' → 0."""
    return pd.Series([_minutes(v) for v in s], index=s.index, dtype=float)
