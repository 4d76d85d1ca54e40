"""The Excel buttons. Each gets the calling book, runs one library operation, writes the result
back in whole ranges and shows one summary line. VBA in macros/ calls these through RunPython."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable
from typing import Any

import xlwings as xw

from trainbook import operations, process
from trainbook.errors import TrainbookError
from trainbook.i18n import message

TITLE = "trainbook"


def _run(operation: Callable[[Any], str], refresh: bool = True) -> None:
    """Run a button's operation on the calling book; every outcome ends in one alert, no traceback.
    With `refresh`, 首页's 待办 is worked out again afterwards (the run's own word comes first)."""
    process.begin()
    book = xw.Book.caller()
    try:
        text = operation(book)
        if refresh:
            with contextlib.suppress(TrainbookError):
                operations.todo(book)
    except TrainbookError as exc:
        text = exc.message
    except Exception as exc:  # a button must never drop the user into a Python traceback
        from trainbook.workbook.xlwings_engine import XlwingsEngine

        text = message("button-failed", XlwingsEngine(book).language(), detail=exc)
    book.app.alert(text, title=TITLE)
    gc.freeze()  # the process ends here: no last sweep of everything imported


def merge() -> None:
    """The 合并导入 button: merge what was pasted into the paste sheet, then clear it."""
    def run(book: Any) -> str:
        merged = operations.merge_pasted(book)
        return merged.summary(merged[0].lang) + message("paste-cleared", merged[0].lang)

    _run(run)


def progress() -> None:
    """The 计算进度 button: rewrite the progress sheet and show the headline figures."""
    _run(lambda book: operations.progress(book).summary().splitlines()[0])


def validate() -> None:
    """The 校验 button: validate the book, write the issues sheet and mark the cells."""
    _run(lambda book: operations.validate(book, annotate=True).summary(annotated=True))


def notices() -> None:
    """The 生成通知 button: rewrite the notices sheet with what is due today."""
    _run(lambda book: operations.notices(book).summary())


def send() -> None:
    """The 发送通知 button: the group digests to the robot named in the settings, then each personal
    notice to its own recipient (DingTalk work notice or e-mail) when an app or a mail account is set up."""
    _run(lambda book: "\n".join(run.summary() for run in operations.send_all(book)))


def certificates() -> None:
    """The 结业证书 button: certificate PDFs in a folder beside the workbook, codes on 证书."""
    _run(lambda book: operations.certificates(book).summary())


def qr() -> None:
    """The 签到二维码 button: the QR sheet, a page per session, and the PNGs beside the workbook."""
    _run(lambda book: operations.qr(book).summary())


def followup() -> None:
    """The 跟进名单 button: who has not finished, what they lack, what to offer."""
    _run(lambda book: operations.followup(book).summary())


def share() -> None:
    """The 管理层报表 button: the manager report, a new workbook beside this one."""
    _run(lambda book: operations.share(book).summary(), refresh=False)  # the report only reads the master
