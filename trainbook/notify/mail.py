"""E-mail notices through the organisation's mail server: one UTF-8 message per notice, a Chinese
display name in From, STARTTLS or SSL with a login (plain SMTP only to this computer). The password
is a credential: it comes from the caller, the environment or the per-user accounts file, and is
never printed or written anywhere else."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from types import TracebackType
from typing import Literal

from trainbook.errors import InputError
from trainbook.i18n import Lang, message
from trainbook.notify.accounts import account, save
from trainbook.notify.http import LOOPBACK, explain, why

Tls = Literal["starttls", "ssl", "none"]
TLS: tuple[Tls, ...] = ("starttls", "ssl", "none")
ENV = {"host": "TRAINBOOK_SMTP_HOST", "port": "TRAINBOOK_SMTP_PORT", "user": "TRAINBOOK_SMTP_USER",
       "password": "TRAINBOOK_SMTP_PASSWORD", "sender": "TRAINBOOK_SMTP_FROM", "tls": "TRAINBOOK_SMTP_TLS"}
PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class MailAccount:
    """Where and as whom e-mail notices are sent."""

    name: str  # what the coordinator calls it (trainbook mail add NAME); shown in messages
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    sender: str  # the From address
    tls: Tls = "starttls"
    display: str = ""  # the From display name (the organizer, or the program)


def find_mail(lang: Lang, name: str | None = None, display: str = "") -> MailAccount | None:
    """The mail account to send with — the environment first, then the account saved under `name`
    — or None when none is given anywhere."""
    given = {key: os.environ.get(variable, "") for key, variable in ENV.items()}
    if not given["host"] and not name:
        return None
    entry = given if given["host"] else account("mail", name or "", lang)
    label = name if not given["host"] and name else message("mail-given", lang)
    tls = entry.get("tls") or "starttls"
    port = entry.get("port") or str(PORTS.get(tls, 587))
    if tls not in TLS or not port.isdigit() or not all(entry.get(k) for k in ("host", "user", "password", "sender")):
        raise InputError(message("mail-incomplete", lang, name=label))
    return MailAccount(label, entry["host"], int(port), entry["user"], entry["password"], entry["sender"],
                       tls, display)


def save_mail(name: str, host: str, port: int | None, user: str, password: str, sender: str, tls: Tls, lang: Lang) -> Path:
    """Keep a mail account under `name` in the user's accounts file (readable by the owner only)."""
    return save("mail", name, {"host": host, "port": str(port or PORTS[tls]), "user": user, "password": password,
                               "sender": sender, "tls": tls}, lang)


class MailRefused(Exception):
    """The server did not take a message for this recipient (the others may still go)."""


class Mailer:
    """A logged-in connection; `send` one notice at a time. Use as a context manager."""

    def __init__(self, account: MailAccount, lang: Lang, timeout: float = 20) -> None:
        self.account, self.lang, self.timeout = account, lang, timeout
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        account, lang = self.account, self.lang
        if account.tls == "none" and account.host not in LOOPBACK:
            raise InputError(message("mail-plain", lang, name=account.name, host=account.host))
        try:
            if account.tls == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(account.host, account.port, timeout=self.timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(account.host, account.port, timeout=self.timeout)
                if account.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            self._smtp = smtp
            smtp.login(account.user, account.password)
        except smtplib.SMTPAuthenticationError:
            self._close()
            raise InputError(message("mail-login", lang, name=account.name, user=account.user)) from None
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            self._close()
            raise InputError(message("mail-unreachable", lang, name=account.name, host=account.host,
                                     port=account.port, detail=explain(why(exc), lang))) from None
        return self

    def send(self, to: str, name: str, subject: str, body: str) -> None:
        """One notice to one address; MailRefused if the server will not take it for that address."""
        assert self._smtp is not None
        mail = EmailMessage()
        mail["Subject"] = subject
        mail["From"] = formataddr((self.account.display, self.account.sender)) if self.account.display else (
            self.account.sender)
        mail["To"] = formataddr((name, to)) if name else to
        mail["Message-ID"] = make_msgid(domain=self.account.sender.rpartition("@")[2] or None)
        mail.set_content(body)
        try:
            self._smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailRefused(" ".join(str(code) for code, _ in exc.recipients.values())) from None
        except smtplib.SMTPDataError as exc:
            raise MailRefused(str(exc.smtp_code)) from None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._close()

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
