"""Simulated offices' systems for the fault suite: each posts singles and batches through the real
API, retrying as an office's system must — on a 5xx or a broken connection, the same request again
(a single with the same ``Idempotency-Key``, a batch with the same ``office_reference``s) until it is
answered — and remembers what it was acknowledged: each transaction's tracking code.

Standard library only: it talks HTTP to a server in another process.
"""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

BATCH_SHARE = 0.15
BATCH_ITEMS = (3, 10)
# Seconds an office's system waits between its posts (about): a counter's pace, not a benchmark's.
# Each transaction makes three messages (received, submitted, completed) for the worker to send, and
# the suite waits until every one is sent.
PAUSE = 1.0
# An office's system honours Retry-After; the suite retries sooner (at most this many seconds) to see
# the edges of each outage.
RETRY_PAUSE_MAX = 1.0
CONNECTION_ERROR_PAUSE = 0.2
TIMEOUT = 30


def national_id(n: int) -> str:
    body = f"{n % 1_000_000_000:09d}"
    if len(set(body)) == 1:
        body = "1" + body[1:]
    remainder = sum(int(digit) * (10 - i) for i, digit in enumerate(body)) % 11
    return body + str(remainder if remainder < 2 else 11 - remainder)


@dataclass
class Tally:
    """What every office saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    posts: int = 0  # logical posts: singles and batches, each counted once however often retried
    singles: int = 0
    batches: int = 0
    requests: int = 0  # HTTP requests, retries included
    retries: int = 0
    statuses: Counter = field(default_factory=Counter)  # "0" for a broken connection or a timeout
    acks: list[tuple[str, str, str]] = field(default_factory=list)  # office, reference, tracking code
    recognised: int = 0  # acknowledged on a retry: the first try's answer was lost or refused
    refused: list[str] = field(default_factory=list)  # answers no retry fixes (4xx, a batch item's error)
    gave_up: int = 0
    failures_at: list[float] = field(default_factory=list)  # when a request failed (outage edges)

    def seen(self, status: int) -> None:
        with self.lock:
            self.requests += 1
            self.statuses[str(status)] += 1
            if status == 0 or status >= 500:
                self.failures_at.append(time.monotonic())


class Office(threading.Thread):
    """One office's system posting until ``stop`` is set; a post under way is finished (retried until
    answered, or ``give_up_at``)."""

    def __init__(
        self, *, port: int, office: str, key: str, service: str, fee: int, run: str, seed: int, tally: Tally,
        stop: threading.Event, pause: float = PAUSE,
    ) -> None:  # fmt: skip
        super().__init__(name=f"office-{office}-{seed}", daemon=True)
        self.port, self.office, self.key, self.service, self.fee = port, office, key, service, fee
        self.run_id, self.tally, self.stop = run, tally, stop
        self.random = random.Random(seed)
        self.numbers = itertools.count()
        self.seed, self.pause = seed, pause
        self.give_up_at = float("inf")
        self.connection: http.client.HTTPConnection | None = None

    def run(self) -> None:
        while not self.stop.is_set():
            if self.random.random() < BATCH_SHARE:
                self._batch()
            else:
                self._single()
            self.stop.wait(self.random.uniform(0.5, 1.5) * self.pause)
        if self.connection is not None:
            self.connection.close()

    def _item(self) -> dict:
        n = next(self.numbers)
        reference = f"{self.run_id}-{self.seed}-{n}"
        return {
            "service": self.service,
            "national_id": national_id(self.seed * 1_000_003 + n * 7919 + 123_456),
            "mobile": f"0912{(self.seed * 100_000 + n) % 10_000_000:07d}",
            "fee_charged": self.fee,
            "office_reference": reference,
            "clerk": f"clerk-{self.seed}",
        }

    def _single(self) -> None:
        item = self._item()
        with self.tally.lock:
            self.tally.posts += 1
            self.tally.singles += 1
        answer = self._until_answered(
            "/api/v1/transactions", item, {"Idempotency-Key": item["office_reference"]}
        )
        if answer is None:
            return
        status, data, retried = answer
        if status in (200, 201) and data.get("tracking_code"):
            self._ack(item["office_reference"], data["tracking_code"], retried)
        else:
            with self.tally.lock:
                self.tally.refused.append(f"{status} {json.dumps(data)[:300]}")

    def _batch(self) -> None:
        items = [self._item() for _ in range(self.random.randint(*BATCH_ITEMS))]
        recorded_at = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
        for item in items:
            item["recorded_at"] = recorded_at
        with self.tally.lock:
            self.tally.posts += 1
            self.tally.batches += 1
        answer = self._until_answered("/api/v1/transactions/batch", {"items": items}, {})
        if answer is None:
            return
        status, data, retried = answer
        if status not in (200, 201):
            with self.tally.lock:
                self.tally.refused.append(f"batch {status} {json.dumps(data)[:300]}")
            return
        for result in data["items"]:
            reference = items[result["index"]]["office_reference"]
            if result["outcome"] in ("created", "duplicate") and result["tracking_code"]:
                # A duplicate on the first try would be another post's reference: none is reused.
                if result["outcome"] == "duplicate" and not retried:
                    with self.tally.lock:
                        self.tally.refused.append(f"batch item {reference} duplicate on its first try")
                self._ack(reference, result["tracking_code"], retried)
            else:
                with self.tally.lock:
                    self.tally.refused.append(f"batch item {reference}: {json.dumps(result)[:300]}")

    def _ack(self, reference: str, code: str, retried: bool) -> None:
        with self.tally.lock:
            self.tally.acks.append((self.office, reference, code))
            if retried:
                self.tally.recognised += 1

    def _until_answered(self, path: str, body: dict, headers: dict) -> tuple[int, dict, bool] | None:
        """POST until an answer that is not a 5xx nor a broken connection: (status, JSON, retried)."""
        payload = json.dumps(body).encode()
        headers = {
            "Authorization": f"Bearer {self.key}",
            "Content-Type": "application/json",
            **headers,
        }
        retried = False
        while True:
            status, data, retry_after = self._post(path, payload, headers)
            self.tally.seen(status)
            if status and status < 500:
                return status, data, retried
            if time.monotonic() > self.give_up_at:
                with self.tally.lock:
                    self.tally.gave_up += 1
                return None
            retried = True
            with self.tally.lock:
                self.tally.retries += 1
            time.sleep(min(retry_after, RETRY_PAUSE_MAX) if retry_after else CONNECTION_ERROR_PAUSE)

    def _post(self, path: str, payload: bytes, headers: dict) -> tuple[int, dict, float]:
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            self.connection.request("POST", path, body=payload, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return 0, {}, 0.0
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {"unreadable": raw[:200].decode(errors="replace")}
        retry_after = response.getheader("Retry-After")
        return response.status, data, float(retry_after) if retry_after and retry_after.isdigit() else 0.0
