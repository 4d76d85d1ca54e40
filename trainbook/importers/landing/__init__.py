"""Landing matched evidence in the sheet its kind of evidence targets (schema/evidence.py), one
module per target sheet, each owning its step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from trainbook.importers.landing import attendance, enrollment, feedback, scores, submissions
from trainbook.importers.landing.rows import Landed
from trainbook.schema.evidence import Evidence, Target
from trainbook.schema.settings import Settings
from trainbook.workbook.master import Master


@dataclass(frozen=True)
class Landing:
    """What a landing step needs besides the rows: what kind of evidence they are, the source stamp
    written on each row, the program's settings, the export's fingerprint, and a session or
    assessment forced by option."""

    evidence: Evidence
    stamp: str
    settings: Settings
    digest: str = ""
    session: str | None = None
    assessment: str | None = None


STEPS: dict[Target, Callable[[Master, pd.DataFrame, Landing], Landed]] = {
    "attendance": lambda master, rows, how: attendance.land(master, rows, how.evidence, how.stamp, how.settings,
                                                            how.session),
    "enrollment": lambda master, rows, how: enrollment.land(master, rows, how.stamp),
    "scores": lambda master, rows, how: scores.land(master, rows, how.stamp, how.assessment),
    "submissions": lambda master, rows, how: submissions.land(master, rows, how.stamp),
    "feedback": lambda master, rows, how: feedback.land(master, rows, how.stamp, how.digest),
}


def land(master: Master, matched: pd.DataFrame, how: Landing) -> Landed:
    """Put matched evidence rows (one `student_id` each) into their evidence's target sheet."""
    if matched.empty:
        return Landed()
    return STEPS[how.evidence.target](master, matched, how)


def sheets_for(evidence: Evidence) -> tuple[str, ...]:
    """The sheets landing `evidence` reads and may change."""
    return (evidence.target, *evidence.reads)


__all__ = ["Landed", "Landing", "land", "sheets_for"]
