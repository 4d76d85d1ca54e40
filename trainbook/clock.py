"""The one clock: what day and time it is for every operation — the computer's, unless a caller
fixes it (`fixed`: tests, or a script that must work as of another moment). An operation's as-of
day is a `datetime.date`; left out, it is `today()`."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    """This moment, to the second."""
    return (_fixed or dt.datetime.now()).replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def seconds() -> float:
    """Seconds since the epoch, for spacing messages out (moves on even while the clock is fixed)."""
    return time.time()


@contextmanager
def fixed(moment: dt.datetime | dt.date) -> Iterator[None]:
    """Within the block, `now()` is `moment` (a day means its midnight)."""
    global _fixed
    before = _fixed
    _fixed = moment if isinstance(moment, dt.datetime) else dt.datetime.combine(moment, dt.time())
    try:
        yield
    finally:
        _fixed = before
