"""The limit of a single transaction POST: a raw ASGI app doing nothing but the INSERT.

Served by granian (``--interface asgi``) from ``bench_counter_post.py``; no framework, no checks, no
authentication: it reads the JSON body, INSERTs one counter-transaction row into the same table
Pishkhan writes (same columns, same indexes; every column Pishkhan fills filled, the request's
Idempotency-Key included, so the same partial indexes are written) and answers 201 with the tracking
code. PostgreSQL through
psycopg's async connections (a few per worker process, each request borrowing one); SQLite through
``sqlite3`` with Pishkhan's pragmas (its settings' ``init_command``: WAL, synchronous=NORMAL, its page
cache, temporary storage in memory), one connection per worker.

Configured by the environment: ``BENCH_DSN`` (a PostgreSQL URL) or ``BENCH_SQLITE`` (a file), and
``BENCH_ROW`` (JSON: table, the columns every row needs, and constant values for the rest); on SQLite
``BENCH_SQLITE_PRAGMAS``, Pishkhan's pragmas.
Routes: ``POST /insert`` (the insert) and ``GET /ok`` (nothing at all: the load generator's ceiling).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3

SPEC = json.loads(os.environ.get("BENCH_ROW", "{}"))
DSN = os.environ.get("BENCH_DSN", "")
SQLITE = os.environ.get("BENCH_SQLITE", "")
# Pishkhan's own (its settings' init_command, passed on by the benchmark).
PRAGMAS = os.environ.get(
    "BENCH_SQLITE_PRAGMAS",
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000",
)
POOL_SIZE = 4

_pool: asyncio.Queue | None = None
_sqlite: sqlite3.Connection | None = None


def _values(body: dict, raw: bytes, idempotency_key: str) -> dict:
    national_id = str(body["national_id"])
    now = dt.datetime.now(dt.UTC)
    values = dict(SPEC["constants"])
    values.update(
        # Random, and starting with a letter, which no real code does: never a clash with them.
        tracking_code="b" + secrets.token_hex(6)[:11],
        office_reference=str(body["office_reference"]),
        clerk=str(body.get("clerk", "")),
        citizen_key=hashlib.sha256(national_id.encode()).hexdigest(),
        citizen_masked=national_id[:3] + "*****" + national_id[-2:],
        mobile_masked=str(body["mobile"])[:4] + "***" + str(body["mobile"])[-4:],
        # Not sealed (no work but the INSERT), yet filled as Pishkhan fills it.
        mobile_sealed=str(body["mobile"]),
        idempotency_key=idempotency_key,
        request_fingerprint=hashlib.sha256(raw).hexdigest(),
        fee_charged=int(body["fee_charged"]),
        recorded_at=now,
        received_at=now,
    )
    return values


async def _insert_postgresql(values: dict) -> None:
    global _pool
    import psycopg

    if _pool is None:
        _pool = asyncio.Queue()
        for _ in range(POOL_SIZE):
            _pool.put_nowait(await psycopg.AsyncConnection.connect(DSN, autocommit=True))
    columns = list(values)
    sql = f"INSERT INTO {SPEC['table']} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    connection = await _pool.get()
    try:
        await connection.execute(sql, list(values.values()))
    finally:
        _pool.put_nowait(connection)


def _insert_sqlite(values: dict) -> None:
    global _sqlite
    if _sqlite is None:
        _sqlite = sqlite3.connect(SQLITE, timeout=20, isolation_level=None)
        for pragma in PRAGMAS.split(";"):
            if pragma.strip():
                _sqlite.execute(pragma)
    columns = list(values)
    values = {
        k: (v.replace(tzinfo=None).isoformat(" ") if isinstance(v, dt.datetime) else v)
        for k, v in values.items()
    }
    sql = f"INSERT INTO {SPEC['table']} ({', '.join(columns)}) VALUES ({', '.join(['?'] * len(columns))})"  # noqa: S608
    _sqlite.execute(sql, list(values.values()))


async def _body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send, status: int, payload: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def app(scope, receive, send) -> None:
    """The ASGI application."""
    if scope["type"] != "http":
        return
    if scope["path"] == "/ok":
        await _answer(send, 200, b'{"ok":true}')
        return
    raw = await _body(receive)
    headers = dict(scope["headers"])
    values = _values(json.loads(raw), raw, headers.get(b"idempotency-key", b"").decode())
    if DSN:
        await _insert_postgresql(values)
    else:
        _insert_sqlite(values)
    await _answer(send, 201, json.dumps({"tracking_code": values["tracking_code"]}).encode())
