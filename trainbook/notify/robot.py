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
import os
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
from trainbook.notify.accounts import account, save, saved
from trainbook.notify.http import Unreachable, call, check_https

PER_MINUTE = 20
ENV_WEBHOOK, ENV_SECRET = "TRAINBOOK_ROBOT_WEBHOOK", "TRAINBOOK_ROBOT_SECRET"


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
    check_https(webhook, lang)
    return save("robots", name, {"webhook": webhook, "secret": secret, "keyword": keyword}, lang)


def find_robot(lang: Lang, name: str | None = None, webhook: str | None = None, secret: str | None = None,
               keyword: str | None = None) -> Robot:
    """The robot to send with: options first, then the environment, then the robot saved under `name`."""
    entry: dict[str, str] = {}
    if name and not (webhook or os.environ.get(ENV_WEBHOOK)):
        entry = account("robots", name, lang)
    url = webhook or os.environ.get(ENV_WEBHOOK) or entry.get("webhook")
    if not url:
        raise InputError(message("robot-missing", lang))
    check_https(url, lang)
    return Robot(url, secret or os.environ.get(ENV_SECRET) or entry.get("secret") or "",
                 keyword or entry.get("keyword") or "")


def signed_url(robot: Robot, now_ms: int) -> str:
    """The webhook with DingTalk's signature for a message sent at `now_ms` (when there is a secret)."""
    if not robot.secret:
        return robot.webhook
    digest = hmac.new(robot.secret.encode(), f"{now_ms}\n{robot.secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{robot.webhook}&timestamp={now_ms}&sign={sign}"


class Pacer:
    """At most `per_minute` messages in any rolling minute: waits (with the given clock) when needed."""

    def __init__(self, clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
                 per_minute: int = PER_MINUTE) -> None:
        self.clock, self.sleep, self.per_minute = clock, sleep, per_minute
        self.sent: collections.deque[float] = collections.deque()

    def wait(self) -> None:
        now = self.clock()
        while self.sent and now - self.sent[0] >= 60:
            self.sent.popleft()
        if len(self.sent) >= self.per_minute:
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
    return [(name, Robot(entry.get("webhook", "")).host) for name, entry in saved("robots", lang).items()]
