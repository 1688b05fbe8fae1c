"""Wire-level fake of the Anthropic Messages API for tests (stdlib only).

A real HTTP server on 127.0.0.1 that the real `anthropic` SDK reaches through
``base_url``. Replies are scripted in a FIFO queue and sent in the real API's
JSON and Server-Sent Events shapes. See `FakeAnthropic`.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit

MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"
NO_SCRIPT_MESSAGE = "FakeAnthropic has no scripted response left for this request"

Responder = Callable[..., Any]
"""Called with the request body, or with the body and the headers when it has ``reads_headers = True``."""


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request received by the fake.

    Attributes:
        path: URL path without the query string, e.g. ``"/v1/messages"``.
        query: Raw query string (``"beta=true"`` for beta endpoints), or ``""``.
        headers: Request headers with lower-cased names.
        body: Parsed JSON body, or ``None`` if it was empty or not JSON.
    """

    path: str
    query: str
    headers: dict[str, str]
    body: Any

    @property
    def api_key(self) -> str | None:
        """Key from ``x-api-key`` or ``Authorization: Bearer`` (SDK 2.12 uses this)."""
        if "x-api-key" in self.headers:
            return self.headers["x-api-key"]
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token if scheme.lower() == "bearer" and token else None


@dataclass(frozen=True, kw_only=True)
class _Script:
    """A queued reply; kind is "text", "error", "stream_error" or "cut"."""

    kind: str
    text: str = ""
    usage: dict[str, Any] | None = None
    stop_reason: str = "end_turn"
    deltas: list[str] | None = None
    status: int = 200
    error_type: str = ""
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    after_chunks: int = 0
    purpose: str | None = None
    """Only a request about this (its ``x-interviewer-purpose``) takes it; None: any request."""


def split_deltas(text: str) -> list[str]:
    """Split ``text`` into streamed chunks that concatenate back to it.

    One chunk per word; under three words, three slices instead, so any reply
    of three or more characters streams in several chunks.
    """
    chunks = re.findall(r"\S+\s*|\s+", text)
    if len(chunks) < 3 and len(text) >= 3:
        step = -(-len(text) // 3)
        chunks = [text[i : i + step] for i in range(0, len(text), step)]
    return chunks


def _tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)  # about four characters a token


def _input_tokens(body: dict[str, Any]) -> int:
    return _tokens(json.dumps([body.get(k) for k in ("system", "messages", "tools")]))


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


def _error_body(error_type: str, message: str) -> dict[str, Any]:
    error = {"type": error_type, "message": message}
    return {"type": "error", "error": error, "request_id": _new_id("req_fake_")}


