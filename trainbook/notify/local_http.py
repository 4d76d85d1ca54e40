"""An HTTP server on 127.0.0.1 that answers JSON: what the local stand-ins for DingTalk's servers
(the group robot, the work-notice API) run on, for the demo and the tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[str, str, bytes], "dict[str, Any] | None"]  # (method, path, body) → JSON, or None: drop


class _Quiet(ThreadingHTTPServer):
    """A client that went away before its answer (a run killed mid-call) is no error of the server's."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class LocalJsonServer:
    """Serves `answer` on a free port of 127.0.0.1 from `start()` (which returns the base URL) to `stop()`."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        answer = self.answer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 — http.server's name
                self._reply(answer("GET", self.path, b""))

            def do_POST(self) -> None:  # noqa: N802
                self._reply(answer("POST", self.path, self.rfile.read(int(self.headers.get("Content-Length", 0)))))

            def _reply(self, data: dict[str, Any] | None) -> None:
                if data is None:  # the connection drops without a reply
                    self.close_connection = True
                    self.connection.close()
                    return
                body = json.dumps(data, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:  # quiet
                pass

        self._server = _Quiet(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
