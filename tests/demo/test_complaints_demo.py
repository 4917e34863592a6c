"""The demo's complaints: one in each state a directorate meets, one escalated to the regulator and
one refund order for the demo office, all made through supervision's services (audited)."""

from __future__ import annotations

from collections import Counter

import pytest

from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.demo.complaints import DEMO_OFFICE, complaints_build
from pishkhan.supervision.models import Complaint
from tests.offices.factories import make_office


@pytest.mark.django_db
def test_the_demo_has_complaints_in_every_state_one_escalated_and_one_refund(geo_loaded):
    offices = [make_office(n) for n in range(1, 4)]
    assert offices[0].code == DEMO_OFFICE

    assert complaints_build() == 6

    complaints = Complaint.objects.all()
    assert {c.office.province.code for c in complaints} == {"23"}
    assert Counter(c.status for c in complaints) == {
        "received": 2,
        "under_review": 1,
        "answered": 1,
        "closed": 2,
    }
    escalated = complaints.get(escalated_at__isnull=False)
    assert escalated.status == "received"
    refund = complaints.get(refund_status="ordered")
    assert (refund.office.code, refund.refund_amount, refund.outcome) == (DEMO_OFFICE, 300_000, "upheld")
    assert audit_chain_verify().intact


@pytest.mark.django_db
def test_a_province_without_offices_gets_no_demo_complaints(geo_loaded):
    assert complaints_build() == 0
    assert not Complaint.objects.exists()
