"""Fixtures of the inactivity campaigns: a small network whose licences meet each criterion or none,
built through the domain services (licences imported with their history, old transactions through
the history import, heartbeats through the counter), and the SMS log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from pishkhan.accounts.services import apikey_create
from pishkhan.transactions.services import HistoryRow, heartbeat_record, transactions_history_import
from tests.licensing.factories import imported
from tests.offices.factories import (
    ARDESTAN,
    ARDESTAN_COUNTY,
    ISFAHAN_PROVINCE,
    make_agency,
    make_office,
    make_service,
    make_tariff_since,
    national_id,
)
from tests.supervision.alerts_fixtures import shop  # noqa: F401  (the alerts' fixture)

SERVICE = "tamin.pension-statement"


@pytest.fixture
def sms_log(settings, tmp_path):
    """The SMS backend's log file, in a fresh data directory."""
    settings.PISHKHAN_SMS_BACKEND = "log"
    settings.PISHKHAN_DATA_DIR = tmp_path
    return tmp_path / "sms.log"


def days_ago(days: int, *, hours: int = 0) -> dt.datetime:
    """A moment ``days`` days (and ``hours`` hours) before now."""
    return timezone.now() - dt.timedelta(days=days, hours=hours)


def priced(service) -> None:
    """A tariff for ``service`` in force since long before any transaction of these tests (the counter,
    and so the history import, refuses a service without one)."""
    make_tariff_since(service, days=800, government_fee=500_000, office_fee=150_000)


def past_transaction(office, at: dt.datetime, reference: str) -> None:
    """A finished transaction of the office received at ``at``, through the history import."""
    transactions_history_import(
        rows=[
            HistoryRow(
                office=office,
                service=SERVICE,
                national_id=national_id(4242),
                mobile="09120000000",
                fee_charged=650_000,
                office_reference=reference,
                state="completed",
                recorded_at=at,
                submitted_at=at + dt.timedelta(minutes=1),
                finished_at=at + dt.timedelta(minutes=2),
                received_at=at,
            )
        ],
        actor=None,
    )


@dataclass
class Network:
    """The offices of the tests by what their licence is, and the service they deliver."""

    never: object  # Tehran: issued 120 days ago, never activated (heartbeat 5 days ago, no key)
    fresh: object  # Tehran: issued 30 days ago, not activated: not yet a candidate
    idle: object  # Tehran: active, last transaction 200 days ago
    busy: object  # Tehran: active, last transaction 10 days ago
    silent: object  # Tehran: active since 300 days ago, never a transaction
    newcomer: object  # Tehran: active since 20 days ago, no transaction yet
    suspended: object  # Tehran: suspended
    revoked: object  # Tehran: revoked long ago
    isfahan: object  # Isfahan: issued 200 days ago, never activated
    parallel: object  # Tehran: a Social Security office, which holds no CRA licence
    service: object

    @property
    def candidates(self) -> dict[str, str]:
        """Office code → criterion, for the default criteria (90 and 180 days)."""
        return {
            self.never.code: "never_activated",
            self.idle.code: "idle",
            self.silent.code: "idle",
            self.isfahan.code: "never_activated",
        }


@pytest.fixture
def network(geo_loaded):
    """Ten offices whose licences meet a criterion or none (see ``Network``)."""
    today = timezone.localdate()
    agency = make_agency()
    service = make_service(agency, "pension-statement")
    priced(service)
    offices = [make_office(n) for n in range(1, 9)]
    isfahan = make_office(
        9, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )
    parallel = make_office(10, kind="social_security")
    never, fresh, idle, busy, silent, newcomer, suspended, revoked = offices
    long_ago = today - dt.timedelta(days=400)
    imported(never, status="issued", issued_on=today - dt.timedelta(days=120))
    imported(fresh, status="issued", issued_on=today - dt.timedelta(days=30))
    for office in (idle, busy):
        imported(office, status="active", issued_on=long_ago, first_signal_at=days_ago(399))
    imported(silent, status="active", issued_on=long_ago, first_signal_at=days_ago(300))
    imported(newcomer, status="active", issued_on=today - dt.timedelta(days=25), first_signal_at=days_ago(20))
    imported(suspended, status="suspended", issued_on=long_ago, first_signal_at=days_ago(399))
    imported(revoked, status="revoked", issued_on=long_ago, ended_at=days_ago(100))
    imported(isfahan, status="issued", issued_on=today - dt.timedelta(days=200))
    past_transaction(idle, days_ago(200), "H-1")
    past_transaction(busy, days_ago(10), "H-2")
    past_transaction(suspended, days_ago(300), "H-3")
    heartbeat_record(office=never, terminal_id="T-1", software_version="1.0", at=days_ago(5))
    heartbeat_record(office=idle, terminal_id="T-1", software_version="1.0", at=days_ago(3))
    return Network(
        never=never,
        fresh=fresh,
        idle=idle,
        busy=busy,
        silent=silent,
        newcomer=newcomer,
        suspended=suspended,
        revoked=revoked,
        isfahan=isfahan,
        parallel=parallel,
        service=service,
    )


def office_key(office) -> str:
    """A new API key for the office's system."""
    _, key = apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    return key
