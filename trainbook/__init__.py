"""trainbook: one master Excel workbook per DingTalk-run training program.

    import trainbook
    trainbook.init("program.xlsx")
    report = trainbook.validate("program.xlsx")
    report.ok, report.flatten()
"""

from trainbook.errors import InputError, TrainbookError, WriteError
from trainbook.importers.merge import MergeResult, MergeRun
from trainbook.operations import init, merge, read, records, validate
from trainbook.operations import progress as _progress
from trainbook.progress import Progress
from trainbook.validation import Issue, Report

progress = _progress  # the operation, not the package trainbook.progress of the same name

__all__ = [
    "InputError", "Issue", "MergeResult", "MergeRun", "Progress", "Report", "TrainbookError", "WriteError", "init", "merge",
    "progress", "read", "records", "validate",
]
