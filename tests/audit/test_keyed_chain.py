"""The keyed chain and its checkpoints (ADR 0013): a rewrite by whoever can write the database is caught."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pishkhan.audit.chain import GENESIS_HASH, entry_hash, key_id, keys_configured
from pishkhan.audit.checkpoints import (
    CheckpointError,
    checkpoint_parse,
    checkpoint_take,
    checkpoints_read,
)
from pishkhan.audit.models import AuditEntry
from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.audit.services import RekeyRefused, audit_rekey
from pishkhan.audit.tasks import checkpoint_append
from pishkhan.common.sealing import key_new

pytestmark = pytest.mark.django_db


def _record(count):
    from pishkhan.audit.services import audit_record

    return [audit_record(actor=None, action="test.step", after={"n": n}) for n in range(count)]


def _rewrite_from(seq, *, key=None, key_name=None, change=True):
    """What someone who can write the database does: change entry ``seq`` and recompute its hash and
    every later one (and the head), with ``key`` if they hold one, else as a plain sha256."""
    previous = AuditEntry.objects.filter(seq=seq - 1).values_list("hash", flat=True).first() or GENESIS_HASH
    with connection.cursor() as cursor:
        for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
            if change and entry.seq == seq:
                entry.after = {"n": 999}
            if key_name is not None:
                entry.key_id = key_name
            entry.prev_hash = previous
            entry.hash = previous = entry_hash(previous, entry.hashed_fields(), key)
            cursor.execute(
                "UPDATE audit_auditentry SET after = %s, prev_hash = %s, hash = %s, key_id = %s"
                " WHERE seq = %s",
                [json.dumps(entry.after), entry.prev_hash, entry.hash, entry.key_id, entry.seq],
            )
        cursor.execute("UPDATE audit_audithead SET last_hash = %s", [previous])


def test_a_row_rewritten_with_every_later_hash_recomputed_without_the_key_is_caught():
    _record(5)

    _rewrite_from(2)

    verdict = audit_chain_verify()
    assert (verdict.bad_seq, verdict.problem) == (2, "edited")


def test_a_rewrite_passed_off_as_unkeyed_entries_is_caught():
    _record(5)

    _rewrite_from(1, key_name="")

    verdict = audit_chain_verify()
    assert (verdict.bad_seq, verdict.problem) == (1, "unkeyed")


def test_a_rewrite_by_a_key_holder_is_caught_by_an_earlier_checkpoint(tmp_path):
    _record(5)
    path = tmp_path / "checkpoints.jsonl"
    taken = checkpoint_take(path=path).checkpoint
    key = keys_configured()[taken.key_id]

    _rewrite_from(3, key=key)

    assert audit_chain_verify().intact  # the key alone cannot tell: that is what checkpoints are for
    verdict = audit_chain_verify(checkpoints={taken.seq: taken.hash})
    assert (verdict.bad_seq, verdict.problem) == (5, "checkpoint-mismatch")


def test_a_chain_cut_back_below_a_checkpoint_is_caught(tmp_path):
    entries = _record(5)
    path = tmp_path / "checkpoints.jsonl"
    taken = checkpoint_take(path=path).checkpoint
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq > 3")
        cursor.execute("UPDATE audit_audithead SET last_seq = 3, last_hash = %s", [entries[2].hash])

    assert audit_chain_verify().intact
    verdict = audit_chain_verify(checkpoints={taken.seq: taken.hash})
    assert (verdict.bad_seq, verdict.problem) == (4, "checkpoint-missing")
    assert not checkpoint_take(path=path).verdict.intact


def test_a_head_set_back_with_entries_beyond_it_is_caught():
    entries = _record(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_audithead SET last_seq = 2, last_hash = %s", [entries[1].hash])

    verdict = audit_chain_verify()

    assert (verdict.bad_seq, verdict.problem) == (3, "head-mismatch")


def test_a_checkpoint_is_a_signed_line_appended_to_a_file_readable_by_the_owner_only(tmp_path):
    _record(2)
    path = tmp_path / "checkpoints.jsonl"

    first = checkpoint_take(path=path)
    again = checkpoint_take(path=path)
    _record(1)
    later = checkpoint_take(path=path)

    assert first.written
    assert not again.written
    assert later.written
    assert [(c.seq, c.hash) for c in checkpoints_read(path)] == [
        (2, first.checkpoint.hash),
        (3, later.checkpoint.hash),
    ]
    assert path.stat().st_mode & 0o077 == 0
    line = json.loads(path.read_text().splitlines()[0])
    assert set(line) == {"seq", "hash", "at", "key_id", "mac"}


def test_an_edited_or_forged_checkpoint_is_refused(tmp_path):
    _record(2)
    line = checkpoint_take(path=tmp_path / "c.jsonl").checkpoint.line()
    edited = line.replace('"seq":2', '"seq":1')

    assert checkpoint_parse(line).seq == 2
    with pytest.raises(CheckpointError, match="signature"):
        checkpoint_parse(edited)
    with pytest.raises(CheckpointError):
        checkpoint_parse("not json")


def test_the_worker_job_appends_a_checkpoint_only_when_the_chain_grew(settings, tmp_path):
    settings.PISHKHAN_AUDIT_CHECKPOINT_FILE = tmp_path / "job.jsonl"
    _record(2)

    assert checkpoint_append(now=None) == 1
    assert checkpoint_append(now=None) == 0
    _rewrite_from(1)  # no key: the job refuses to anchor a broken chain
    _record(1)
    assert checkpoint_append(now=None) == 0
    assert len(checkpoints_read(settings.PISHKHAN_AUDIT_CHECKPOINT_FILE)) == 1


def test_audit_verify_checks_the_checkpoint_file_and_printed_checkpoints(settings, tmp_path):
    settings.PISHKHAN_AUDIT_CHECKPOINT_FILE = tmp_path / "file.jsonl"
    _record(4)
    printed = StringIO()
    call_command("audit_checkpoint", stdout=printed)
    line = printed.getvalue().strip()
    out = StringIO()
    call_command("audit_verify", "--checkpoint", line, stdout=out)
    assert "checkpoints matched: 1" in out.getvalue()

    (tmp_path / "file.jsonl").unlink()  # the file is lost or removed with the rewrite …
    _rewrite_from(2, key=keys_configured()[key_id(settings.PISHKHAN_AUDIT_KEYS[0])])
    with pytest.raises(CommandError, match=r"#4 \(checkpoint-mismatch\)"):
        call_command("audit_verify", "--checkpoint", line, stdout=StringIO())  # … the printed line remains


def test_keys_rotate_older_entries_verify_with_older_keys_until_dropped(settings):
    old = settings.PISHKHAN_AUDIT_KEYS[0]
    _record(2)
    settings.PISHKHAN_AUDIT_KEYS = [key_new(), old]
    _record(2)

    assert audit_chain_verify().intact
    assert len(set(AuditEntry.objects.values_list("key_id", flat=True))) == 2

    settings.PISHKHAN_AUDIT_KEYS = settings.PISHKHAN_AUDIT_KEYS[:1]
    verdict = audit_chain_verify()
    assert (verdict.bad_seq, verdict.problem) == (1, "unknown-key")


def test_rekey_signs_an_unkeyed_chain_and_a_retired_keys_entries(settings):
    _record(3)
    _rewrite_from(1, key_name="", change=False)  # as the chain stood before it was keyed
    assert audit_chain_verify().problem == "unkeyed"
    assert audit_chain_verify(unkeyed_allowed=True).intact

    assert audit_rekey() == 3

    verdict = audit_chain_verify()
    assert verdict.intact
    assert verdict.entries == 4  # the re-signing is recorded too
    assert AuditEntry.objects.last().action == "audit.rekeyed"

    old = settings.PISHKHAN_AUDIT_KEYS[0]
    settings.PISHKHAN_AUDIT_KEYS = [key_new(), old]
    assert audit_rekey() == 4
    settings.PISHKHAN_AUDIT_KEYS = settings.PISHKHAN_AUDIT_KEYS[:1]
    assert audit_chain_verify().intact


def test_rekey_refuses_a_chain_that_does_not_hold_and_changes_nothing():
    _record(3)
    _rewrite_from(2, key_name="")  # tampered: entry 2 changed, then made to look unkeyed
    before = list(AuditEntry.objects.values_list("hash", flat=True))

    with pytest.raises(RekeyRefused, match=r"#2 \(unkeyed\)"):
        audit_rekey()

    assert list(AuditEntry.objects.values_list("hash", flat=True)) == before
