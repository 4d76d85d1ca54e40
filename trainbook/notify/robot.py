"""A DingTalk custom group robot (webhook): where its credentials come from, how a message is
signed (HMAC-SHA256 of the millisecond timestamp and the secret) and paced (20 messages a minute),
and what its answers mean (errcode 0: taken; anything else: refused, and why).

The webhook's access token and the secret are credentials: they are never printed, logged or
written to a workbook. They come from the caller, the environment, or a per-user file outside any
workbook that `trainbook robot add` writes.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainbook.errors import InputError
from trainbook.i18n import Lang, message
from trainbook.notify.http import Unreachable, call, check_https

PER_MINUTE = 20
ENV_WEBHOOK, ENV_SECRET = "TRAINBOOK_ROBOT_WEBHOOK", "TRAINBOOK_ROBOT_SECRET"


def robots_file() -> Path:
    """Where `trainbook robot add` keeps robots: the user's config folder, never a workbook."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "trainbook" / "robots.json"


@dataclass(frozen=True)
class Robot:
    webhook: str = field(repr=False)
    secret: str = field(default="", repr=False)
    keyword: str = ""

    @property
    def host(self) -> str:
        """What messages may say about the robot: its host, never its token."""
        return urllib.parse.urlsplit(self.webhook).hostname or "?"


def save_robot(name: str, webhook: str, secret: str, keyword: str, lang: Lang) -> Path:
    """Keep a robot under `name` in the user's robots file (readable by the owner only)."""
    if not name.strip():
        raise InputError(message("robot-no-name", lang))
    check_https(webhook, lang)
    path = robots_file()
    robots = _load(path, lang)
    robots[name] = {"webhook": webhook, "secret": secret, "keyword": keyword}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(robots, fh, ensure_ascii=False, indent=2)
    if sys.platform != "win32":
        os.chmod(path, 0o600)
    return path


def find_robot(lang: Lang, name: str | None = None, webhook: str | None = None, secret: str | None = None,
               keyword: str | None = None) -> Robot:
    """The robot to send with: options first, then the environment, then the robot saved under `name`."""
    saved: dict[str, str] = {}
    if name and not (webhook or os.environ.get(ENV_WEBHOOK)):
        robots = _load(robots_file(), lang)
        if name not in robots:
            raise InputError(message("robot-unknown", lang, name=name, path=robots_file()))
        saved = robots[name]
    url = webhook or os.environ.get(ENV_WEBHOOK) or saved.get("webhook")
    if not url:
        raise InputError(message("robot-missing", lang))
    check_https(url, lang)
    return Robot(url, secret or os.environ.get(ENV_SECRET) or saved.get("secret") or "",
                 keyword or saved.get("keyword") or "")


def _load(path: Path, lang: Lang) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(message("robot-file-bad", lang, path=path, detail=type(exc).__name__)) from exc
    return data if isinstance(data, dict) else {}


def signed_url(robot: Robot, now_ms: int) -> str:
    """The webhook with DingTalk's signature for a message sent at `now_ms` (when there is a secret)."""
    if not robot.secret:
        return robot.webhook
    digest = hmac.new(robot.secret.encode(), f"{now_ms}\n{robot.secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{robot.webhook}&timestamp={now_ms}&sign={sign}"


class Pacer:
    """At most PER_MINUTE messages in any rolling minute: waits (with the given clock) when needed."""

    def __init__(self, clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self.clock, self.sleep = clock, sleep
        self.sent: collections.deque[float] = collections.deque()

    def wait(self) -> None:
        now = self.clock()
        while self.sent and now - self.sent[0] >= 60:
            self.sent.popleft()
        if len(self.sent) >= PER_MINUTE:
            self.sleep(60 - (now - self.sent[0]))
            self.sent.popleft()
        self.sent.append(self.clock())


class RobotRefused(Exception):
    """The robot did not take a message: `code` is its errcode, or None when it could not be reached."""

    def __init__(self, code: int | None, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


def post(robot: Robot, payload: dict[str, Any], now_ms: int, timeout: float = 10) -> None:
    """Send one message; returns only when the robot answered errcode 0."""
    try:
        answer = call(signed_url(robot, now_ms), payload, timeout)
    except Unreachable as exc:
        raise RobotRefused(None, exc.key) from None
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        raise RobotRefused(code if isinstance(code, int) else -1, str(answer.get("errmsg", ""))[:200]
                           if isinstance(answer, dict) else "")


def saved_robots(lang: Lang) -> list[tuple[str, str]]:
    """The robots `trainbook robot add` saved: (name, host) — never their tokens or secrets."""
    return [(name, Robot(entry.get("webhook", "")).host) for name, entry in _load(robots_file(), lang).items()]
