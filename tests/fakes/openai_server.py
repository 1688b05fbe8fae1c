"""A fake OpenAI-compatible chat-completions server on 127.0.0.1, for the real ``openai`` SDK to talk to.

It answers ``POST /v1/chat/completions`` as the API does, streamed (server-sent events ending in
``data: [DONE]``, usage in a last chunk) or whole, and can be told to fail first (a status with
``retry-after``) or to cut a stream short. Every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from tests.fakes.anthropic_server import split_deltas

Responder = Callable[[dict[str, Any], dict[str, str]], object]


@dataclass
class Recorded:
    """One request as the server received it."""

    body: dict[str, Any]
    headers: dict[str, str]


class FakeOpenAI:
    """The server; ``respond_with`` sets what it says, ``fail_next`` queues failures."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.responder: Responder = lambda body, headers: "ok"
        self.failures: list[tuple[int, dict[str, str]]] = []
        self.cut_next = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        """What ``OPENAI_BASE_URL`` is set to."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def respond_with(self, responder: Responder) -> None:
        """Answer every request with ``responder(body, headers)``: a string, or an object sent as JSON text."""
        self.responder = responder

    def fail_next(self, status: int, headers: dict[str, str] | None = None) -> None:
        """Make the next request fail with ``status``."""
        self.failures.append((status, headers or {}))


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            with fake._lock:
                fake.requests.append(Recorded(body, headers))
                failure = fake.failures.pop(0) if fake.failures else None
                cut, fake.cut_next = fake.cut_next, False
            if not self.path.endswith("/chat/completions"):
                return self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            if headers.get("authorization") != "Bearer test-openai-key":
                return self._json(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
            if failure is not None:
                status, extra = failure
                return self._json(status, {"error": {"message": f"scripted {status}", "type": "server_error"}}, extra)
            said = fake.responder(body, headers)
            text = said if isinstance(said, str) else json.dumps(said)
            model = body.get("model", "fake")
            usage = {"prompt_tokens": 100, "completion_tokens": len(text.split()), "total_tokens": 100}
            if not body.get("stream"):
                message = {"role": "assistant", "content": text}
                choice = {"index": 0, "message": message, "finish_reason": "stop"}
                reply = {"id": "cmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model}
                return self._json(200, {**reply, "choices": [choice], "usage": usage})
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.end_headers()
            pieces = split_deltas(text)
            for n, piece in enumerate(pieces):
                if cut and n == len(pieces) // 2:
                    self.wfile.flush()
                    self.close_connection = True
                    return  # the connection closes mid-reply: no finish reason, no [DONE]
                self._event({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}, model)
            self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}, model)
            self._event({"choices": [], "usage": usage}, model)
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _event(self, data: dict[str, Any], model: str) -> None:
            chunk = {"id": "cmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": model, **data}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
