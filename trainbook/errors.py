"""Exceptions that mean "cannot continue". Findings about the data are never exceptions."""

from __future__ import annotations


class TrainbookError(Exception):
    """A problem the user must fix before the operation can run; carries the CLI exit code."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(TrainbookError):
    """Unusable input: unreadable, truncated, protected or unrecognisable file, or bad arguments."""

    exit_code = 2


class WriteError(TrainbookError):
    """The workbook cannot be written: open in Excel, read-only, or locked by another run."""

    exit_code = 3