class FakeAnthropic:
    """A scripted Anthropic Messages API on ``127.0.0.1`` (free port).

    Each ``POST /v1/messages`` takes the next reply queued by `add_text`,
    `add_json`, `add_error` or `add_stream_error` (one queued for a purpose only by
    a request about it); when none fits, the `respond_with` callable answers, and without one the fake returns a 500
    ``api_error`` saying it has no scripted response. Thread-safe.

    Example::

        with FakeAnthropic() as fake:
            fake.add_text("Tell me about a product you shipped.")
            client = anthropic.Anthropic(api_key="k", base_url=fake.base_url)
            ...
            assert fake.requests[0].api_key == "k"
    """

    def __init__(self) -> None:
        """Create a stopped fake; `start` (or ``with``) binds the port."""
        self._lock = threading.Lock()
        self._queue: deque[_Script] = deque()
        self._requests: list[RecordedRequest] = []
        self._responder: Responder | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.delta_delay = 0.0
        """Seconds between streamed text deltas, to pace replies like a real model."""
        self.first_token_delay = 0.0
        """Seconds before a streamed reply's first text delta (after the headers and message_start)."""
        self.complete_delay = 0.0
        """Seconds a non-streamed reply (structured output: a grade, a report) takes to arrive."""
        self.caching = False
        """Simulate prompt caching: ``cache_control`` prefixes seen before are read, new ones written."""
        self._cache: dict[str, int] = {}
        self.cache_usage: list[tuple[str, dict[str, int]]] = []
        """With ``caching``: each message request's purpose (``x-interviewer-purpose``) and cache figures."""

    def start(self) -> Self:
        """Bind a free port and serve from a non-daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("FakeAnthropic is already running")
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = False  # server_close() joins them instead
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeAnthropic",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and join every thread. Idempotent."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        server.shutdown()
        thread.join()
        server.server_close()  # also joins the per-request handler threads

    def __enter__(self) -> Self:
        """Start the fake and return it."""
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop the fake."""
        self.stop()

    @property
    def base_url(self) -> str:
        """The SDK's ``base_url``, e.g. ``"http://127.0.0.1:PORT"``."""
        if self._server is None:
            raise RuntimeError("FakeAnthropic is not running; call start()")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add_text(
        self,
        text: str,
        *,
        usage: dict[str, Any] | None = None,
        stop_reason: str = "end_turn",
        deltas: list[str] | None = None,
        purpose: str | None = None,
    ) -> None:
        """Queue a text reply, sent whole or streamed as several deltas.

        Args:
            text: The assistant's reply.
            usage: Overrides of the estimated usage, e.g. ``{"input_tokens": 10}``.
            stop_reason: The message's ``stop_reason``.
            deltas: Exact streamed chunks (default: `split_deltas`).
            purpose: Only a request about this (``interviewer``, ``grader``, ``report``) takes it.
        """
        if deltas is not None and "".join(deltas) != text:
            raise ValueError("deltas must concatenate to text")
        fields = {"usage": usage, "stop_reason": stop_reason, "deltas": deltas, "purpose": purpose}
        self._push("text", text=text, **fields)

    def add_json(self, obj: Any, *, usage: dict[str, Any] | None = None) -> None:
        """Queue a reply whose text is ``json.dumps(obj)`` (structured output).

        Args:
            obj: Any JSON-serialisable value.
            usage: Usage overrides, as for `add_text`.
        """
        self.add_text(json.dumps(obj), usage=usage)

    def add_error(
        self,
        status: int,
        error_type: str,
        message: str,
        headers: dict[str, str] | None = None,
        purpose: str | None = None,
    ) -> None:
        """Queue an HTTP error shaped ``{"type": "error", "error": {...}}``.

        Args:
            status: HTTP status, e.g. 529, 500 or 429.
            error_type: e.g. ``"overloaded_error"`` or ``"rate_limit_error"``.
            message: Human-readable error message.
            headers: Extra response headers, e.g. ``{"retry-after-ms": "10"}``.
        """
        error = {"error_type": error_type, "message": message}
        self._push("error", status=status, headers=dict(headers or {}), purpose=purpose, **error)

    def add_stream_error(
        self,
        after_chunks: int = 1,
        error_type: str = "overloaded_error",
        message: str = "Overloaded",
        *,
        text: str = "This streamed reply is going to be cut off part way through.",
        purpose: str | None = None,
    ) -> None:
        """Queue a stream sending ``event: error`` after some deltas (streams only).

        Args:
            after_chunks: Number of ``text_delta`` events sent before the error.
            error_type: The error's ``type``, e.g. ``"overloaded_error"``.
            message: The error's message.
            text: Reply whose first chunks are streamed before the error.
        """
        error = {"error_type": error_type, "message": message}
        self._push("stream_error", text=text, after_chunks=after_chunks, purpose=purpose, **error)

    def add_cut_stream(
        self, after_chunks: int = 2, *, text: str = "Thanks. Tell me about the time you", purpose: str | None = None
    ) -> None:
        """Queue a stream that stops after some deltas with no ``message_delta`` or ``message_stop``.

        The HTTP body ends cleanly, as when a proxy or the server cuts a reply short, so the SDK sees
        no error: only the missing end of the message says the reply is incomplete.

        Args:
            after_chunks: Number of ``text_delta`` events sent before the stream stops.
            text: Reply whose first chunks are streamed.
        """
        self._push("cut", text=text, after_chunks=after_chunks, purpose=purpose)

    def respond_with(self, fn: Responder | None) -> None:
        """Answer with ``fn(request_body)`` whenever the queue is empty.

        Args:
            fn: Returns the reply text (non-strings are sent as JSON); None unsets.
        """
        with self._lock:
            self._responder = fn

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """Only the ``POST /v1/messages`` requests, oldest first."""
        return [r for r in self.requests if r.path == MESSAGES_PATH]

    @property
    def pending(self) -> int:
        """How many scripted replies have not been used yet."""
        with self._lock:
            return len(self._queue)

    def _push(self, kind: str, **fields: Any) -> None:
        with self._lock:
            self._queue.append(_Script(kind=kind, **fields))

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_script(self, body: dict[str, Any], headers: dict[str, str]) -> _Script | None:
        purpose = headers.get("x-interviewer-purpose")
        with self._lock:
            for script in self._queue:
                if script.purpose in (None, purpose):
                    self._queue.remove(script)
                    return script
            responder = self._responder
        if responder is None:
            return None
        reply = responder(body, headers) if getattr(responder, "reads_headers", False) else responder(body)
        text = reply if isinstance(reply, str) else json.dumps(reply)
        return _Script(kind="text", text=text)


