"""What every network client of trainbook shares: https only (plain http to this computer alone),
no redirect followed, and a failure on the way said as a message, never as the address or the
text that was given (it may carry a token)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from trainbook.errors import InputError
from trainbook.i18n import MESSAGES, Lang, message

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def check_https(url: str, lang: Lang, key: str = "robot-not-https") -> None:
    """Refuse an address that is not https (plain http only to this computer) — saying its host,
    never any of the text given: it may be a token or a secret put in the wrong place."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return
    host = parts.hostname if parts.scheme in ("http", "https") and parts.hostname else message("robot-no-address", lang)
    raise InputError(message(key, lang, host=host))


class _Stay(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: a request signed for one address goes there or nowhere."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        return None


OPENER = urllib.request.build_opener(_Stay())


class Unreachable(Exception):
    """No answer: `key` is the message that says why (see NETWORK), or a short text."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def call(url: str, payload: dict[str, Any] | None = None, timeout: float = 10) -> Any:
    """GET `url` (or POST `payload` as JSON to it) and return the JSON answer; Unreachable if there
    is none — refused, timed out, redirected, an HTTP error or not JSON."""
    body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET",
                                     headers={"Content-Type": "application/json;charset=utf-8"})
    try:
        with OPENER.open(request, timeout=timeout) as response:  # https or loopback only, checked before
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise Unreachable("net-redirect" if 300 <= exc.code < 400 else f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:  # unreachable, dropped, timed out, not JSON
        raise Unreachable(why(getattr(exc, "reason", exc))) from None


NETWORK = {  # what went wrong on the way: the message that says it
    "ConnectionRefusedError": "net-refused", "gaierror": "net-no-host", "TimeoutError": "net-timeout",
    "timeout": "net-timeout", "RemoteDisconnected": "net-dropped", "ConnectionResetError": "net-dropped",
    "SSLCertVerificationError": "net-certificate", "SSLError": "net-tls", "JSONDecodeError": "net-not-dingtalk",
    "SMTPServerDisconnected": "net-dropped", "SMTPConnectError": "net-refused", "SMTPNotSupportedError": "net-tls",
    "SMTPHeloError": "net-not-mail", "SMTPResponseException": "net-not-mail",
}


def explain(key: str, lang: Lang) -> str:
    """What an Unreachable's key says, in words."""
    return message(key, lang) if key in MESSAGES else key


def why(reason: object) -> str:
    """A network failure as a message key (see NETWORK), or its own short text."""
    if isinstance(reason, str):
        return reason[:100]
    return NETWORK.get(type(reason).__name__, "net-failed")
