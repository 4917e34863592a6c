"""The rules' evaluators on transactions written through the counter's API and the history import:
each rule fires on what it should and not on the rest; the cursor's first look-back and its late
commits; abnormal volume's robust z-scores (the pure core too); the registry; the race of two raises;
the selectors other parts read (scores, the inspections' draw)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.utils import timezone

from pishkhan.catalogue.models import Service
from pishkhan.common.calendar import TEHRAN
from pishkhan.supervision import evaluators, selectors, services, tasks
from pishkhan.supervision.evaluators import Finding
from pishkhan.supervision.liveness import offices_offline_in_hours
from pishkhan.supervision.models import Alert, AlertCursor, Rule
from pishkhan.supervision.rulebook import robust_z, thresholds_clean, volume_outliers
from pishkhan.supervision.states import ALERT_TRANSITIONS, AlertStatus
from pishkhan.transactions.selectors import transaction_last_id
from pishkhan.transactions.services import HistoryRow, transactions_history_import
from tests.licensing.factories import imported
from tests.offices.factories import make_office, national_id
from tests.supervision.alerts_fixtures import ALL_DAY, SERVICE, TARIFF, evaluate, post


def _from_the_start() -> None:
    AlertCursor.objects.create(name="counter", last_id=0)


def _history(office, at: dt.datetime, reference: str, *, fee: int = TARIFF, citizen: int = 4242) -> None:
    transactions_history_import(
        rows=[
            HistoryRow(
                office=office,
                service=SERVICE,
                national_id=national_id(citizen),
                mobile="09120000000",
                fee_charged=fee,
                office_reference=reference,
                state="completed",
                recorded_at=at,
                submitted_at=at + dt.timedelta(seconds=30),
                finished_at=at + dt.timedelta(minutes=1),
            )
        ],
        actor=None,
    )


def _rules() -> dict[str, list[Alert]]:
    found: dict[str, list[Alert]] = {}
    for alert in Alert.objects.select_related("rule", "office").order_by("id"):
        found.setdefault(alert.rule.code, []).append(alert)
    return found


# --- The pure core ---------------------------------------------------------------------------------


def test_robust_z_uses_median_and_mad_with_a_floor():
    assert robust_z(10, [1, 2, 3, 4, 100]) == pytest.approx((10 - 3) / (1.4826 * 1))
    assert robust_z(12, [2, 2, 2, 2]) == 10.0  # MAD 0: the spread is floored at 1
    assert robust_z(5, []) is None
    # One huge day in the history barely moves a robust score (a mean and sd would be swamped).
    assert robust_z(50, [10, 11, 9, 10, 1000]) > 20


def test_volume_outliers_need_both_histories_and_a_minimum():
    county_of = {1: 7, 2: 7, 3: 7, 4: 8}
    history = {1: [10, 12, 11, 9], 2: [10, 11, 10, 12], 3: [11, 10, 9, 10], 4: [100, 110, 90]}
    found = volume_outliers(
        today={1: 90, 2: 11, 3: 85, 4: 95},
        history=history,
        county_of=county_of,
        z_own=3.5,
        z_peers=3.5,
        min_transactions=30,
    )
    # 1 and 3 are far above their own past, but each other's peers: 1 against (11, 85) is not a
    # peer outlier; office 4 is alone in its county and near its own past.
    assert found == []
    found = volume_outliers(
        today={1: 90, 2: 11, 3: 10, 4: 95},
        history=history,
        county_of=county_of,
        z_own=3.5,
        z_peers=3.5,
        min_transactions=30,
    )
    assert [(f.office_id, f.count, f.own_median) for f in found] == [(1, 90, 10.5)]
    assert (
        volume_outliers(
            today={1: 25}, history=history, county_of=county_of, z_own=3.5, z_peers=3.5, min_transactions=30
        )
        == []
    )


def test_thresholds_are_checked_against_their_ranges():
    cleaned, problems = thresholds_clean("repeat_citizen", {"per_day": 3}, current={"per_day": 5})
    assert (cleaned, problems) == ({"per_day": 3}, {})
    _, problems = thresholds_clean(
        "abnormal_volume", {"z_own": 100, "min_transactions": 2.5, "history_days": "7", "x": 1}
    )
    assert problems == {
        "thresholds.z_own": "out_of_range",
        "thresholds.min_transactions": "not_an_integer",
        "thresholds.history_days": "not_a_number",
        "thresholds.x": "unknown",
    }
    _, problems = thresholds_clean("overcharge", {"tolerance_rials": True})
    assert problems == {"thresholds.tolerance_rials": "not_a_number"}


# --- Per-transaction rules -------------------------------------------------------------------------


def test_the_overcharge_tolerance_is_a_threshold(shop):
    services.rule_update(code="overcharge", thresholds={"tolerance_rials": 20_000}, actor=None)
    post(shop.key, fee=TARIFF + 20_000)
    post(shop.key, fee=TARIFF + 20_010)
    evaluate()

    (alert,) = _rules()["overcharge"]
    assert (alert.count, alert.figures["excess"]) == (1, 20_010)


def test_off_hours_by_the_office_hours_in_tehran_with_a_grace(shop):
    _from_the_start()
    default_hours = make_office(5)  # Saturday–Wednesday 08–16, Thursday 08–12, Friday closed
    imported(default_hours, status="active")
    today = timezone.localdate()
    monday = today - dt.timedelta(days=(today.weekday() - 0) % 7 or 7)  # a past Monday: 08–16
    at = dt.datetime(monday.year, monday.month, monday.day, tzinfo=TEHRAN)
    _history(default_hours, at.replace(hour=3), "H-1")  # 03:00: off hours
    _history(default_hours, at.replace(hour=16, minute=10), "H-2")  # within the 15-minute grace
    _history(default_hours, at.replace(hour=10), "H-3")  # open
    _history(shop.office, at.replace(hour=3), "H-4")  # open all day
    evaluate()

    (alert,) = _rules()["off_hours"]
    assert (alert.office, alert.count, alert.severity) == (default_hours, 1, "warning")
    assert alert.figures["recorded_at"].endswith("03:00")


def test_the_same_citizen_many_times_a_day(shop):
    services.rule_update(code="repeat_citizen", thresholds={"per_day": 3}, actor=None)
    for _ in range(2):
        post(shop.key, citizen=11)
    post(shop.key, citizen=12)
    post(shop.key, citizen=13)
    evaluate()
    assert "repeat_citizen" not in _rules()

    post(shop.key, citizen=11)  # the third today
    evaluate()
    post(shop.key, citizen=11)  # the fourth folds into it
    evaluate()

    (alert,) = _rules()["repeat_citizen"]
    assert alert.count == 2
    assert alert.figures["transactions"] == 4
    assert alert.figures["citizen"] == national_id(11)[:3] + "*****" + national_id(11)[-2:]
    assert national_id(11) not in str(alert.evidence)


def test_a_service_the_office_may_not_deliver(shop):
    _from_the_start()
    posted = post(shop.key)
    Service.objects.filter(pk=shop.service.pk).update(office_kinds=["ict"])  # as an import might find it
    evaluate()

    (alert,) = _rules()["undeliverable_service"]
    assert (alert.dedupe_key, alert.tracking_codes, alert.severity) == (
        shop.service.code,
        [posted["tracking_code"]],
        "critical",
    )


def test_transactions_of_an_office_whose_licence_is_not_in_force(shop):
    _from_the_start()
    suspended = make_office(6, opening_hours=ALL_DAY)
    imported(suspended, status="suspended")
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    _history(suspended, hour_ago, "H-1")
    _history(shop.office, hour_ago, "H-2")
    evaluate()

    (alert,) = _rules()["licence_not_in_force"]
    assert (alert.office, alert.count) == (suspended, 1)


# --- The cursor ------------------------------------------------------------------------------------


def test_a_fresh_database_looks_back_a_day_not_through_the_whole_history(shop):
    _history(shop.office, timezone.now() - dt.timedelta(days=3), "H-old", fee=TARIFF + 90_000)
    live = post(shop.key, fee=TARIFF + 10_000)

    assert evaluate() == 1
    (alert,) = _rules()["overcharge"]
    assert alert.tracking_codes == [live["tracking_code"]]
    assert evaluate() == 0


def test_nothing_is_read_and_no_cursor_made_before_the_first_transaction(geo_loaded):
    assert evaluate() == 0
    assert not AlertCursor.objects.exists()


def test_a_transaction_committed_after_the_cursor_passed_its_id_is_still_read(shop):
    posted = post(shop.key, fee=TARIFF + 10_000)
    evaluate()
    Alert.objects.all().delete()
    cursor = AlertCursor.objects.get()
    now = timezone.now()
    # As if the id had been skipped as not yet committed, and an old gap long since given up.
    cursor.pending = [
        [cursor.last_id, now.timestamp()],
        [cursor.last_id - 1, (now - dt.timedelta(hours=1)).timestamp()],
    ]
    cursor.save()

    assert evaluate() == 1
    (alert,) = _rules()["overcharge"]
    assert alert.tracking_codes == [posted["tracking_code"]]
    assert AlertCursor.objects.get().pending == []


def test_gaps_in_the_ids_of_a_batch_are_awaited(shop):
    _from_the_start()
    post(shop.key)
    newest = transaction_last_id()
    # As if the two ids before the newest had been taken by inserts not yet committed.
    AlertCursor.objects.filter(name="counter").update(last_id=newest - 3)
    evaluate()

    cursor = AlertCursor.objects.get()
    assert [pk for pk, _since in cursor.pending] == [newest - 2, newest - 1]
    assert cursor.last_id == newest


# --- Periodic rules and the registry -----------------------------------------------------------------


def test_abnormal_volume_against_the_office_past_and_its_county(shop):
    now = (timezone.now() - dt.timedelta(days=12)).astimezone(TEHRAN).replace(hour=20, minute=0)
    for back in range(1, 11):
        day = now - dt.timedelta(days=back)
        for n in range(2):
            _history(shop.office, day.replace(hour=9, minute=n), f"P-{back}-{n}")
            _history(shop.other, day.replace(hour=9, minute=n), f"Q-{back}-{n}")
    for n in range(2):
        _history(shop.other, now.replace(hour=9, minute=n), f"Q-0-{n}")
    for n in range(40):
        _history(shop.office, now.replace(hour=10, minute=n), f"P-0-{n}", citizen=100 + n)

    tasks.alerts_periodic(now=now)
    tasks.alerts_periodic(now=now)

    (alert,) = _rules()["abnormal_volume"]
    assert (alert.office, alert.count, alert.dedupe_key) == (shop.office, 2, now.date().isoformat())
    assert alert.figures["transactions"] == 40
    assert alert.figures["own_median"] == 2.0
    assert alert.figures["own_z"] >= 3.5


def test_an_evaluator_is_added_with_one_line_and_a_rule_without_one_is_skipped(shop, monkeypatch):
    since = timezone.now() - dt.timedelta(hours=2)
    asked = {}

    def offline(*, now, minutes, province=None):
        asked["minutes"] = minutes
        return [(shop.office.pk, since)]

    periodic = dict(evaluators.PERIODIC_EVALUATORS)
    del periodic["offline_in_hours"]
    monkeypatch.setattr(evaluators, "PERIODIC_EVALUATORS", periodic)
    tasks.alerts_periodic(now=timezone.now())
    assert not Alert.objects.filter(rule__code="offline_in_hours").exists()  # no evaluator: skipped

    periodic["offline_in_hours"] = evaluators.offline_in_hours_from(offline)
    tasks.alerts_periodic(now=timezone.now())

    (alert,) = _rules()["offline_in_hours"]
    assert (alert.office, asked["minutes"]) == (shop.office, 60)
    assert alert.figures["minutes"] >= 119


def test_an_office_silent_in_its_hours_raises_the_offline_alert_the_board_agrees_with(geo_loaded):
    silent = make_office(7, opening_hours=ALL_DAY)
    imported(silent, status="active")
    now = timezone.now()

    tasks.alerts_periodic(now=now)

    (alert,) = Alert.objects.filter(rule__code="offline_in_hours", office=silent)
    assert dict(offices_offline_in_hours(now=now, minutes=60))[silent.pk] is not None
    assert alert.figures["minutes"] >= 60


# --- Raising ---------------------------------------------------------------------------------------


@pytest.fixture
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; concurrency is tested on PostgreSQL")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_postgresql_only")
def test_two_raises_of_the_same_finding_at_once_make_one_alert(shop):
    rule = Rule.objects.get(code="overcharge")
    start = threading.Barrier(2)

    def raise_one(code):
        try:
            start.wait()
            finding = Finding(rule="overcharge", office_id=shop.office.pk, tracking_codes=[code])
            services.alert_raise(rule=rule, finding=finding)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(raise_one, ["A", "B"]))

    (alert,) = Alert.objects.all()
    assert alert.count == 2
    assert sorted(alert.tracking_codes) == ["A", "B"]


def test_evidence_is_capped_while_the_count_grows(shop):
    rule = Rule.objects.get(code="overcharge")
    for n in range(60):
        services.alert_raise(
            rule=rule, finding=Finding(rule="overcharge", office_id=shop.office.pk, tracking_codes=[f"T{n}"])
        )

    (alert,) = Alert.objects.all()
    assert alert.count == 60
    assert alert.tracking_codes == [f"T{n}" for n in range(50)]


# --- What other parts read -------------------------------------------------------------------------


def test_alerts_for_score_and_offices_with_open_alerts(shop):
    rule = {r.code: r for r in Rule.objects.all()}
    now = timezone.now()

    def raised(office, code, key=""):
        return services.alert_raise(
            rule=rule[code], finding=Finding(rule=code, office_id=office.pk, dedupe_key=key)
        )

    raised(shop.office, "overcharge")
    raised(shop.office, "overcharge")  # a fold: still one alert
    raised(shop.office, "off_hours")
    dismissed = raised(shop.other, "repeat_citizen", "a")
    resolved = raised(shop.isfahan, "off_hours")
    services.alert_dismiss(alert=dismissed, reason="A family.", actor=None)
    services.alert_resolve(alert=resolved, note="Talked to them.", actor=None)
    old = raised(shop.other, "off_hours")
    Alert.objects.filter(pk=old.pk).update(first_seen=now - dt.timedelta(days=40))

    scores = selectors.alerts_for_score(start=now - dt.timedelta(days=1), end=now + dt.timedelta(minutes=1))

    assert scores == {shop.office.pk: {"critical": 1, "warning": 1}, shop.isfahan.pk: {"warning": 1}}
    assert selectors.offices_with_open_alerts() == {shop.office.pk, shop.other.pk}
    assert selectors.offices_with_open_alerts(province="10") == set()
    assert selectors.offices_with_open_alerts(province="23") == {shop.office.pk, shop.other.pk}


def test_an_alert_is_acknowledged_then_resolved_or_dismissed_and_stays_so():
    assert sorted(ALERT_TRANSITIONS.pairs()) == [
        ("acknowledged", "dismissed"),
        ("acknowledged", "resolved"),
        ("open", "acknowledged"),
        ("open", "dismissed"),
        ("open", "resolved"),
    ]
    assert set(ALERT_TRANSITIONS.moves) == set(AlertStatus.values)
