"""DingTalk work notices (工作通知) through an organisation's internal app: the token (reused for its
lifetime, fetched again once when refused), people found by mobile, one markdown message per call,
and the send result that says who DingTalk could not reach.

The AppSecret is a credential: it comes from the caller, the environment or the per-user accounts
file (`trainbook app add`), and is never printed, logged or written to a workbook.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainbook.errors import InputError
from trainbook.i18n import Lang, message
from trainbook.notify.accounts import account, save
from trainbook.notify.http import Unreachable, call, check_https, explain

API = "https://oapi.dingtalk.com"
ENV = {"appkey": "TRAINBOOK_DINGTALK_APPKEY", "appsecret": "TRAINBOOK_DINGTALK_APPSECRET",
       "agent_id": "TRAINBOOK_DINGTALK_AGENT_ID", "api": "TRAINBOOK_DINGTALK_API"}
MAX_MESSAGE = 2048  # bytes of the whole msg object DingTalk takes for a markdown message
PER_MINUTE = 1000  # calls: well inside DingTalk's 5,000 recipients a minute per app
BUSY_TRIES, BUSY_PAUSE = 4, 2.0  # errcode -1 (system busy): tries, and seconds between them
TOKEN_REFUSED = {40014, 42001, 40001, 88}  # an invalid or expired token (88: with a sub_code saying so)


@dataclass(frozen=True)
class App:
    """An internal app of the organisation, as the coordinator named it."""

    name: str
    appkey: str = field(repr=False)
    appsecret: str = field(repr=False)
    agent_id: int
    api: str = API


def find_app(lang: Lang, name: str | None = None, appkey: str | None = None, appsecret: str | None = None,
             agent_id: str | int | None = None) -> App | None:
    """The app to send work notices with — options first, then the environment, then the app saved
    under `name` — or None when none is given anywhere."""
    given = {"appkey": appkey or os.environ.get(ENV["appkey"]), "appsecret": appsecret or os.environ.get(ENV["appsecret"]),
             "agent_id": str(agent_id or os.environ.get(ENV["agent_id"]) or "")}
    if not any(given.values()) and not name:
        return None
    entry = account("apps", name, lang) if name and not given["appkey"] else {}
    key, secret = given["appkey"] or entry.get("appkey", ""), given["appsecret"] or entry.get("appsecret", "")
    agent = given["agent_id"] or entry.get("agent_id", "")
    label = name or message("app-given", lang)
    if not (key and secret and agent.isdigit()):
        raise InputError(message("app-incomplete", lang, name=label))
    api = (os.environ.get(ENV["api"]) or entry.get("api") or API).rstrip("/")
    check_https(api, lang, "app-not-https")
    return App(label, key, secret, int(agent), api)


def save_app(name: str, appkey: str, appsecret: str, agent_id: int, lang: Lang) -> Path:
    """Keep an app under `name` in the user's accounts file (readable by the owner only)."""
    return save("apps", name, {"appkey": appkey, "appsecret": appsecret, "agent_id": str(agent_id)}, lang)


