"""trainbook: one master Excel workbook per DingTalk-run training program.

    import trainbook
    trainbook.init("program.xlsx")
    report = trainbook.validate("program.xlsx")
    report.ok, report.flatten()
"""

from trainbook.api import init, read, records
from trainbook.errors import InputError, TrainbookError, WriteError
from trainbook.validation import Issue, Report, validate

__all__ = ["InputError", "Issue", "Report", "TrainbookError", "WriteError", "init", "read", "records", "validate"]
