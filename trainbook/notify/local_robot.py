"""A custom robot on 127.0.0.1 that answers as DingTalk's does: it checks the signature and its
timestamp, the keyword, the size and the 20-messages-a-minute limit, and says errcode 0 only for a
message it takes. The demo sends to it (so the whole flow runs offline); tests script its answers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from trainbook.notify.local_http import LocalJsonServer
from trainbook.notify.robot import PER_MINUTE

MAX_BODY = 20_000


class LocalRobot:
    """Use as a context manager; `url` is its webhook, `received` the messages it accepted."""

    def __init__(self, secret: str = "", keyword: str = "", clock: Callable[[], float] = time.time,
                 answers: list[int | str] | None = None) -> None:
        self.secret, self.keyword, self.clock = secret, keyword, clock
        self.answers = list(answers or [])  # scripted answers, one per request: an errcode, or "drop"
        self.received: list[dict[str, Any]] = []
        self.accepted_at: list[float] = []
        self.requests = 0
        self.url = ""
        self._server = LocalJsonServer(lambda method, path, body: self.answer(path, body))

    def __enter__(self) -> LocalRobot:
        self.url = self._server.start() + "/robot/send?access_token=local-token"
        return self

    def __exit__(self, *_: object) -> None:
        self._server.stop()

    def answer(self, path: str, body: bytes) -> dict[str, Any] | None:
        self.requests += 1
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        if query.get("access_token") != ["local-token"]:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        if self.secret:
            stamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
            if not stamp.isdigit() or abs(int(stamp) - self.clock() * 1000) > 3_600_000:
                return {"errcode": 310000, "errmsg": "invalid timestamp"}
            digest = hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256).digest()
            if sign != base64.b64encode(digest).decode():  # parse_qs has undone the URL encoding once
                return {"errcode": 310000, "errmsg": "sign not match"}
        if self.answers:
            scripted = self.answers.pop(0)
            if scripted == "drop":
                return None
            if scripted != 0:
                return {"errcode": scripted, "errmsg": "scripted"}
        if len(body) > MAX_BODY:
            return {"errcode": 460101, "errmsg": "message too long"}
        payload = json.loads(body.decode("utf-8"))
        text = json.dumps(payload, ensure_ascii=False)
        if self.keyword and self.keyword not in text:
            return {"errcode": 310000, "errmsg": "keywords not in content"}
        now = self.clock()
        if sum(now - t < 60 for t in self.accepted_at) >= PER_MINUTE:
            return {"errcode": 130101, "errmsg": "send too fast"}
        self.accepted_at.append(now)
        self.received.append(payload)
        return {"errcode": 0, "errmsg": "ok"}