class AppRefused(Exception):
    """DingTalk did not take a call: its errcode (None: no answer) and what it said."""

    def __init__(self, code: int | None, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


class WorkNotices:
    """A session with DingTalk's API for one app. The clock and the pause are injectable."""

    def __init__(self, app: App, lang: Lang, sleep: Callable[[float], None], timeout: float = 15) -> None:
        self.app, self.lang, self.sleep, self.timeout = app, lang, sleep, timeout
        self._token: str | None = None

    def start(self) -> None:
        """Get a token now: a wrong key or secret stops the run before anything is sent."""
        self._token = self._new_token()

    def userid(self, mobile: str) -> str | None:
        """The organisation's member with this mobile, or None when DingTalk knows nobody by it."""
        try:
            answer = self._call("/topapi/v2/user/getbymobile", {"mobile": mobile})
        except AppRefused as exc:
            if exc.code in (60121, 40104):
                return None
            raise self._stop(exc) from None
        result = answer.get("result") or {}
        return str(result["userid"]) if result.get("userid") else None

    def send(self, userid: str, title: str, text: str) -> int:
        """Queue one markdown message to one person; returns DingTalk's task id."""
        payload = {"agent_id": self.app.agent_id, "userid_list": userid,
                   "msg": {"msgtype": "markdown", "markdown": {"title": title, "text": text}}}
        try:
            answer = self._call("/topapi/message/corpconversation/asyncsend_v2", payload)
        except AppRefused as exc:
            raise self._stop(exc) from None
        return int(answer["task_id"])

    def unreachable(self, task_id: int) -> dict[str, str]:
        """userid → why DingTalk could not deliver the task to them (invalid, forbidden, failed)."""
        try:
            answer = self._call("/topapi/message/corpconversation/getsendresult",
                                {"agent_id": self.app.agent_id, "task_id": task_id})
        except AppRefused as exc:
            raise self._stop(exc) from None
        result = answer.get("send_result") or {}
        found: dict[str, str] = {}
        for key, why in (("invalid_user_id_list", "worknotice-invalid"), ("forbidden_user_id_list", "worknotice-forbidden"),
                         ("failed_user_id_list", "worknotice-failed")):
            found.update({str(user): message(why, self.lang) for user in result.get(key) or []})
        return found

    def _new_token(self) -> str:
        query = urllib.parse.urlencode({"appkey": self.app.appkey, "appsecret": self.app.appsecret})
        try:
            answer = call(f"{self.app.api}/gettoken?{query}", None, self.timeout)
        except Unreachable as exc:
            raise InputError(message("app-unreachable", self.lang, name=self.app.name,
                                     detail=explain(exc.key, self.lang))) from None
        if not isinstance(answer, dict) or answer.get("errcode") != 0 or not answer.get("access_token"):
            raise InputError(message("app-login", self.lang, name=self.app.name))
        return str(answer["access_token"])

    def _call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST with the token: a refused token is replaced once; system busy is tried again a few
        times with a pause; any other errcode is AppRefused."""
        renewed, tries = False, 0
        while True:
            if self._token is None:
                self._token = self._new_token()
            try:
                answer = call(f"{self.app.api}{path}?access_token={self._token}", payload, self.timeout)
            except Unreachable as exc:
                raise AppRefused(None, exc.key) from None
            code = answer.get("errcode") if isinstance(answer, dict) else None
            if code == 0:
                return answer  # type: ignore[no-any-return]  # a JSON object, checked above
            if code in TOKEN_REFUSED and not renewed and (code != 88 or "token" in str(answer.get("sub_msg", "")).lower()
                                                          or str(answer.get("sub_code")) in ("40014", "42001")):
                self._token, renewed = None, True
                continue
            if code == -1 and tries < BUSY_TRIES - 1:
                tries += 1
                self.sleep(BUSY_PAUSE * tries)
                continue
            detail = str(answer.get("errmsg", ""))[:200] if isinstance(answer, dict) else ""
            sub = str(answer.get("sub_code", "")) if isinstance(answer, dict) else ""
            raise AppRefused(code if isinstance(code, int) else None, f"{detail} {sub}".strip())

    def _stop(self, exc: AppRefused) -> InputError:
        """What a refusal that stops the run means, naming the app and what to check."""
        lang, name = self.lang, self.app.name
        if exc.code is None:
            return InputError(message("app-unreachable", lang, name=name, detail=explain(exc.detail, lang)))
        if exc.code == -1:
            return InputError(message("app-busy", lang, name=name))
        if exc.code == 88 and "60011" in exc.detail or exc.code == 60011:
            return InputError(message("app-permission", lang, name=name))
        if exc.code in TOKEN_REFUSED or exc.code == 40056:
            return InputError(message("app-login", lang, name=name))
        return InputError(message("app-other", lang, name=name, code=exc.code, detail=exc.detail))
