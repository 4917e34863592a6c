"""Citizens rate completed transactions: once, with the tracking code and their national ID; the
ratings feed the office's score and show in aggregate on its public page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.frontoffice.models import Rating
from pishkhan.frontoffice.selectors import office_rating_summary, ratings_for_score
from pishkhan.frontoffice.services import rating_submit
from pishkhan.gateway.services import outbox_deliver_due
from pishkhan.supervision.scores import score_components
from tests.offices.factories import national_id as national_id_of
from tests.transactions.test_services import CITIZEN, record

pytestmark = pytest.mark.django_db


def _completed(office, n=1):
    transaction = record(office, key=f"r-{n}", office_reference=f"R-{n}").transaction
    outbox_deliver_due(now=timezone.now())  # the sandbox agency completes it
    return transaction


def test_a_completed_transaction_is_rated_once(counter):
    transaction = _completed(counter["office"])

    rating = rating_submit(
        tracking_code=transaction.tracking_code, national_id=CITIZEN, stars="4", comment="  سریع و خوب  "
    )

    assert (rating.stars, rating.office_id, rating.transaction_id) == (
        4,
        counter["office"].pk,
        transaction.pk,
    )
    with pytest.raises(ConflictError, match="already been rated"):
        rating_submit(tracking_code=transaction.tracking_code, national_id=CITIZEN, stars=5)
    assert Rating.objects.count() == 1


def test_a_comment_with_control_characters_is_refused(counter):
    transaction = _completed(counter["office"])

    with pytest.raises(ValidationError) as refused:
        rating_submit(tracking_code=transaction.tracking_code, national_id=CITIZEN, stars=3, comment="a\x00b")
    assert "comment" in refused.value.fields


def test_a_wrong_national_id_or_code_finds_nothing_alike(counter):
    transaction = _completed(counter["office"])

    with pytest.raises(NotFoundError) as wrong_id:
        rating_submit(tracking_code=transaction.tracking_code, national_id=national_id_of(777), stars=5)
    with pytest.raises(NotFoundError) as wrong_code:
        rating_submit(tracking_code="1234567890", national_id=CITIZEN, stars=5)
    assert str(wrong_id.value) == str(wrong_code.value)
    assert not Rating.objects.exists()


def test_a_transaction_not_completed_cannot_be_rated(counter):
    transaction = record(counter["office"]).transaction  # received, not yet delivered

    with pytest.raises(ConflictError, match="once it is completed"):
        rating_submit(tracking_code=transaction.tracking_code, national_id=CITIZEN, stars=5)


@pytest.mark.parametrize("stars", [0, 6, "", "five", None, -1])
def test_stars_out_of_range_are_refused(counter, stars):
    transaction = _completed(counter["office"])

    with pytest.raises(ValidationError) as refused:
        rating_submit(tracking_code=transaction.tracking_code, national_id=CITIZEN, stars=stars)
    assert "stars" in refused.value.fields
    assert not Rating.objects.exists()


def test_the_office_aggregate_and_the_score_component(counter):
    for n, stars in enumerate([5, 4, 2], start=1):
        transaction = _completed(counter["office"], n)
        rating_submit(tracking_code=transaction.tracking_code, national_id=CITIZEN, stars=stars)
    now = timezone.now()

    summary = office_rating_summary(office_id=counter["office"].pk)
    month = ratings_for_score(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))

    assert (summary.count, round(summary.mean, 3)) == (3, round(11 / 3, 3))
    assert month == {counter["office"].pk: pytest.approx(11 / 3)}
    assert office_rating_summary(office_id=counter["other"].pk).count == 0
    assert score_components()["ratings"] is ratings_for_score


def test_the_public_page_rates_and_the_office_page_shows_the_aggregate(client, counter):
    transaction = _completed(counter["office"])

    form = client.get(f"/rate/?code={transaction.tracking_code}")
    assert form.status_code == 200
    assert transaction.tracking_code in form.content.decode()
    answer = client.post(
        "/rate/", {"code": transaction.tracking_code, "national_id": CITIZEN, "stars": "5", "comment": ""}
    )
    again = client.post("/rate/", {"code": transaction.tracking_code, "national_id": CITIZEN, "stars": "1"})
    wrong = client.post("/rate/", {"code": "1234567890", "national_id": CITIZEN, "stars": "1"})
    board = client.get(f"/offices/{counter['office'].code}/rates/")

    assert answer.status_code == 200
    assert 'id="rated"' in answer.content.decode()
    assert again.status_code == 409
    assert wrong.status_code == 404
    assert 'id="ratings-summary"' in board.content.decode()
    assert Rating.objects.get().stars == 5


def test_the_tracking_page_links_a_completed_transaction_to_its_rating(client, counter):
    transaction = _completed(counter["office"])

    page = client.post("/track/", {"code": transaction.tracking_code, "national_id": CITIZEN})

    html = page.content.decode()
    assert f"/rate/?code={transaction.tracking_code}" in html
    # and shows the steps the citizen was texted: received, sent to the agency, completed
    steps = html.split('id="steps"')[1].split("</ol>")[0]
    assert steps.count("<li>") == 3
