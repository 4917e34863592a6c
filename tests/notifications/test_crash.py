"""A worker killed between the provider's acceptance and its own commit texts nobody twice.

The real worker runs as a subprocess (``pishkhan worker --once``) with the log backend as the
provider, killed (SIGKILL) right after it has written a message and before it records it as sent. Its
lease runs out, the next worker claims the message again and hands the provider the same key, which
the provider does not deliver twice (ADR 0013). The test repeats this until the outbox is empty and
then counts every key in ``sms.log``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from django.db import connection

MESSAGES = 7
KILL_AFTER = 2
ROOT = Path(__file__).resolve().parents[2]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="pishkhan.config.settings.test",
        PISHKHAN_DATA_DIR=str(data_dir),
        PISHKHAN_SMS_LEASE_SECONDS="1",
        PISHKHAN_SMS_BACKEND="tests.notifications.providers.KillingLogBackend",
    )
    if connection.vendor == "postgresql":  # the test's own database, committed (transactional_db)
        settings = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgresql://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    return env | extra


def _pishkhan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pishkhan", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


ENQUEUE = f"""
from django.db import transaction
from pishkhan.notifications.services import message_enqueue
with transaction.atomic():
    for n in range({MESSAGES}):
        message_enqueue(key=f"txn:crash{{n}}:received", mobile=f"0912000{{n:04d}}", template="txn_received",
                        params={{"service": "s", "code": str(n)}})
"""
STATUS = """
import json
from pishkhan.notifications.models import Message
print(json.dumps({m.key: m.status for m in Message.objects.all()}))
"""


def _status(env):
    out = _pishkhan("shell", "-c", STATUS, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _logged(path: Path) -> list[str]:
    return [json.loads(line)["key"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_worker_killed_between_sending_and_recording_sends_each_message_once(transactional_db, tmp_path):
    env = _env(tmp_path)
    if connection.vendor != "postgresql":  # a private SQLite database the subprocesses share
        assert _pishkhan("migrate", "--no-input", env=env).returncode == 0
    assert _pishkhan("shell", "-c", ENQUEUE, env=env).returncode == 0
    log = tmp_path / "sms.log"

    kills, caught_in_the_window = 0, False
    for _ in range(2 * MESSAGES):
        run = _pishkhan("worker", "--once", env=env | {"SMS_KILL_AFTER": str(KILL_AFTER)})
        if run.returncode == 0:
            break  # fewer than KILL_AFTER new messages were left: all sent, and recorded
        assert run.returncode == -9, run.stderr
        kills += 1
        if not caught_in_the_window:
            # the provider has the last message, the outbox does not know it went: the crash window
            caught_in_the_window = _status(env)[_logged(log)[-1]] == "pending"
        time.sleep(1.2)  # the killed worker's lease (1 s) runs out

    status = _status(env)
    assert set(status.values()) == {"sent"}, status
    assert kills >= MESSAGES // KILL_AFTER - 1
    assert caught_in_the_window
    counts = Counter(_logged(log))
    assert set(counts) == set(status)
    assert set(counts.values()) == {1}, [key for key, n in counts.items() if n > 1]
