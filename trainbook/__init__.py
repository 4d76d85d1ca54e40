"""trainbook: one master Excel workbook per DingTalk-run training program.

    import trainbook
    trainbook.init("program.xlsx")
    report = trainbook.validate("program.xlsx")
    report.ok, report.flatten()
"""

from trainbook.api import init, read, records
from trainbook.errors import InputError, TrainbookError, WriteError
from trainbook.importers.merge import MergeResult, merge
from trainbook.progress import Progress, progress
from trainbook.validation import Issue, Report, validate

__all__ = [
    "InputError", "Issue", "MergeResult", "Progress", "Report", "TrainbookError", "WriteError", "init", "merge",
    "progress", "read", "records", "validate",
]
