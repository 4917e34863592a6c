"""The reference agency back-end: a real HTTP server that speaks the gateway's protocol.

Agencies read it to learn the protocol; tests and the demo run it on loopback. It verifies each
request's signature, answers ``completed`` (or what it was told), remembers each request id so a
repeat gets the first answer (as every agency must), and can be told — by flags or by
``POST /control`` with ``{"fail_next": 2, "fail_status": 503, "delay": 0.5, "answer": "accepted"}``
— to fail, to be slow, or to answer ``accepted`` and post a signed callback later.

Standard library only, apart from the gateway's own signing module.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pishkhan.gateway.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureRefused,
    signature_verify,
    signed_headers,
)

logger = logging.getLogger(__name__)

BODY_MAX_BYTES = 1024 * 1024
ANSWERS = ("completed", "rejected", "accepted")


@dataclass
class SandboxState:
    """How the server behaves now, and what it has seen; shared by the handler threads."""

    secret: str
    fail_next: int = 0
    fail_status: int = 503
    delay: float = 0.0
    answer: str = "completed"
    callback_url: str = ""
    callback_delay: float = 0.1
    received: Counter = field(default_factory=Counter)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    callbacks_sent: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def control(self, orders: dict[str, Any]) -> None:
        """Change the behaviour: any of fail_next, fail_status, delay, answer, callback_url, secret."""
        with self.lock:
            if "fail_next" in orders:
                self.fail_next = max(0, int(orders["fail_next"]))
            if "fail_status" in orders:
                self.fail_status = int(orders["fail_status"])
            if "delay" in orders:
                self.delay = max(0.0, float(orders["delay"]))
            if "answer" in orders:
                if orders["answer"] not in ANSWERS:
                    raise ValueError(f"answer must be one of {ANSWERS}")
                self.answer = orders["answer"]
            if "callback_url" in orders:
                self.callback_url = str(orders["callback_url"])
            if "secret" in orders:
                self.secret = str(orders["secret"])


def result_for(request_id: str, status: str) -> dict[str, Any]:
    """The final result the sandbox agency gives a request (deterministic in its id)."""
    reference = "REF-" + hashlib.sha256(request_id.encode("utf-8")).hexdigest()[:12].upper()
    result: dict[str, Any] = {"request_id": request_id, "status": status, "reference": reference}
    if status == "rejected":
        result["reason"] = "rejected by the reference agency"
        # What the citizen must bring to try again: agencies name documents with their rejections.
        result["bring"] = ["the original national ID card"]
    return result


def callback_send(*, url: str, secret: str, result: dict[str, Any], timeout: float = 10.0) -> int:
    """POST a signed result to Pishkhan's callback URL; the HTTP status it answered."""
    body = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json"} | signed_headers(secret=secret, body=body, now=time.time())
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class SandboxHandler(BaseHTTPRequestHandler):
    """One request to the reference agency."""

    server: SandboxServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("agency sandbox: " + format, *args)

    def _reply(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes | None:
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit() or int(length) > BODY_MAX_BYTES:
            return None
        return self.rfile.read(int(length))

    def do_GET(self) -> None:
        state = self.server.state
        with state.lock:
            seen = dict(state.received)
        self._reply(200, {"status": "ok", "received": seen})

    def do_POST(self) -> None:
        state = self.server.state
        body = self._body()
        if body is None:
            self._reply(413, {"error": "body too large"})
            return
        if self.path.rstrip("/") == "/control":
            self._control(body)
            return
        try:
            signature_verify(
                secret=state.secret,
                timestamp=self.headers.get(TIMESTAMP_HEADER),
                given=self.headers.get(SIGNATURE_HEADER),
                body=body,
                now=time.time(),
            )
        except SignatureRefused as refused:
            self._reply(401, {"error": str(refused)})
            return
        try:
            request_id = json.loads(body)["request_id"]
        except (ValueError, KeyError, TypeError):
            self._reply(400, {"error": "the body must be a JSON object with a request_id"})
            return
        with state.lock:
            state.received[request_id] += 1
            delay, failing = state.delay, state.fail_next > 0
            if failing:
                state.fail_next -= 1
            fail_status, answer, callback_url = state.fail_status, state.answer, state.callback_url
            first = state.answers.get(request_id)
        if delay:
            time.sleep(delay)
        if failing:
            self._reply(fail_status, {"error": "told to fail"})
            return
        if first is not None:
            # A repeat of a request already answered: the same answer, and the work is not redone.
            self._reply(200, first)
            return
        if answer == "accepted":
            final = result_for(request_id, "completed")
            with state.lock:
                state.answers[request_id] = {"request_id": request_id, "status": "accepted"}
            self._reply(202, state.answers[request_id])
            if callback_url:
                threading.Thread(target=self._call_back, args=(callback_url, final), daemon=True).start()
            return
        result = result_for(request_id, answer)
        with state.lock:
            state.answers[request_id] = result
        self._reply(200, result)

    def _call_back(self, url: str, result: dict[str, Any]) -> None:
        state = self.server.state
        time.sleep(state.callback_delay)
        try:
            status = callback_send(url=url, secret=state.secret, result=result)
        except OSError as error:
            logger.warning("agency sandbox: callback to %s failed: %s", url, error)
            status = 0
        with state.lock:
            state.callbacks_sent.append((result["request_id"], status))

    def _control(self, body: bytes) -> None:
        try:
            orders = json.loads(body or b"{}")
            if not isinstance(orders, dict):
                raise ValueError("the orders must be a JSON object")
            self.server.state.control(orders)
        except (ValueError, TypeError) as error:
            self._reply(400, {"error": str(error)})
            return
        self._reply(200, {"status": "ok"})


class SandboxServer(ThreadingHTTPServer):
    """The reference agency's server, with its behaviour in ``state``."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        super().__init__(address, SandboxHandler)
        self.state = state

    @property
    def url(self) -> str:
        """The base URL the gateway posts to."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


def sandbox_start(*, state: SandboxState, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
    """Start the server in a background thread (port 0: any free one); stop it with ``shutdown()``."""
    server = SandboxServer((host, port), state)
    threading.Thread(target=server.serve_forever, name="agency-sandbox", daemon=True).start()
    return server