CACHE_MINIMUM_TOKENS = 1024
"""The smallest prefix the API caches (Sonnet's minimum)."""
CACHE_LOOKBACK = 20
"""Block boundaries before a marker at which the API also looks for a cached prefix."""
MAX_BREAKPOINTS = 4


def content_text(content: str | list[Any]) -> str:
    """A message's or system prompt's text, whether sent as a string or as a list of blocks."""
    if isinstance(content, str):
        return content
    return "".join(block if isinstance(block, str) else block.get("text", "") for block in content)


def _blocks(body: dict[str, Any]) -> list[tuple[str, bool]]:
    """The prompt's text blocks in the API's caching order (system, then messages), each with its marker."""
    blocks: list[tuple[str, bool]] = []
    system = body.get("system") or []
    for block in [system] if isinstance(system, str) else system:
        text = block if isinstance(block, str) else block.get("text", "")
        blocks.append((text, isinstance(block, dict) and "cache_control" in block))
    for message in body.get("messages", []):
        content = message.get("content", "")
        for block in [content] if isinstance(content, str) else content:
            text = block if isinstance(block, str) else block.get("text", "")
            marked = isinstance(block, dict) and "cache_control" in block
            blocks.append((f"{message.get('role')}:{text}", marked))
    return blocks


def _cache_usage(fake: FakeAnthropic, body: dict[str, Any]) -> dict[str, int]:
    """Tokens read from and written to the simulated cache, and the rest, for one request.

    As the API documents it: each ``cache_control`` marker writes the prefix up to its block (when
    that prefix is long enough); a read is the longest prefix cached earlier that ends at the marker
    or at one of the ``CACHE_LOOKBACK`` block boundaries before it. The markers are not part of the
    prefix, so the same content marked in a different place still matches.
    """
    import hashlib

    total = _input_tokens(body)
    prefix, tokens = hashlib.sha256(str(body.get("model")).encode()), 0
    boundaries: list[tuple[str, int, bool]] = []
    for text, marked in _blocks(body):
        prefix.update(text.encode() + b"\0")
        tokens += _tokens(text)
        boundaries.append((prefix.hexdigest(), tokens, marked))
    marks = [i for i, (_key, upto, marked) in enumerate(boundaries) if marked and upto >= CACHE_MINIMUM_TOKENS]
    read = 0
    with fake._lock:
        for i in marks:
            for key, upto, _marked in reversed(boundaries[max(0, i - CACHE_LOOKBACK) : i + 1]):
                if key in fake._cache:
                    read = max(read, upto)
                    break
        for i in marks:
            fake._cache.setdefault(boundaries[i][0], boundaries[i][1])
    written = max(0, boundaries[marks[-1]][1] - read) if marks else 0
    return {
        "input_tokens": max(0, total - read - written),
        "cache_read_input_tokens": read,
        "cache_creation_input_tokens": written,
    }


def _breakpoints(body: dict[str, Any]) -> int:
    return sum(marked for _text, marked in _blocks(body))


def _message(
    script: _Script, body: dict[str, Any], fake: FakeAnthropic | None = None, purpose: str = ""
) -> dict[str, Any]:
    usage = {
        "input_tokens": _input_tokens(body),
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": _tokens(script.text),
        "service_tier": "standard",
    }
    if fake is not None and fake.caching:
        usage |= _cache_usage(fake, body)
        with fake._lock:
            fake.cache_usage.append((purpose, dict(usage)))
    return {
        "id": _new_id("msg_fake_"),
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": [{"type": "text", "text": script.text}],
        "stop_reason": script.stop_reason,
        "stop_sequence": None,
        "usage": usage | (script.usage or {}),
    }


