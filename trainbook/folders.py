"""The user's own folders, outside every workbook: one for settings (the accounts trainbook sends
with), one for a cache it may lose at any time."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

# kind → (the variable that names it, its default under the home folder), on Windows and elsewhere
_WINDOWS = {"config": ("APPDATA", ("AppData", "Roaming")), "cache": ("LOCALAPPDATA", ("AppData", "Local"))}
_POSIX = {"config": ("XDG_CONFIG_HOME", (".config",)), "cache": ("XDG_CACHE_HOME", (".cache",))}


def user_folder(kind: Literal["config", "cache"]) -> Path:
    """trainbook's folder of `kind` for the person using it (APPDATA / LOCALAPPDATA on Windows,
    the XDG folders elsewhere)."""
    variable, default = (_WINDOWS if sys.platform == "win32" else _POSIX)[kind]
    return Path(os.environ.get(variable) or Path.home().joinpath(*default)) / "trainbook"
