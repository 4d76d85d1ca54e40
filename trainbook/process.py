"""What a process that is trainbook's own — a command, a button's click — sets before its work;
never set for a program that imports trainbook as a library."""

from __future__ import annotations

import os


def begin() -> None:
    """pydantic looks for other packages' plugins by reading every installed package's metadata,
    tens of milliseconds at each start; none has anything to watch in trainbook's own process."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
