"""Licences by the thousand (an import, the demo): every state, the same checks, the batch refused whole."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from pishkhan.audit.models import AuditEntry
from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.licensing.models import Licence
from pishkhan.licensing.services import BASIS_IMPORT, LicenceDraft, licences_issue_many
from pishkhan.offices.services import office_register_many
from tests.licensing.factories import imported
from tests.offices.factories import make_office, office_draft

pytestmark = pytest.mark.usefixtures("geo")

NOW = timezone.now()
TODAY = timezone.localdate()
AGO = TODAY - dt.timedelta(days=400)


def _rows(offices):
    signal = NOW - dt.timedelta(days=100)
    return [
        LicenceDraft(office=offices[0].code, issued_on=AGO),
        LicenceDraft(office=offices[1].code, status="active", issued_on=AGO, first_signal_at=signal),
        LicenceDraft(
            office=offices[2].code,
            status="suspended",
            issued_on=AGO,
            first_signal_at=signal,
            suspended_until=TODAY + dt.timedelta(days=20),
            reason="تخلف",
        ),
        LicenceDraft(
            office=offices[3].code,
            status="revoked",
            issued_on=AGO,
            ended_at=NOW - dt.timedelta(days=10),
            reason="عدم فعالیت",
            basis="ماده ۱۲",
        ),
        LicenceDraft(
            office=offices[4].code,
            status="expired",
            issued_on=TODAY - dt.timedelta(days=2000),
            expires_on=TODAY - dt.timedelta(days=100),
            ended_at=NOW - dt.timedelta(days=99),
        ),
        LicenceDraft(
            office=offices[5].code,
            status="surrendered",
            issued_on=AGO,
            ended_at=NOW - dt.timedelta(days=3),
            reason="انصراف",
        ),
    ]


def test_every_state_is_imported_with_its_audit_entry():
    offices = [make_office(n) for n in range(1, 7)]

    licences = licences_issue_many(rows=_rows(offices), actor="import:cra", now=NOW)

    stored = {licence.office_id: licence for licence in Licence.objects.all()}
    assert [stored[office.pk].status for office in offices] == [
        "issued", "active", "suspended", "revoked", "expired", "surrendered",
    ]  # fmt: skip
    assert all(licence.pk == stored[licence.office_id].pk for licence in licences)
    assert len({licence.number for licence in licences}) == 6
    entries = AuditEntry.objects.filter(action="licence.import")
    assert entries.count() == 6
    assert {entry.basis for entry in entries} == {BASIS_IMPORT}
    revoked = entries.get(target_id=str(stored[offices[3].pk].pk))
    assert (revoked.after["reason"], revoked.after["basis"]) == ("عدم فعالیت", "ماده ۱۲")
    assert stored[offices[1].pk].activated_at == stored[offices[1].pk].first_signal_at
    assert audit_chain_verify().intact


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"status": "active"}, "first_signal_at"),
        ({"status": "suspended", "first_signal_at": NOW}, "suspended_until"),
        ({"status": "revoked", "ended_at": NOW, "reason": "x"}, "basis"),
        ({"status": "surrendered", "reason": "x"}, "ended_at"),
        ({"status": "expired", "ended_at": NOW}, "ended_at"),  # expires in five years
        ({"status": "issued", "ended_at": NOW}, "ended_at"),
        ({"status": "active", "first_signal_at": NOW + dt.timedelta(hours=1)}, "first_signal_at"),
        ({"issued_on": TODAY + dt.timedelta(days=1)}, "issued_on"),
        ({"expires_on": TODAY - dt.timedelta(days=1), "issued_on": AGO}, "expires_on"),
        ({"status": "lost"}, "status"),
        ({"office": "P23-9999"}, "office"),
    ],
)
def test_a_row_that_could_not_have_happened_refuses_the_batch_naming_it(row, field):
    good, other = make_office(1), make_office(2)
    rows = [LicenceDraft(office=good.code), LicenceDraft(**({"office": other.code} | row))]

    with pytest.raises(ValidationError) as refused:
        licences_issue_many(rows=rows, actor=None, now=NOW)

    assert f"rows[1].{field}" in refused.value.fields
    assert Licence.objects.count() == 0


def test_two_licences_in_force_for_one_office_are_refused():
    office = make_office(1)
    imported(office)

    with pytest.raises(ConflictError) as in_db:
        licences_issue_many(rows=[LicenceDraft(office=office.code)], actor=None)
    other = make_office(2)
    with pytest.raises(ConflictError) as in_batch:
        licences_issue_many(rows=[LicenceDraft(office=other.code)] * 2, actor=None)

    assert "rows[0].office" in in_db.value.fields
    assert "rows[1].office" in in_batch.value.fields


def test_parallel_offices_hold_no_licence():
    office = make_office(1, kind="social_security")

    with pytest.raises(ValidationError):
        licences_issue_many(rows=[LicenceDraft(office=office.code)], actor=None)


def test_numbers_continue_after_those_in_use():
    first = imported(make_office(1))
    (second,) = licences_issue_many(rows=[LicenceDraft(office=make_office(2).code)], actor=None)

    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


@pytest.mark.timing
def test_two_thousand_licences_at_once():
    # given 2,000 offices in Tehran city
    offices = office_register_many(rows=[office_draft(n) for n in range(1, 2001)], actor=None)
    rows = [
        LicenceDraft(
            office=office.code,
            status="active" if n % 2 else "issued",
            issued_on=AGO,
            first_signal_at=NOW - dt.timedelta(days=1) if n % 2 else None,
        )
        for n, office in enumerate(offices)
    ]

    started = time.perf_counter()
    licences_issue_many(rows=rows, actor=None, now=NOW)
    elapsed = time.perf_counter() - started

    assert Licence.objects.count() == 2000
    assert Licence.objects.filter(status="active").count() == 1000
    assert AuditEntry.objects.filter(action="licence.import").count() == 2000
    print(f"2,000 licences in {elapsed:.2f} s")
    assert elapsed < 20
