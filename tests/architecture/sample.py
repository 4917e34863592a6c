"""One of each thing a page can be about, in Tehran province, made through the domain services: the
sample data the URL sweep (test_access.py) fills every route's parameters from, as cisagov's
``test_url_auth.py`` does.

A route that shows something new needs its object here and its parameters in ``test_access.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from pishkhan.accounts.models import User
from pishkhan.licensing.models import LicenceApplication
from pishkhan.offices.services import conversion_request
from pishkhan.planning import groups as working_groups
from pishkhan.planning.models import Session
from pishkhan.supervision.criteria import InactivityCriteria
from pishkhan.supervision.evaluators import Finding
from pishkhan.supervision.models import (
    Alert,
    CampaignCase,
    Complaint,
    InactivityCampaign,
    Inspection,
    Rule,
    SanctionCase,
)
from pishkhan.supervision.scores import JalaliMonth
from pishkhan.supervision.services import (
    alert_raise,
    campaign_start,
    complaint_submit,
    inspection_conduct,
    inspection_plan,
    sanction_open,
    scores_compute,
)
from tests.accounts.factories import UserFactory
from tests.licensing.factories import approved, as_principal, directorate, imported, licensee, regulator
from tests.offices.factories import make_agency, make_office, make_service, make_tariff_since
from tests.supervision.inspection_factories import photo
from tests.transactions.factories import make_transaction

GOVERNMENT_FEE, OFFICE_FEE = 500_000, 150_000


@dataclass(frozen=True)
class Sample:
    """The objects of Tehran province that the sweep's routes name."""

    agency: object
    service: object
    office: object  # a Pishkhan office with an active licence and a transaction
    licence: object  # that office's licence
    transaction: object
    conversion: object  # of a Social Security office
    application: LicenceApplication  # approved: its own licence and office came of it
    document_id: int
    holder: User  # who applied, and holds the application's licence
    complaint: Complaint
    campaign: InactivityCampaign
    case: CampaignCase
    inspection: Inspection  # planned for the sample's office, with one photo
    photo_id: int
    alert: Alert  # an overcharge alert about the office
    sanction: SanctionCase  # against the office's licence
    session: Session  # of Tehran's working group, scheduled, its agenda generated
    staff: User  # an inspector of Tehran province, whose account Tehran's directorate manages


def sample_build() -> Sample:
    """Build the sample (the geography must be loaded)."""
    agency = make_agency()
    service = make_service(agency, "pension-statement")
    make_tariff_since(service, days=60, government_fee=GOVERNMENT_FEE, office_fee=OFFICE_FEE)
    office = make_office(1)
    licence = imported(office, status="active")
    transaction = make_transaction(office)
    conversion = conversion_request(office=make_office(2, kind="social_security"), actor=None)
    holder = licensee()
    application, _licence = approved(holder, reviewer=directorate(), decider=regulator())
    # Never activated since its issue 120 days ago: the campaign's one case.
    imported(make_office(3), status="issued", issued_on=timezone.localdate() - dt.timedelta(days=120))
    campaign = campaign_start(
        criteria=InactivityCriteria(idle_days=0), grace_days=30, actor=as_principal(regulator())
    )
    complaint = complaint_submit(office_code=office.code, category="overcharging", description="بیش از تعرفه")
    inspector = UserFactory(role="inspector", jurisdiction_code="23")
    inspection = inspection_plan(
        office_code=office.code,
        planned_for=timezone.localdate() + dt.timedelta(days=1),
        inspector=inspector.username,
        actor=as_principal(directorate()),
    )
    photo_id = (
        inspection_conduct(
            inspection=inspection, actor=as_principal(inspector), photos=[("signboard", photo())]
        )
        .photos[0]
        .pk
    )
    sanction = sanction_open(office_code=office.code, ground="overcharge", facts="بیش از تعرفه", actor=None)
    scores_compute(month=JalaliMonth.of(timezone.now()), actor=None)  # the office's score page
    group = working_groups.working_group_ensure(province=office.province, actor=None)
    working_groups.member_add(group=group, username=directorate().username, role="chair", actor=None)
    session = working_groups.session_schedule(
        group=group, scheduled_at=timezone.now() + dt.timedelta(days=1), actor=None
    )
    return Sample(
        agency=agency,
        service=service,
        office=office,
        licence=licence,
        transaction=transaction,
        conversion=conversion,
        application=application,
        document_id=application.documents.values_list("pk", flat=True).first(),
        holder=holder,
        complaint=complaint,
        campaign=campaign,
        case=campaign.cases.get(),
        inspection=inspection,
        photo_id=photo_id,
        alert=alert_raise(
            rule=Rule.objects.get(code="overcharge"),
            finding=Finding(
                rule="overcharge", office_id=office.pk, tracking_codes=[transaction.tracking_code]
            ),
        ),
        sanction=sanction,
        session=session,
        staff=inspector,
    )


def outsider(role: str, code: str = "") -> User:
    """A signed-in user whose jurisdiction holds none of the sample (Isfahan province, or elsewhere)."""
    return UserFactory(role=role, jurisdiction_code=code)
