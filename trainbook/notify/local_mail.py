"""A mail server on 127.0.0.1 (aiosmtpd) that requires a login, as a company's does, and keeps
every message it accepts. The demo sends its e-mail notices to it; tests check what arrived."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import warnings
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any


@dataclass
class LocalMail:
    """Use as a context manager; `port` is where it listens; `received` what it accepted."""

    user: str = "trainbook@example.com"
    password: str = "local-password"
    received: list[EmailMessage] = field(default_factory=list)
    logins: int = 0
    port: int = 0

    def __post_init__(self) -> None:
        self._controller: Any = None

    def __enter__(self) -> LocalMail:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        mail = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 — aiosmtpd's name
                parsed = email.message_from_bytes(envelope.original_content or envelope.content,
                                                  policy=email.policy.default)
                mail.received.append(parsed)
                return "250 OK"

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            good = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (
                mail.user, mail.password)
            mail.logins += good
            return AuthResult(success=good, handled=False, auth_data=data)

        # a login over plain SMTP is what this server is for (127.0.0.1 only): not worth a warning per connection
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning, "aiosmtpd.smtp")
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        with socket.socket() as probe:  # a free port (the controller checks its server by connecting to it)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, authenticator=authenticate,
                                      auth_required=True, auth_require_tls=False)  # no TLS: loopback only
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._controller is not None:
            self._controller.stop()