class _Handler(BaseHTTPRequestHandler):
    # One request per connection ("Connection: close"), so no handler thread
    # ever idles on a keep-alive socket and stop() can join them all at once.
    protocol_version = "HTTP/1.1"
    timeout = 30

    def log_message(self, *args: Any) -> None:
        """Keep test output quiet."""

    def do_POST(self) -> None:
        """Record the request, then answer it."""
        self.close_connection = True
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake: FakeAnthropic = self.server.fake  # type: ignore[attr-defined]
        fake._record(RecordedRequest(url.path, url.query, headers, body))
        with contextlib.suppress(ConnectionError):  # client hung up mid-stream
            self._dispatch(fake, url.path, body, headers)

    def _dispatch(self, fake: FakeAnthropic, path: str, body: Any, headers: dict[str, str]) -> None:
        if path not in (MESSAGES_PATH, COUNT_TOKENS_PATH):
            return self._fail(404, "not_found_error", f"Not found: {path}")
        if not isinstance(body, dict) or "model" not in body:
            msg = "Body must be a JSON object with a model"
            return self._fail(400, "invalid_request_error", msg)
        if path == COUNT_TOKENS_PATH:
            return self._send_json(200, {"input_tokens": _input_tokens(body)})
        if _breakpoints(body) > MAX_BREAKPOINTS:
            msg = (
                f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. Found {_breakpoints(body)}."
            )
            return self._fail(400, "invalid_request_error", msg)
        try:
            script = fake._next_script(body, headers)
        except Exception as exc:
            return self._fail(500, "api_error", f"FakeAnthropic responder: {exc!r}")
        streaming = body.get("stream") is True
        if script is None:
            return self._fail(500, "api_error", NO_SCRIPT_MESSAGE)
        if script.kind == "error":
            error = _error_body(script.error_type, script.message)
            return self._send_json(script.status, error, script.headers)
        if script.kind in ("stream_error", "cut") and not streaming:
            msg = "FakeAnthropic: add_stream_error() scripted, request not streaming"
            return self._fail(500, "api_error", msg)
        if streaming:
            return self._stream(script, body, headers.get("x-interviewer-purpose", ""))
        if fake.complete_delay:
            time.sleep(fake.complete_delay)
        return self._send_json(200, _message(script, body, fake, headers.get("x-interviewer-purpose", "")))

    def _stream(self, script: _Script, body: dict[str, Any], purpose: str = "") -> None:
        fake: FakeAnthropic = self.server.fake  # type: ignore[attr-defined]
        message = _message(script, body, fake, purpose)
        usage = message["usage"]
        start_usage = usage | {"output_tokens": min(1, usage["output_tokens"])}
        message.update(content=[], stop_reason=None, usage=start_usage)
        deltas = split_deltas(script.text) if script.deltas is None else script.deltas
        if script.kind in ("stream_error", "cut"):
            deltas = deltas[: script.after_chunks]
        chunked = {"Transfer-Encoding": "chunked", "Cache-Control": "no-cache"}
        self._start(200, "text/event-stream; charset=utf-8", chunked)
        self._event("message_start", message=message)
        block = {"type": "text", "text": ""}
        self._event("content_block_start", index=0, content_block=block)
        self._event("ping")
        if fake.first_token_delay:
            self.wfile.flush()
            time.sleep(fake.first_token_delay)
        for chunk in deltas:
            delta = {"type": "text_delta", "text": chunk}
            self._event("content_block_delta", index=0, delta=delta)
            if fake.delta_delay:
                self.wfile.flush()
                time.sleep(fake.delta_delay)
        if script.kind == "stream_error":
            self._event("error", **_error_body(script.error_type, script.message))
        elif script.kind == "cut":
            pass  # the message simply stops: no content_block_stop, message_delta or message_stop
        else:
            self._event("content_block_stop", index=0)
            delta = {"stop_reason": script.stop_reason, "stop_sequence": None}
            totals = {k: v for k, v in usage.items() if k != "service_tier"}
            self._event("message_delta", delta=delta, usage=totals)
            self._event("message_stop")
        self.wfile.write(b"0\r\n\r\n")

    def _event(self, name: str, **data: Any) -> None:
        data = {"type": name} | data
        payload = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))

    def _start(self, status: int, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        self.send_header("request-id", _new_id("req_fake_"))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        length = {"Content-Length": str(len(data))}
        self._start(status, "application/json", (headers or {}) | length)
        self.wfile.write(data)

    def _fail(self, status: int, error_type: str, message: str) -> None:
        self._send_json(status, _error_body(error_type, message))
