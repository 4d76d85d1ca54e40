"""Every DingTalk export kind trainbook reads, and picking one for a table by its content."""

from __future__ import annotations

from trainbook.importers.kinds.base import ExportKind
from trainbook.importers.kinds.daily_stats import DailyStatsImporter
from trainbook.importers.kinds.enrollment_form import EnrollmentFormImporter
from trainbook.importers.kinds.exam import ExamImporter
from trainbook.importers.kinds.homework import HomeworkImporter
from trainbook.importers.kinds.leave import LeaveImporter
from trainbook.importers.kinds.live import LiveImporter
from trainbook.importers.kinds.meeting import MeetingImporter
from trainbook.importers.kinds.monthly_summary import MonthlySummaryImporter
from trainbook.importers.kinds.punch_grid import PunchGridImporter
from trainbook.importers.kinds.punch_records import PunchRecordsImporter
from trainbook.importers.kinds.questionnaire import QuestionnaireImporter
from trainbook.importers.kinds.signin import SigninImporter
from trainbook.importers.table import ExportTable

KINDS: tuple[ExportKind, ...] = (
    PunchRecordsImporter(), DailyStatsImporter(), PunchGridImporter(), MonthlySummaryImporter(),
    SigninImporter(), LiveImporter(), MeetingImporter(), LeaveImporter(), EnrollmentFormImporter(),
    ExamImporter(), HomeworkImporter(), QuestionnaireImporter(),
)
BY_KEY: dict[str, ExportKind] = {k.key: k for k in KINDS}
_BY_TEXT = {text: k for k in KINDS for text in (k.key, k.zh, k.en)}


def kind_named(text: object) -> ExportKind | None:
    """The kind a sheet names by its key or its label in either language (导入记录, 待确认)."""
    return _BY_TEXT.get(str(text).strip()) if text is not None else None


def detect(tables: list[ExportTable]) -> tuple[ExportKind, ExportTable] | None:
    """The best-scoring (kind, table) over every table found in an export, or None."""
    scored = [(kind.score(table), -i, kind, table) for table in tables
              for i, kind in enumerate(KINDS)]
    best = max(scored, key=lambda s: (s[0], s[1]), default=None)
    if best is None or best[0] <= 0:
        return None
    return best[2], best[3]


__all__ = ["BY_KEY", "KINDS", "ExportKind", "detect", "kind_named"]
