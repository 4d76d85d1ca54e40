"""trainbook: one master Excel workbook per DingTalk-run training program.

    import trainbook
    trainbook.init("program.xlsx")
    report = trainbook.validate("program.xlsx")
    report.ok, report.flatten(), report.to_frame()

The operations — the same as the command line's and the workbook's buttons; each takes a path,
an xlwings Book or an engine, and says what it did with `.summary()`:

{operations}

Errors that stop an operation raise TrainbookError (InputError: unusable input; WriteError: the
workbook cannot be written); findings about the data never raise.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

OPERATIONS: dict[str, str] = {  # name → what it does; help(trainbook) lists them
    "init": "a new, empty master workbook (.xlsx, or .xlsm with buttons)",
    "buttons": "a macro-enabled copy of a master, with a button per operation",
    "validate": "check every sheet; a Report, or Reports for a list of books (`.to_frame()`)",
    "merge": "DingTalk exports into the master: matched, placed, logged, never twice",
    "progress": "attendance, tasks, scores, risk and certificates per student",
    "notices": "the notices due, kept in the notices sheet",
    "send": "the pending notices to a DingTalk group robot",
    "send_private": "each pending personal notice to its own recipient: a DingTalk work notice or an e-mail",
    "qr": "a check-in QR code per session, and a sheet printing a page each",
    "certificates": "a certificate PDF for every student who completed the program",
    "share": "the manager report: a new workbook of figures only",
    "todo": "what needs doing now, by stage and owner, most urgent first (and on 首页)",
    "followup": "who has not finished, what they lack and what to offer (the 跟进 sheet, or a .csv)",
    "collect": "many programs into a DuckDB database and hive-partitioned Parquet, people joined across them",
    "next_program": "the next program's master from this one: the plan carried, the records left, retraining enrolled",
    "read": "every sheet of a master as a DataFrame (`.frame(\"scores\")`)",
    "records": "the valid rows of one sheet as pydantic models",
}
# Imported when first used: every button click and command starts a fresh Python, and most need
# only part of the library.
_WHERE = {
    "InputError": "trainbook.errors", "TrainbookError": "trainbook.errors", "WriteError": "trainbook.errors",
    "MergeResult": "trainbook.importers.merge", "MergeRun": "trainbook.importers.merge",
    "Progress": "trainbook.metrics", "Issue": "trainbook.validation", "Report": "trainbook.validation",
    "Reports": "trainbook.validation", "NoticeRun": "trainbook.notify", "ShareRun": "trainbook.report",
    **{name: "trainbook.operations" for name in OPERATIONS},
}

if TYPE_CHECKING:  # what the names above are, for type checkers (at run time each is imported when first used)
    from trainbook.errors import InputError, TrainbookError, WriteError  # noqa: F401
    from trainbook.importers.merge import MergeResult, MergeRun  # noqa: F401
    from trainbook.metrics import Progress  # noqa: F401
    from trainbook.notify import NoticeRun  # noqa: F401
    from trainbook.operations import (  # noqa: F401
        buttons,
        certificates,
        collect,
        followup,
        init,
        merge,
        next_program,
        notices,
        progress,
        qr,
        read,
        records,
        send,
        send_private,
        share,
        todo,
        validate,
    )
    from trainbook.report import ShareRun  # noqa: F401
    from trainbook.validation import Issue, Report, Reports  # noqa: F401


__doc__ = (__doc__ or "").replace("{operations}", "\n".join(f"    {name:13} {what}" for name, what in OPERATIONS.items()))


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'trainbook' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


__all__ = list(_WHERE)
