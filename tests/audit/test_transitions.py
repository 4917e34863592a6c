"""One audited transition: the row locked, the move checked, only the fields given saved, one entry."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from pishkhan.audit.models import AuditEntry
from pishkhan.audit.transitions import transition_apply, transitions_apply_many
from pishkhan.common.errors import ConflictError, NotFoundError, TransitionError
from pishkhan.offices.models import Office
from pishkhan.offices.states import OFFICE_TRANSITIONS, OfficeStatus
from tests.offices.factories import make_office


def _entries(action):
    return list(AuditEntry.objects.filter(action=action))


def test_an_allowed_move_saves_only_the_fields_given_and_records_one_entry(geo_loaded):
    # given an office, a stale copy of it with an unsaved change, and a change stored behind its back
    office = make_office(1)
    stale = Office.objects.get(pk=office.pk)
    stale.name = "نام نوشته‌نشده"
    Office.objects.filter(pk=office.pk).update(phone="021-7777")
    entries_before = AuditEntry.objects.count()

    # when it is suspended with one more field
    moved = transition_apply(
        stale,
        table=OFFICE_TRANSITIONS,
        to=OfficeStatus.SUSPENDED,
        fields={"counters": 4},
        actor="tester",
        action="test.suspend",
        reason="بازرسی",
        basis="ماده ۱۲",
    )

    # then the status and that field are stored, nothing else is written over
    stored = Office.objects.get(pk=office.pk)
    assert (stored.status, stored.counters) == ("suspended", 4)
    assert (stored.name, stored.phone) == (office.name, "021-7777")
    assert (moved.status, moved.counters, moved.phone) == ("suspended", 4, "021-7777")
    # and exactly one entry says who, what, why and on which basis
    assert AuditEntry.objects.count() == entries_before + 1
    [entry] = _entries("test.suspend")
    assert (entry.target_type, entry.target_id) == ("offices.office", str(office.pk))
    assert entry.before == {"status": "active", "counters": office.counters}
    assert entry.after == {"status": "suspended", "counters": 4}
    assert (entry.actor_label, entry.reason, entry.basis) == ("tester", "بازرسی", "ماده ۱۲")


def test_a_move_the_table_refuses_raises_and_changes_or_records_nothing(geo_loaded):
    # given a closed office
    office = make_office(1)
    Office.objects.filter(pk=office.pk).update(status=OfficeStatus.CLOSED)
    entries_before = AuditEntry.objects.count()

    # when it is to be reopened (a closed office stays closed)
    with pytest.raises(TransitionError):
        transition_apply(
            office,
            table=OFFICE_TRANSITIONS,
            to=OfficeStatus.ACTIVE,
            fields={"counters": 9},
            actor="tester",
            action="test.reopen",
        )

    # then the row is as it was and the log has no entry
    stored = Office.objects.get(pk=office.pk)
    assert (stored.status, stored.counters) == ("closed", office.counters)
    assert AuditEntry.objects.count() == entries_before


def test_the_services_own_check_sees_the_locked_row_and_its_refusal_changes_nothing(geo_loaded):
    office = make_office(1)
    Office.objects.filter(pk=office.pk).update(counters=7)
    seen = []

    def refuse(locked):
        seen.append(locked.counters)
        raise ConflictError("not today")

    with pytest.raises(ConflictError):
        transition_apply(
            office,
            table=OFFICE_TRANSITIONS,
            to=OfficeStatus.SUSPENDED,
            check=refuse,
            actor="tester",
            action="test.suspend",
        )

    assert seen == [7]  # the row as stored, not the caller's copy
    assert Office.objects.get(pk=office.pk).status == "active"
    assert _entries("test.suspend") == []


def test_the_entry_may_hold_bare_states_or_the_state_with_context(geo_loaded):
    office = make_office(1)

    transition_apply(
        office,
        table=OFFICE_TRANSITIONS,
        to=OfficeStatus.SUSPENDED,
        fields={"counters": 2},
        record="state",
        actor=None,
        action="test.suspend",
    )
    transition_apply(
        office,
        table=OFFICE_TRANSITIONS,
        to=OfficeStatus.ACTIVE,
        fields={"counters": 3},
        audited=(),
        context={"why": "reopened"},
        actor=None,
        action="test.reopen",
    )

    [suspended], [reopened] = _entries("test.suspend"), _entries("test.reopen")
    assert (suspended.before, suspended.after, suspended.actor_label) == ("active", "suspended", "system")
    assert (reopened.before, reopened.after) == (
        {"status": "suspended"},
        {"status": "active", "why": "reopened"},
    )
    assert Office.objects.get(pk=office.pk).counters == 3


def test_a_row_gone_is_not_found_with_the_services_words(db):
    with pytest.raises(NotFoundError) as error:
        transition_apply(
            Office(pk=999_999),
            table=OFFICE_TRANSITIONS,
            to=OfficeStatus.CLOSED,
            missing="No such office.",
            actor=None,
            action="test.close",
        )

    assert error.value.detail == "No such office."


def test_a_sweep_moves_every_row_with_an_entry_each_or_none_if_one_is_refused(geo_loaded):
    # given two active offices and a closed one
    first, second, closed = make_office(1), make_office(2), make_office(3)
    Office.objects.filter(pk=closed.pk).update(status=OfficeStatus.CLOSED)
    offices = Office.objects.filter(pk__in=[first.pk, second.pk, closed.pk]).order_by("pk")

    # when all three are to be suspended, the closed one refuses the sweep: nothing changes
    with pytest.raises(TransitionError):
        transitions_apply_many(
            offices, table=OFFICE_TRANSITIONS, to=OfficeStatus.SUSPENDED, actor="job", action="test.sweep"
        )
    assert list(offices.values_list("status", flat=True)) == ["active", "active", "closed"]
    assert _entries("test.sweep") == []

    # when the active ones are, both move and each has its entry
    moved = transitions_apply_many(
        offices.filter(status=OfficeStatus.ACTIVE),
        table=OFFICE_TRANSITIONS,
        to=OfficeStatus.SUSPENDED,
        fields={"counters": 2},
        reason="سرکشی",
        actor="job",
        action="test.sweep",
    )

    assert [office.pk for office in moved] == [first.pk, second.pk]
    stored = list(offices.values_list("status", "counters"))
    assert stored == [("suspended", 2), ("suspended", 2), ("closed", closed.counters)]
    entries = _entries("test.sweep")
    assert sorted(entry.target_id for entry in entries) == sorted([str(first.pk), str(second.pk)])
    assert {(entry.after["status"], entry.after["counters"], entry.reason) for entry in entries} == {
        ("suspended", 2, "سرکشی")
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time")
def test_a_second_move_waits_for_the_first_and_is_checked_against_what_it_stored(geo_loaded):
    # given an office that one session closes and holds locked, and another session's copy of it
    office = make_office(1)
    first_moved, release = threading.Event(), threading.Event()

    def close_and_hold():
        try:
            with transaction.atomic():
                transition_apply(
                    office,
                    table=OFFICE_TRANSITIONS,
                    to=OfficeStatus.CLOSED,
                    actor="first",
                    action="test.close",
                )
                first_moved.set()
                release.wait(10)
        finally:
            connections.close_all()

    def suspend():
        try:
            transition_apply(
                office,
                table=OFFICE_TRANSITIONS,
                to=OfficeStatus.SUSPENDED,
                actor="second",
                action="test.suspend",
            )
            return "moved"
        except TransitionError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(close_and_hold)
        assert first_moved.wait(10)
        # when the other session suspends it meanwhile
        second = pool.submit(suspend)
        time.sleep(0.5)
        waited = not second.done()
        release.set()
        first.result(timeout=10)
        outcome = second.result(timeout=10)

    # then it waited for the lock, found the office closed, and was refused: one move, one entry
    assert (waited, outcome) == (True, "refused")
    assert Office.objects.get(pk=office.pk).status == "closed"
    assert (len(_entries("test.close")), len(_entries("test.suspend"))) == (1, 0)
