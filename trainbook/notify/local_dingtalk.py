"""DingTalk's work-notice API on 127.0.0.1, answering as the real one does: a token for the app's
key and secret (expiring), users looked up by mobile in a directory, messages queued per AgentId
(the same text to the same person on one day silently dropped), and send results that name invalid
users. The demo sends its private notices to it; tests script its errors."""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trainbook.notify.local_http import LocalJsonServer

TOKEN_LIFETIME = 7200
MAX_MESSAGE = 2048  # bytes of the whole msg object, for text-like types


@dataclass
class Delivered:
    """One work notice as the recipient gets it."""

    userid: str
    title: str
    text: str
    at: float


@dataclass
class LocalDingTalk:
    """Use as a context manager; `url` is the API's base address. `directory` maps mobiles to
    userids (the organisation's members); `invalid` are userids getsendresult calls invalid;
    `answers` scripts the next answers of the send call (an errcode, e.g. -1 for system busy)."""

    appkey: str = "local-appkey"
    appsecret: str = "local-appsecret"
    agent_id: int = 1001
    directory: dict[str, str] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)
    answers: list[int] = field(default_factory=list)
    clock: Callable[[], float] = time.time
    delivered: list[Delivered] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)  # mobiles looked up, in order
    tokens_issued: int = 0
    url: str = ""

    def __post_init__(self) -> None:
        self._tokens: dict[str, float] = {}  # token → when it expires
        self._tasks: dict[int, list[str]] = {}  # task id → its recipients DingTalk could not reach
        self._lock = threading.Lock()
        self._server = LocalJsonServer(lambda method, path, body: self.answer(method, path, body))  # as patched

    def __enter__(self) -> LocalDingTalk:
        self.url = self._server.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.stop()

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (as after its lifetime)."""
        with self._lock:
            self._tokens.clear()

    def answer(self, method: str, path: str, body: bytes) -> dict[str, Any]:
        parts = urllib.parse.urlsplit(path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(parts.query).items()}
        with self._lock:
            if parts.path == "/gettoken" and method == "GET":
                return self._token(query)
            if self._tokens.get(query.get("access_token", ""), 0) <= self.clock():
                return {"errcode": 42001, "errmsg": "access_token expired"}
            try:
                request = json.loads(body.decode("utf-8")) if body else {}
            except ValueError:
                return {"errcode": 40035, "errmsg": "invalid parameter"}
            if parts.path == "/topapi/v2/user/getbymobile":
                return self._by_mobile(request)
            if parts.path == "/topapi/message/corpconversation/asyncsend_v2":
                return self._send(request)
            if parts.path == "/topapi/message/corpconversation/getsendresult":
                return self._result(request)
        return {"errcode": 404, "errmsg": "no such api"}

    def _token(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("appkey") != self.appkey or query.get("appsecret") != self.appsecret:
            return {"errcode": 40089, "errmsg": "invalid appkey or appsecret"}
        token = secrets.token_hex(16)
        self._tokens[token] = self.clock() + TOKEN_LIFETIME
        self.tokens_issued += 1
        return {"errcode": 0, "access_token": token, "expires_in": TOKEN_LIFETIME}

    def _by_mobile(self, request: dict[str, Any]) -> dict[str, Any]:
        mobile = str(request.get("mobile", ""))
        self.lookups.append(mobile)
        if not mobile.isdigit():
            return {"errcode": 40104, "errmsg": "mobile invalid"}
        if mobile not in self.directory:
            return {"errcode": 60121, "errmsg": "user not found"}
        return {"errcode": 0, "result": {"userid": self.directory[mobile]}, "request_id": secrets.token_hex(6)}

    def _send(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.answers:
            code = self.answers.pop(0)
            if code != 0:
                return {"errcode": code, "errmsg": "system busy" if code == -1 else "scripted"}
        if request.get("agent_id") != self.agent_id:
            return {"errcode": 40056, "errmsg": "invalid agentid"}
        msg = request.get("msg") or {}
        if len(json.dumps(msg, ensure_ascii=False).encode()) > MAX_MESSAGE:
            return {"errcode": 40035, "errmsg": "message too long"}
        markdown = msg.get("markdown") or {}
        users = [u for u in str(request.get("userid_list", "")).split(",") if u]
        task = len(self._tasks) + 1
        unreachable = []
        today = time.strftime("%Y-%m-%d", time.localtime(self.clock()))
        for user in users:
            if user in self.invalid:
                unreachable.append(user)
                continue
            same = [d for d in self.delivered if d.userid == user and d.text == markdown.get("text")
                    and time.strftime("%Y-%m-%d", time.localtime(d.at)) == today]
            if not same:  # the same text to the same person on one day is dropped without a word
                self.delivered.append(Delivered(user, str(markdown.get("title", "")), str(markdown.get("text", "")),
                                                self.clock()))
        self._tasks[task] = unreachable
        return {"errcode": 0, "task_id": task, "request_id": secrets.token_hex(6)}

    def _result(self, request: dict[str, Any]) -> dict[str, Any]:
        task = request.get("task_id")
        if request.get("agent_id") != self.agent_id or task not in self._tasks:
            return {"errcode": 40035, "errmsg": "invalid task"}
        return {"errcode": 0, "send_result": {
            "invalid_user_id_list": self._tasks[task], "forbidden_user_id_list": [], "failed_user_id_list": [],
            "read_user_id_list": [], "unread_user_id_list": [], "invalid_dept_id_list": []}}
