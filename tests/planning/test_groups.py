"""Provinces' working groups: members, sessions with a generated agenda, attendance, votes, quorum and
majority, decisions that set county quotas (refusing approvals beyond them), the regulator's
confirmation or return; bad input refused with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.geo.models import County, Province
from pishkhan.licensing.errors import QuotaReachedError
from pishkhan.licensing.models import CountyQuota
from pishkhan.licensing.services import application_decide, county_quota_set
from pishkhan.planning import groups
from pishkhan.planning.coverage import coverage_compute
from pishkhan.planning.models import AgendaItem, Member, Setting, Vote
from pishkhan.planning.states import ItemStatus, SessionStatus
from tests.accounts.factories import UserFactory
from tests.licensing.factories import (
    add_documents,
    approved,
    as_principal,
    licensee,
    regulator,
    reviewed,
    submit,
)
from tests.offices.factories import make_office
from tests.planning.test_coverage import TEHRAN, point

LATER = dt.timedelta(days=2)


@pytest.fixture
def world(geo_loaded):
    """Tehran's coverage and plan (two uncovered city points in Tehran county), and its working group:
    the chair (directorate) and two members."""
    county = County.objects.get(code="2301")
    point(county, Setting.URBAN, TEHRAN[0] + 0.05, TEHRAN[1], 3000)
    point(county, Setting.URBAN, TEHRAN[0] - 0.05, TEHRAN[1], 2000)
    make_office(1)
    coverage_compute()
    province = Province.objects.get(code="23")
    chair = UserFactory(username="dg23", role="directorate", jurisdiction_code="23")
    gov = UserFactory(username="gov23", role="working_group", jurisdiction_code="23")
    emp = UserFactory(username="emp23", role="working_group", jurisdiction_code="23")
    group = groups.working_group_ensure(province=province, actor=as_principal(chair))
    members = {
        "chair": groups.member_add(group=group, username="dg23", role="chair", actor=as_principal(chair)),
        "gov": groups.member_add(
            group=group, username="gov23", role="governorate", actor=as_principal(chair)
        ),
        "emp": groups.member_add(group=group, username="emp23", role="employment", actor=as_principal(chair)),
    }
    return {"group": group, "chair": chair, "gov": gov, "emp": emp, "members": members}


def _session(world):
    return groups.session_schedule(
        group=world["group"],
        scheduled_at=timezone.now() + LATER,
        place="استانداری",
        actor=as_principal(world["chair"]),
    )


def _tehran_item(session) -> AgendaItem:
    return session.items.get(county__code="2301")


def _open(world, session, *who):
    ids = [world["members"][w].pk for w in who]
    return groups.session_open(session=session, present=ids, actor=as_principal(world["chair"]))


def test_the_agenda_is_generated_from_the_province_plan(world):
    session = _session(world)

    item = _tehran_item(session)
    assert session.number == 1
    assert item.facts["proposed_urban"] >= 1
    assert item.pishkhan_quota == item.facts["in_force_pishkhan"] + item.facts["proposed_urban"]
    assert item.ict_quota == item.facts["in_force_ict"] + item.facts["proposed_rural"]
    assert item.facts["quota_pishkhan"] is None
    assert AuditEntry.objects.filter(action="working_group.session_schedule").count() == 1


def test_a_carried_item_sets_the_quota_and_an_approval_beyond_it_is_refused(world):
    session = _session(world)
    item = _tehran_item(session)
    groups.agenda_item_edit(
        item=item, title=item.title, pishkhan_quota="1", ict_quota="", actor=world["chair"]
    )
    _open(world, session, "chair", "gov")
    groups.vote_cast(item=item, choice="yes", actor=as_principal(world["chair"]))
    groups.vote_cast(item=item, choice="no", actor=as_principal(world["gov"]))
    groups.vote_cast(item=item, choice="yes", actor=as_principal(world["gov"]))  # changed their mind

    decided = groups.item_decide(item=item, actor=as_principal(world["chair"]))

    assert decided.status == ItemStatus.CARRIED
    assert decided.quotas_before == {"pishkhan": None}
    quota = CountyQuota.objects.get(county__code="2301", office_kind="pishkhan")
    assert quota.maximum == 1
    assert quota.basis == f"Working group of تهران, session {session.number}, item {item.number}"
    assert not CountyQuota.objects.filter(office_kind="ict").exists()
    assert Vote.objects.filter(item=item).count() == 2
    # One licence fits; the next approval is refused.
    approved(licensee(), 1)
    user = licensee()
    application = submit(user, 2)
    add_documents(application, user)
    reviewed(application, world["chair"])
    with pytest.raises(QuotaReachedError):
        application_decide(
            application=application, outcome="approved", reason="ok", actor=as_principal(regulator())
        )


def test_no_quorum_no_decision_and_nothing_changes(world):
    session = _session(world)
    item = _tehran_item(session)
    _open(world, session, "chair")  # 1 of 3: not more than half
    groups.vote_cast(item=item, choice="yes", actor=as_principal(world["chair"]))

    with pytest.raises(ConflictError, match="quorum"):
        groups.item_decide(item=item, actor=as_principal(world["chair"]))
    assert AgendaItem.objects.get(pk=item.pk).status == ItemStatus.OPEN
    assert not CountyQuota.objects.exists()


def test_a_tie_is_not_carried(world):
    session = _session(world)
    item = _tehran_item(session)
    _open(world, session, "chair", "gov", "emp")
    groups.vote_cast(item=item, choice="yes", actor=as_principal(world["chair"]))
    groups.vote_cast(item=item, choice="no", actor=as_principal(world["gov"]))
    groups.vote_cast(item=item, choice="abstain", actor=as_principal(world["emp"]))

    assert groups.item_decide(item=item, actor=world["chair"]).status == ItemStatus.NOT_CARRIED
    assert not CountyQuota.objects.exists()


@pytest.mark.parametrize(("quorum", "majority", "carried"), [(0.5, 0.5, True), (0.5, 0.7, False)])
def test_quorum_and_majority_are_settings(world, settings, quorum, majority, carried):
    settings.PISHKHAN_WORKING_GROUP_QUORUM, settings.PISHKHAN_WORKING_GROUP_MAJORITY = quorum, majority
    session = _session(world)
    item = _tehran_item(session)
    _open(world, session, "chair", "gov", "emp")
    for who, choice in (("chair", "yes"), ("gov", "yes"), ("emp", "no")):
        groups.vote_cast(item=item, choice=choice, actor=as_principal(world[who]))

    assert (groups.item_decide(item=item, actor=world["chair"]).status == ItemStatus.CARRIED) is carried


def test_votes_are_refused_from_absent_members_outsiders_and_after_the_decision(world):
    session = _session(world)
    item = _tehran_item(session)
    with pytest.raises(ConflictError, match="open"):
        groups.vote_cast(item=item, choice="yes", actor=as_principal(world["chair"]))  # not opened yet
    _open(world, session, "chair", "gov")
    with pytest.raises(ConflictError, match="present"):
        groups.vote_cast(item=item, choice="yes", actor=as_principal(world["emp"]))
    stranger = UserFactory(role="working_group", jurisdiction_code="23")
    with pytest.raises(ConflictError, match="members"):
        groups.vote_cast(item=item, choice="yes", actor=as_principal(stranger))
    with pytest.raises(ValidationError):
        groups.vote_cast(item=item, choice="maybe", actor=as_principal(world["chair"]))
    groups.vote_cast(item=item, choice="yes", actor=as_principal(world["chair"]))
    groups.vote_cast(item=item, choice="yes", actor=as_principal(world["gov"]))
    groups.item_decide(item=item, actor=world["chair"])

    with pytest.raises(ConflictError):
        groups.vote_cast(item=item, choice="no", actor=as_principal(world["gov"]))
    with pytest.raises(ConflictError, match="decided"):
        groups.item_decide(item=item, actor=world["chair"])
    assert set(Vote.objects.filter(item=item).values_list("choice", flat=True)) == {"yes"}


def test_a_session_in_the_past_or_bad_quotas_are_refused(world):
    chair = as_principal(world["chair"])
    with pytest.raises(ValidationError, match="future"):
        groups.session_schedule(group=world["group"], scheduled_at=timezone.now() - LATER, actor=chair)
    with pytest.raises(ValidationError):
        groups.session_schedule(group=world["group"], scheduled_at=None, actor=chair)
    session = _session(world)
    item = _tehran_item(session)
    for bad in ("-1", "100001", "many", "2.5", True):
        with pytest.raises(ValidationError):
            groups.agenda_item_edit(item=item, title="x", pishkhan_quota=bad, actor=chair)
        with pytest.raises(ValidationError):
            groups.agenda_item_add(session=session, title="x", county="2301", pishkhan_quota=bad, actor=chair)
    with pytest.raises(ValidationError):
        groups.agenda_item_add(session=session, title="x", county="1001", pishkhan_quota=3, actor=chair)
    with pytest.raises(ValidationError):
        groups.agenda_item_add(session=session, title="", actor=chair)
    assert AgendaItem.objects.get(pk=item.pk).pishkhan_quota == item.pishkhan_quota
    assert session.items.count() == AgendaItem.objects.filter(session=session).count()
    added = groups.agenda_item_add(session=session, title="ساعات کار", actor=chair)
    assert added.number == session.items.count()
    assert not added.is_quota


def test_an_item_with_votes_cannot_be_edited_and_a_closed_session_cannot_change(world):
    chair = as_principal(world["chair"])
    session = _session(world)
    item = _tehran_item(session)
    _open(world, session, "chair", "gov")
    groups.vote_cast(item=item, choice="yes", actor=chair)
    with pytest.raises(ConflictError):
        groups.agenda_item_edit(item=item, title="x", pishkhan_quota=9, actor=chair)
    with pytest.raises(ValidationError):
        groups.session_close(session=session, minutes="  ", actor=chair)
    closed = groups.session_close(session=session, minutes="جلسه با حضور اکثریت برگزار شد.", actor=chair)

    assert closed.status == SessionStatus.CLOSED
    assert AgendaItem.objects.get(pk=item.pk).status == ItemStatus.DEFERRED
    with pytest.raises(ConflictError):
        groups.agenda_item_add(session=session, title="x", actor=chair)
    with pytest.raises(ConflictError):
        groups.session_open(session=session, present=[world["members"]["chair"].pk], actor=chair)


def _carried(world, maximum):
    session = _session(world)
    item = _tehran_item(session)
    groups.agenda_item_edit(
        item=item, title=item.title, pishkhan_quota=maximum, ict_quota=None, actor=world["chair"]
    )
    _open(world, session, "chair", "gov")
    for who in ("chair", "gov"):
        groups.vote_cast(item=item, choice="yes", actor=as_principal(world[who]))
    return groups.item_decide(item=item, actor=world["chair"])


def test_the_regulator_returns_a_decision_and_the_quota_goes_back(world):
    boss = as_principal(regulator())
    county_quota_set(county="2301", office_kind="pishkhan", maximum=7, reason="مصوبه قبلی", actor=boss)
    item = _carried(world, 2)
    assert CountyQuota.objects.get(county__code="2301", office_kind="pishkhan").maximum == 2

    with pytest.raises(ValidationError):
        groups.decision_return(item=item, reason="", actor=boss)
    returned = groups.decision_return(item=item, reason="مغایر با طرح جامع", actor=boss)

    assert returned.status == ItemStatus.RETURNED
    assert CountyQuota.objects.get(county__code="2301", office_kind="pishkhan").maximum == 7
    entry = AuditEntry.objects.filter(action="county_quota.set").last()
    assert entry.reason == "مغایر با طرح جامع"
    with pytest.raises(ConflictError):
        groups.decision_confirm(item=item, actor=boss)


def test_returning_a_decision_on_a_county_without_a_quota_clears_it(world):
    boss = as_principal(regulator())
    item = _carried(world, 1)
    groups.decision_return(item=item, reason="نیاز به بررسی بیشتر", actor=boss)

    assert not CountyQuota.objects.exists()
    assert AuditEntry.objects.filter(action="county_quota.clear").count() == 1


def test_a_confirmed_decision_cannot_be_returned(world):
    boss = as_principal(regulator())
    item = _carried(world, 3)
    confirmed = groups.decision_confirm(item=item, actor=boss)
    assert confirmed.status == ItemStatus.CONFIRMED

    with pytest.raises(ConflictError):
        groups.decision_return(item=item, reason="دیر", actor=boss)
    assert CountyQuota.objects.get().maximum == 3


def test_members_are_people_of_the_province_in_their_roles(world):
    chair = as_principal(world["chair"])
    group = world["group"]
    UserFactory(username="wg10", role="working_group", jurisdiction_code="10")
    UserFactory(username="other23", role="working_group", jurisdiction_code="23")
    UserFactory(username="dg23b", role="directorate", jurisdiction_code="23")
    with pytest.raises(ValidationError):
        groups.member_add(group=group, username="wg10", role="invited", actor=chair)
    with pytest.raises(ValidationError):
        groups.member_add(group=group, username="nobody", role="invited", actor=chair)
    with pytest.raises(ValidationError):
        groups.member_add(group=group, username="other23", role="chair", actor=chair)
    with pytest.raises(ValidationError):
        groups.member_add(group=group, username="other23", role="boss", actor=chair)
    with pytest.raises(ConflictError):
        groups.member_add(group=group, username="dg23b", role="chair", actor=chair)
    with pytest.raises(ConflictError):
        groups.member_add(group=group, username="gov23", role="invited", actor=chair)
    assert group.members.count() == 3
    groups.member_remove(member=world["members"]["emp"], actor=chair)
    with pytest.raises(ConflictError):
        groups.member_remove(member=world["members"]["emp"], actor=chair)
    assert group.members.filter(active=True).count() == 2


def test_seating_many_refuses_all_when_one_seat_is_wrong(geo_loaded):
    tehran, isfahan = Province.objects.get(code="23"), Province.objects.get(code="10")
    UserFactory(username="a23", role="directorate", jurisdiction_code="23")
    UserFactory(username="b23", role="working_group", jurisdiction_code="23")
    UserFactory(username="b10", role="working_group", jurisdiction_code="10")

    with pytest.raises(ValidationError):
        groups.working_groups_seat_many(
            seats=[(tehran, "a23", "chair"), (tehran, "b10", "governorate")], actor=None
        )
    assert not Member.objects.exists()
    seated = groups.working_groups_seat_many(
        seats=[(tehran, "a23", "chair"), (tehran, "b23", "governorate"), (isfahan, "b10", "invited")],
        actor=None,
    )
    assert seated == 3
    assert groups.working_groups_seat_many(seats=[(tehran, "a23", "chair")], actor=None) == 0  # held already
    assert AuditEntry.objects.filter(action="working_group.member_add").count() == 3
