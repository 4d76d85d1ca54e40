"""Where trainbook keeps the accounts it sends with — group robots, DingTalk apps, mail accounts —
for the person using it: a JSON file per kind in the user's config folder, readable by its owner
only, never inside a workbook. `trainbook robot add`, `app add` and `mail add` write them; the
settings sheet names an account, never its secrets."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Literal

from trainbook.errors import InputError
from trainbook.folders import user_folder
from trainbook.i18n import Lang, message

Kind = Literal["robots", "apps", "mail"]


def accounts_file(kind: Kind) -> Path:
    """The user's file of `kind` accounts: the config folder (APPDATA on Windows), never a workbook."""
    return user_folder("config") / f"{kind}.json"


def saved(kind: Kind, lang: Lang) -> dict[str, dict[str, str]]:
    """Every account of `kind`, by name."""
    path = accounts_file(kind)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(message("accounts-file-bad", lang, path=path, detail=type(exc).__name__)) from exc
    return {str(k): {str(f): str(v) for f, v in entry.items()} for k, entry in data.items()
            if isinstance(entry, dict)} if isinstance(data, dict) else {}


def save(kind: Kind, name: str, entry: dict[str, str], lang: Lang) -> Path:
    """Keep `entry` under `name` (replacing an account of that name), readable by the owner only."""
    if not name.strip():
        raise InputError(message("accounts-no-name", lang, kind=kind))
    path = accounts_file(kind)
    accounts = saved(kind, lang)
    accounts[name] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(accounts, fh, ensure_ascii=False, indent=2)
    if sys.platform != "win32":
        os.chmod(path, 0o600)
    return path


def account(kind: Kind, name: str, lang: Lang) -> dict[str, str]:
    """The account of `kind` saved under `name`; an InputError naming what is saved otherwise."""
    accounts = saved(kind, lang)
    if name not in accounts:
        raise InputError(message(f"{kind}-unknown", lang, name=name, path=accounts_file(kind)))
    return accounts[name]
