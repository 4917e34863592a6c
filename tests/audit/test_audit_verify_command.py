"""``pishkhan audit_verify``: exit 0 on an intact log; otherwise name the broken row and exit non-zero."""

import os
import sqlite3
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pishkhan.audit.services import audit_record


def _verify():
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_intact_log_is_reported_with_its_length():
    for n in range(3):
        audit_record(actor=None, action="test.step", after={"n": n})

    output = _verify()

    assert output.splitlines()[0] == "audit log intact: 3 entries"


@pytest.mark.django_db
def test_an_edited_row_fails_the_command_naming_it():
    for n in range(3):
        audit_record(actor=None, action="test.step", after={"n": n})
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = %s WHERE seq = %s", ["user:nobody", 2])

    with pytest.raises(CommandError, match=r"broken at entry #2 \(edited\)"):
        _verify()


@pytest.mark.django_db
def test_a_deleted_last_row_fails_the_command():
    for n in range(3):
        audit_record(actor=None, action="test.step", after={"n": n})
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [3])

    with pytest.raises(CommandError, match=r"broken at entry #3 \(head-mismatch\)"):
        _verify()


def _pishkhan(*args, data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)  # a private SQLite database in data_dir, whatever the suite runs on
    env.update(DJANGO_SETTINGS_MODULE="pishkhan.config.settings.test", PISHKHAN_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "pishkhan", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_the_console_command_exits_non_zero_after_a_hand_edit(tmp_path):
    """The acceptance path: a user and two keys are made (audited events), then a row is edited by hand."""
    assert _pishkhan("migrate", "--no-input", data_dir=tmp_path).returncode == 0
    make_user = (
        "from pishkhan.accounts.services import user_create; "
        "user_create(username='auditor', password='a-Long-enough-passphrase-42', "
        "role='regulator', actor=None)"
    )
    assert _pishkhan("shell", "-c", make_user, data_dir=tmp_path).returncode == 0
    for _ in range(2):
        assert _pishkhan("keys_create", "--user", "auditor", data_dir=tmp_path).returncode == 0

    intact = _pishkhan("audit_verify", data_dir=tmp_path)
    with sqlite3.connect(tmp_path / "pishkhan.sqlite3") as database:
        database.execute("UPDATE audit_auditentry SET reason = 'edited by hand' WHERE seq = 1")
    broken = _pishkhan("audit_verify", data_dir=tmp_path)

    assert intact.returncode == 0, intact.stderr
    assert "audit log intact: 3 entries" in intact.stdout
    assert broken.returncode != 0
    assert "#1" in broken.stderr
    assert "edited" in broken.stderr
