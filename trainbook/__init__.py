"""trainbook: one master Excel workbook per DingTalk-run training program.

    import trainbook
    trainbook.init("program.xlsx")
    report = trainbook.validate("program.xlsx")
    report.ok, report.flatten()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported when first used: every button click and command starts a fresh Python, and most need
# only part of the library.
_WHERE = {
    "InputError": "trainbook.errors", "TrainbookError": "trainbook.errors", "WriteError": "trainbook.errors",
    "MergeResult": "trainbook.importers.merge", "MergeRun": "trainbook.importers.merge",
    "Progress": "trainbook.metrics", "Issue": "trainbook.validation", "Report": "trainbook.validation",
    "NoticeRun": "trainbook.notify", "ShareRun": "trainbook.report",
    **{name: "trainbook.operations" for name in ("buttons", "certificates", "init", "merge", "notices", "progress", "qr", "read",
                                                  "records", "send", "share", "validate")},
}

if TYPE_CHECKING:
    from trainbook.errors import InputError, TrainbookError, WriteError
    from trainbook.importers.merge import MergeResult, MergeRun
    from trainbook.metrics import Progress
    from trainbook.notify import NoticeRun
    from trainbook.operations import (
        buttons,
        certificates,
        init,
        merge,
        notices,
        progress,
        qr,
        read,
        records,
        send,
        share,
        validate,
    )
    from trainbook.report import ShareRun
    from trainbook.validation import Issue, Report


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'trainbook' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "InputError", "Issue", "MergeResult", "MergeRun", "NoticeRun", "Progress", "Report", "ShareRun", "TrainbookError",
    "WriteError",
    "buttons", "certificates", "init", "merge", "notices", "progress", "qr", "read", "records", "send", "share",
    "validate",
]
