"""The audit log: entries chain by hash, the ORM cannot change them, and verification finds any tampering."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from pishkhan.audit.chain import (
    GENESIS_HASH,
    canonical_json,
    entry_hash,
    key_id,
    keys_configured,
    timestamp_text,
)
from pishkhan.audit.models import AppendOnlyError, AuditEntry, AuditHead
from pishkhan.audit.selectors import audit_chain_verify, audit_entry_list_for_target
from pishkhan.audit.services import audit_record
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Caller:
    """Anything that names itself for the audit log, as an accounts Principal does."""

    def __init__(self, label, user=None):
        self.audit_label = label
        self.audit_user = user


def _record_three():
    return [audit_record(actor=None, action=f"test.step{n}", after={"n": n}) for n in (1, 2, 3)]


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_each_entry_signs_its_fields_after_the_previous_hash_with_the_audit_key(settings):
    first, second = audit_record(actor=None, action="test.a"), audit_record(actor=None, action="test.b")

    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    key = base64.urlsafe_b64decode(settings.PISHKHAN_AUDIT_KEYS[0])
    message = (first.hash + canonical_json(second.hashed_fields())).encode()
    assert second.hash == hmac.new(key, message, hashlib.sha256).hexdigest()
    assert second.key_id == second.hashed_fields()["key_id"] == key_id(settings.PISHKHAN_AUDIT_KEYS[0])


def test_the_head_follows_the_last_entry():
    *_, last = _record_three()

    head = AuditHead.objects.get()
    assert (head.last_seq, head.last_hash) == (3, last.hash)


def test_the_hash_covers_the_canonical_fields_in_a_fixed_form():
    entry = audit_record(actor="import:census", action="test.fields", reason="why", basis="Law art. 1")

    fields = AuditEntry.objects.get(seq=entry.seq).hashed_fields()
    assert fields["at"] == timestamp_text(entry.at)
    assert fields["at"].endswith("Z")
    assert len(fields["at"]) == len("2024-03-20T08:30:00.000000Z")
    assert set(fields) == {
        "seq",
        "at",
        "actor_id",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "before",
        "after",
        "reason",
        "basis",
        "key_id",
    }
    assert entry_hash(entry.prev_hash, fields, keys_configured()[entry.key_id]) == entry.hash


def test_actor_may_be_a_user_a_principal_like_object_text_or_the_system():
    user = UserFactory(username="regulator")

    by_user = audit_record(actor=user, action="test.actor")
    by_key = audit_record(actor=_Caller("apikey:ab12cd34", user=user), action="test.actor")
    by_office_key = audit_record(actor=_Caller("apikey:0f0f0f0f"), action="test.actor")
    by_text = audit_record(actor="cli:geo_load", action="test.actor")
    by_system = audit_record(actor=None, action="test.actor")

    assert (by_user.actor, by_user.actor_label) == (user, "user:regulator")
    assert (by_key.actor, by_key.actor_label) == (user, "apikey:ab12cd34")
    assert (by_office_key.actor, by_office_key.actor_label) == (None, "apikey:0f0f0f0f")
    assert (by_text.actor, by_text.actor_label) == (None, "cli:geo_load")
    assert (by_system.actor, by_system.actor_label) == (None, "system")


def test_an_unknown_kind_of_actor_is_refused():
    with pytest.raises(TypeError):
        audit_record(actor=42, action="test.actor")


def test_target_is_named_by_model_label_and_primary_key():
    user = UserFactory()

    entry = audit_record(actor=None, action="user.test", target=user)

    assert (entry.target_type, entry.target_id) == ("accounts.user", str(user.pk))
    assert list(audit_entry_list_for_target(target=user)) == [entry]


def test_values_that_json_changes_on_the_way_back_still_verify():
    before = {"fee": Decimal("12500.50"), "day": dt.date(2024, 3, 20), "big": 1e20, "ratio": 1.5e-7}
    after = {"name": "دفتر پیشخوان", "tags": {"b", "a"}, "whole": 3.0, "none": None}

    entry = audit_record(actor=None, action="test.values", before=before, after=after)

    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.before == {"fee": "12500.50", "day": "2024-03-20", "big": 10**20, "ratio": 1.5e-7}
    assert stored.after == {"name": "دفتر پیشخوان", "tags": ["a", "b"], "whole": 3, "none": None}
    assert audit_chain_verify().intact


def test_an_empty_log_is_intact():
    verdict = audit_chain_verify()

    assert verdict.intact
    assert verdict.entries == 0


def test_an_untouched_chain_verifies_with_its_length():
    *_, last = _record_three()

    verdict = audit_chain_verify()

    assert verdict.intact
    assert (verdict.entries, verdict.head_seq, verdict.head_hash) == (3, 3, last.hash)


def test_a_row_edited_in_the_database_is_named():
    _record_three()
    _sql("UPDATE audit_auditentry SET reason = %s WHERE seq = %s", ["nothing happened", 2])

    verdict = audit_chain_verify()

    assert not verdict.intact
    assert (verdict.bad_seq, verdict.problem) == (2, "edited")
    assert verdict.entries == 1


def test_a_row_edited_with_a_recomputed_hash_breaks_the_next_link():
    _record_three()
    forged = AuditEntry.objects.get(seq=2)
    forged.after = {"n": 99}
    key = keys_configured()[forged.key_id]  # even by someone holding the key
    _sql(
        "UPDATE audit_auditentry SET after = %s, hash = %s WHERE seq = %s",
        [json.dumps({"n": 99}), entry_hash(forged.prev_hash, forged.hashed_fields(), key), 2],
    )

    verdict = audit_chain_verify()

    assert (verdict.bad_seq, verdict.problem) == (3, "broken-link")


def test_a_deleted_middle_row_is_named():
    _record_three()
    _sql("DELETE FROM audit_auditentry WHERE seq = %s", [2])

    verdict = audit_chain_verify()

    assert (verdict.bad_seq, verdict.problem) == (2, "deleted")


def test_a_deleted_first_row_is_named():
    _record_three()
    _sql("DELETE FROM audit_auditentry WHERE seq = %s", [1])

    verdict = audit_chain_verify()

    assert (verdict.bad_seq, verdict.problem) == (1, "deleted")


def test_a_deleted_last_row_is_caught_by_the_head():
    _record_three()
    _sql("DELETE FROM audit_auditentry WHERE seq = %s", [3])

    verdict = audit_chain_verify()

    assert (verdict.bad_seq, verdict.problem) == (3, "head-mismatch")
    assert verdict.entries == 2


def test_a_missing_head_is_reported():
    _record_three()
    _sql("DELETE FROM audit_audithead", [])

    verdict = audit_chain_verify()

    assert verdict.problem == "head-missing"


def test_the_orm_refuses_to_change_an_entry():
    entry = audit_record(actor=None, action="test.frozen")
    entry.reason = "rewritten"

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(seq=entry.seq).update(reason="rewritten")
    assert AuditEntry.objects.get(seq=entry.seq).reason == ""


def test_the_orm_refuses_to_delete_an_entry():
    entry = audit_record(actor=None, action="test.frozen")

    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 1


def test_the_orm_refuses_entries_that_bypass_the_chain():
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(action="test.bulk", actor_label="system")])


def test_a_user_who_acted_cannot_be_deleted():
    from django.db.models import ProtectedError

    user = UserFactory()
    audit_record(actor=user, action="test.acted")

    with pytest.raises(ProtectedError):
        user.delete()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database")
def test_concurrent_appends_never_fork_the_chain():
    """Four threads append at once; the head lock makes them queue, so the chain stays one line."""
    errors = []

    def append(worker):
        try:
            for n in range(15):
                audit_record(actor=f"worker:{worker}", action="test.concurrent", after={"n": n})
        except Exception as exc:  # reported below, in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    verdict = audit_chain_verify()
    assert verdict.intact
    assert verdict.entries == 60


def test_a_bulk_append_continues_the_chain_and_verifies(db):
    from pishkhan.audit.selectors import audit_chain_verify
    from pishkhan.audit.services import AuditItem, audit_record, audit_record_many

    audit_record(actor=None, action="test.before")
    written = audit_record_many(
        actor="system", action="test.bulk", items=[AuditItem(target=None, after={"n": n}) for n in range(50)]
    )
    audit_record(actor=None, action="test.after")

    verdict = audit_chain_verify()
    assert written == 50
    assert verdict.intact
    assert verdict.entries == 52
