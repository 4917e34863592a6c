"""Provinces' working groups: their members, sessions, agendas, votes and decisions.

A province's working group (the Director-General of ICT in the chair, the governorate's and the
Administrative and Employment Affairs Organization's representatives, and members invited) assesses
how many offices its counties need. The directorate schedules a session, whose agenda is generated
from the province's current plan (one quota item per county that needs a decision), opens it with
the members present, and each present member votes on each item. With a quorum present
(``PISHKHAN_WORKING_GROUP_QUORUM``) an item is decided: carried when its yes votes are a majority of
the votes cast (``PISHKHAN_WORKING_GROUP_MAJORITY``; abstentions are not cast), and a carried quota
item sets the county's quotas through licensing's ``county_quota_set`` (audited, the session as the
basis), so that approvals beyond them are refused. The regulator confirms a carried decision or
returns it with a reason: the quotas go back to what they were.

Every service refuses bad input with a ``ValidationError`` (422), a move its state does not allow
with a ``ConflictError``/``TransitionError`` (409), and changes nothing when it refuses.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.audit.actors import Actor, actor_label, actor_user
from pishkhan.audit.services import AuditItem, audit_record, audit_record_many
from pishkhan.audit.transitions import transition_apply
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.common.persian import to_latin_digits
from pishkhan.geo.models import County, Province
from pishkhan.licensing.models import CountyQuota, LicenceApplication
from pishkhan.licensing.selectors import licences_in_force_count
from pishkhan.licensing.services import MAX_QUOTA, county_quota_clear, county_quota_set
from pishkhan.licensing.states import OPEN_APPLICATION_STATES
from pishkhan.offices.models import Conversion
from pishkhan.offices.states import OPEN_CONVERSION_STATES
from pishkhan.planning.models import (
    AgendaItem,
    Attendance,
    CountyCoverage,
    CoverageRun,
    Member,
    Plan,
    Served,
    Session,
    Vote,
    WorkingGroup,
)
from pishkhan.planning.states import (
    ITEM_TRANSITIONS,
    SESSION_TRANSITIONS,
    ItemStatus,
    MemberRole,
    SessionStatus,
    VoteChoice,
)

TITLE_MAX = 200
MINUTES_MAX = 20_000
# The kinds a quota item decides, and the field of the item that holds each.
QUOTA_FIELDS = {OfficeKind.PISHKHAN: "pishkhan_quota", OfficeKind.ICT: "ict_quota"}


def _refuse(name: str, message: str) -> None:
    raise ValidationError(message, fields={name: message})


def _text(value: object, name: str, *, limit: int, required: bool = False) -> str:
    if value is not None and not isinstance(value, str):
        _refuse(name, _("This must be text."))
    text = (value or "").strip()
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        _refuse(name, _("Control characters are not allowed."))
    if required and not text:
        _refuse(name, _("This is required."))
    if len(text) > limit:
        _refuse(name, _("This text is too long."))
    return text


def quota_clean(value: object, name: str) -> int | None:
    """A proposed quota: empty (not decided by the item) or a whole number from 0 to licensing's most."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    message = _("A quota is a whole number from 0 to %(max)s.") % {"max": MAX_QUOTA}
    if isinstance(value, bool):
        _refuse(name, message)
    try:
        number = int(to_latin_digits(str(value).strip()))
    except ValueError:
        _refuse(name, message)
    if not 0 <= number <= MAX_QUOTA:
        _refuse(name, message)
    return number


def _basis(item: AgendaItem) -> str:
    group = item.session.group
    return _("Working group of %(province)s, session %(session)s, item %(item)s") % {
        "province": group.province.name_fa,
        "session": item.session.number,
        "item": item.number,
    }


# --- Groups and members ---------------------------------------------------------------------------


def working_group_ensure(*, province: Province, actor: Actor, now: dt.datetime | None = None) -> WorkingGroup:
    """The province's working group, created (audited) if it has none yet."""
    group = WorkingGroup.objects.filter(province=province).first()
    if group is not None:
        return group
    with transaction.atomic():
        group, created = WorkingGroup.objects.get_or_create(
            province=province, defaults={"created_at": now or timezone.now()}
        )
        if created:
            audit_record(
                actor=actor, action="working_group.create", target=group, after={"province": province.code}
            )
    return group


def member_add(
    *, group: WorkingGroup, username: str, role: str, actor: Actor, now: dt.datetime | None = None
) -> Member:
    """Seat a person of the province in its working group. The chair is a member of the province's
    ICT directorate and there is one; the others are the province's working-group users (or its
    directorate's). A member who left is seated again."""
    if role not in MemberRole.values:
        _refuse("role", _("Choose a role in the group."))
    name = _text(username, "username", limit=150, required=True)
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        _refuse("username", _("No active user is called %(name)s.") % {"name": name})
    if user.jurisdiction_code != group.province.code or user.role not in (
        Role.DIRECTORATE,
        Role.WORKING_GROUP,
    ):
        _refuse(
            "username",
            _("A member is a working-group or directorate user of this province."),
        )
    if role == MemberRole.CHAIR and user.role != Role.DIRECTORATE:
        _refuse("role", _("The chair is the Director-General of ICT: a directorate user of the province."))
    with transaction.atomic():
        WorkingGroup.objects.select_for_update().filter(pk=group.pk).first()
        if (
            role == MemberRole.CHAIR
            and group.members.filter(role=MemberRole.CHAIR, active=True).exclude(user=user).exists()
        ):
            raise ConflictError(_("The group has a chair; remove them first."), fields={"role": ""})
        member = Member.objects.filter(group=group, user=user).first()
        if member is not None and member.active:
            raise ConflictError(_("%(name)s is a member already.") % {"name": name}, fields={"username": ""})
        if member is None:
            member = Member(group=group, user=user, role=role, added_at=now or timezone.now())
        member.role, member.active = role, True
        member.save()
        audit_record(
            actor=actor,
            action="working_group.member_add",
            target=member,
            after={"province": group.province.code, "user": user.username, "role": role},
        )
    return member


def working_groups_seat_many(
    *, seats: list[tuple[Province, str, str]], actor: Actor, now: dt.datetime | None = None
) -> int:
    """Seat many members at once — (province, username, role in the group) — creating the groups that
    are missing: a demo's or an installation's first setup. Each seat is checked as ``member_add``
    checks it; one refused refuses them all (nothing written). Seats already held are left alone.
    Returns the members seated."""
    now = now or timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in={s[1] for s in seats}, is_active=True)}
    with transaction.atomic():
        have = {g.province_id: g for g in WorkingGroup.objects.filter(province__in={s[0].pk for s in seats})}
        new_groups = [
            WorkingGroup(province=p, created_at=now) for p in {s[0] for s in seats} if p.pk not in have
        ]
        WorkingGroup.objects.bulk_create(new_groups)
        have |= {g.province_id: g for g in WorkingGroup.objects.filter(province__in={s[0].pk for s in seats})}
        seated = set(Member.objects.filter(group__in=have.values()).values_list("group_id", "user__username"))
        chairs = set(
            Member.objects.filter(group__in=have.values(), role=MemberRole.CHAIR, active=True).values_list(
                "group_id", flat=True
            )
        )
        members = []
        for province, username, role in seats:
            group = have[province.pk]
            if (group.pk, username) in seated:
                continue
            user = users.get(username)
            if role not in MemberRole.values:
                _refuse("role", _("Choose a role in the group."))
            if user is None:
                _refuse("username", _("No active user is called %(name)s.") % {"name": username})
            if user.jurisdiction_code != province.code or user.role not in (
                Role.DIRECTORATE,
                Role.WORKING_GROUP,
            ):
                _refuse("username", _("A member is a working-group or directorate user of this province."))
            if role == MemberRole.CHAIR:
                if user.role != Role.DIRECTORATE:
                    _refuse(
                        "role",
                        _("The chair is the Director-General of ICT: a directorate user of the province."),
                    )
                if group.pk in chairs:
                    raise ConflictError(_("The group has a chair; remove them first."), fields={"role": ""})
                chairs.add(group.pk)
            seated.add((group.pk, username))
            members.append((Member(group=group, user=user, role=role, added_at=now), province.code))
        Member.objects.bulk_create([m for m, _code in members])
        audit_record_many(
            actor=actor,
            action="working_group.member_add",
            items=[
                AuditItem(
                    target=m, before=None, after={"province": code, "user": m.user.username, "role": m.role}
                )
                for m, code in members
            ],
        )
    return len(members)


def member_remove(*, member: Member, actor: Actor) -> Member:
    """A member leaves the group (kept, inactive: past attendance and votes still name them)."""
    with transaction.atomic():
        locked = Member.objects.select_for_update().filter(pk=member.pk).first()
        if locked is None or not locked.active:
            raise ConflictError(_("This person is not a member any more."))
        locked.active = False
        locked.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="working_group.member_remove",
            target=locked,
            before={"active": True, "role": locked.role},
            after={"active": False},
        )
    return locked


def member_of(*, group: WorkingGroup, actor: Actor) -> Member | None:
    """The active member the actor is, if any."""
    user = actor_user(actor)
    if user is None:
        return None
    return Member.objects.filter(group=group, user_id=user.pk, active=True).select_related("user").first()


# --- The agenda -----------------------------------------------------------------------------------


@dataclass
class _Facts:
    county: County
    served: str = ""
    proposed_urban: int = 0
    proposed_rural: int = 0
    pending_pishkhan: int = 0
    pending_ict: int = 0
    conversions_due: int = 0

    @property
    def worth_deciding(self) -> bool:
        return bool(
            self.served == Served.UNDER
            or self.proposed_urban
            or self.proposed_rural
            or self.pending_pishkhan
            or self.pending_ict
            or self.conversions_due
        )


def agenda_facts(*, province: Province) -> list[_Facts]:
    """Each county of the province that needs a decision, with why: under-served in the latest
    coverage run, proposed sites in the latest plans, licence applications pending, conversions due."""
    counties = {c.pk: _Facts(c) for c in County.objects.filter(province=province).defer("boundary")}
    by_name = {f.county.name_fa: f for f in counties.values()}
    run = CoverageRun.objects.order_by("-computed_at", "-id").first()
    if run is not None:
        for county_id, served in CountyCoverage.objects.filter(run=run, province=province).values_list(
            "county_id", "served"
        ):
            if county_id in counties:
                counties[county_id].served = served
    for plan in Plan.objects.filter(province=province):
        for site in plan.chosen:
            facts = by_name.get(site.get("county"))
            if facts is not None:
                if plan.setting == "urban":
                    facts.proposed_urban += 1
                else:
                    facts.proposed_rural += 1
    pending = (
        LicenceApplication.objects.filter(county__province=province, status__in=OPEN_APPLICATION_STATES)
        .values("county_id", "office_kind")
        .annotate(n=Count("id"))
    )
    for row in pending:
        facts = counties.get(row["county_id"])
        if facts is not None:
            setattr(facts, f"pending_{row['office_kind']}", row["n"])
    due = (
        Conversion.objects.filter(office__county__province=province, state__in=OPEN_CONVERSION_STATES)
        .values("office__county_id")
        .annotate(n=Count("id"))
    )
    for row in due:
        facts = counties.get(row["office__county_id"])
        if facts is not None:
            facts.conversions_due = row["n"]
    return [f for f in sorted(counties.values(), key=lambda f: f.county.code) if f.worth_deciding]


def _current_quotas(county_ids: list[int]) -> dict[tuple[int, str], int]:
    return {
        (c, k): m
        for c, k, m in CountyQuota.objects.filter(county_id__in=county_ids).values_list(
            "county_id", "office_kind", "maximum"
        )
    }


def _agenda_items(session: Session) -> list[AgendaItem]:
    facts = agenda_facts(province=session.group.province)
    quotas = _current_quotas([f.county.pk for f in facts])
    items = []
    for number, f in enumerate(facts, start=1):
        in_force = {
            kind: licences_in_force_count(county_id=f.county.pk, office_kind=kind) for kind in QUOTA_FIELDS
        }
        items.append(
            AgendaItem(
                session=session,
                number=number,
                title=_("Offices needed in %(county)s") % {"county": f.county.name_fa},
                county=f.county,
                pishkhan_quota=min(in_force[OfficeKind.PISHKHAN] + f.proposed_urban, MAX_QUOTA),
                ict_quota=min(in_force[OfficeKind.ICT] + f.proposed_rural, MAX_QUOTA),
                facts={
                    "served": f.served,
                    "proposed_urban": f.proposed_urban,
                    "proposed_rural": f.proposed_rural,
                    "pending_pishkhan": f.pending_pishkhan,
                    "pending_ict": f.pending_ict,
                    "conversions_due": f.conversions_due,
                    "in_force_pishkhan": in_force[OfficeKind.PISHKHAN],
                    "in_force_ict": in_force[OfficeKind.ICT],
                    "quota_pishkhan": quotas.get((f.county.pk, OfficeKind.PISHKHAN)),
                    "quota_ict": quotas.get((f.county.pk, OfficeKind.ICT)),
                },
            )
        )
    return items


# --- Sessions -------------------------------------------------------------------------------------


def session_schedule(
    *,
    group: WorkingGroup,
    scheduled_at: dt.datetime | None,
    place: str = "",
    actor: Actor,
    now: dt.datetime | None = None,
) -> Session:
    """Schedule the group's next session, its agenda generated from the province's current plan."""
    now = now or timezone.now()
    if not isinstance(scheduled_at, dt.datetime):
        _refuse("scheduled_at", _("Give the day and time of the session."))
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    if scheduled_at <= now:
        _refuse("scheduled_at", _("A session is scheduled in the future."))
    if scheduled_at > now + dt.timedelta(days=366):
        _refuse("scheduled_at", _("A session is scheduled within a year."))
    place = _text(place, "place", limit=200)
    with transaction.atomic():
        WorkingGroup.objects.select_for_update().filter(pk=group.pk).first()
        if not group.members.filter(active=True).exists():
            raise ConflictError(_("The group has no members yet."))
        last = group.sessions.order_by("-number").values_list("number", flat=True).first() or 0
        session = Session.objects.create(
            group=group,
            number=last + 1,
            scheduled_at=scheduled_at,
            place=place,
            created_by=actor_label(actor),
        )
        items = AgendaItem.objects.bulk_create(_agenda_items(session))
        audit_record(
            actor=actor,
            action="working_group.session_schedule",
            target=session,
            after={
                "province": group.province.code,
                "number": session.number,
                "scheduled_at": scheduled_at.isoformat(),
                "items": len(items),
            },
        )
    return session


def _session_in(session: Session, status: str, message: str) -> None:
    """Refuse (409, in words a person reads) a step the session's stored state does not allow; the
    transition table checks again on the locked row."""
    if Session.objects.filter(pk=session.pk).values_list("status", flat=True).first() != status:
        raise ConflictError(message)


def _item_carried(item: AgendaItem) -> None:
    if AgendaItem.objects.filter(pk=item.pk).values_list("status", flat=True).first() != ItemStatus.CARRIED:
        raise ConflictError(_("Only a carried decision awaiting review can be confirmed or returned."))


def _session_editable(session: Session) -> None:
    if session.status not in (SessionStatus.SCHEDULED, SessionStatus.OPEN):
        raise ConflictError(_("The session is over: its agenda can no longer change."))


def _item_fields(title: object, pishkhan: object, ict: object, county: County | None) -> dict:
    fields = {"title": _text(title, "title", limit=TITLE_MAX, required=True)}
    fields["pishkhan_quota"] = quota_clean(pishkhan, "pishkhan_quota")
    fields["ict_quota"] = quota_clean(ict, "ict_quota")
    if county is not None and fields["pishkhan_quota"] is None and fields["ict_quota"] is None:
        _refuse("pishkhan_quota", _("Propose a quota of Pishkhan or rural ICT offices for the county."))
    if county is None and (fields["pishkhan_quota"] is not None or fields["ict_quota"] is not None):
        _refuse("county", _("Name the county whose quota the item sets."))
    return fields


def agenda_item_add(
    *,
    session: Session,
    title: str,
    county: str = "",
    pishkhan_quota: object = None,
    ict_quota: object = None,
    actor: Actor,
) -> AgendaItem:
    """Add an item to a session's agenda: a county's quotas, or (no county) a matter to decide."""
    found = None
    code = to_latin_digits(str(county or "").strip())
    if code:
        found = (
            County.objects.filter(code=code, province_id=session.group.province_id).defer("boundary").first()
        )
        if found is None:
            _refuse("county", _("No county of this province has the code %(code)s.") % {"code": county})
    fields = _item_fields(title, pishkhan_quota, ict_quota, found)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        _session_editable(locked)
        last = locked.items.order_by("-number").values_list("number", flat=True).first() or 0
        facts = {}
        if found is not None:
            quotas = _current_quotas([found.pk])
            facts = {
                f"in_force_{kind}": licences_in_force_count(county_id=found.pk, office_kind=kind)
                for kind in QUOTA_FIELDS
            } | {f"quota_{kind}": quotas.get((found.pk, kind)) for kind in QUOTA_FIELDS}
        item = AgendaItem.objects.create(session=locked, number=last + 1, county=found, facts=facts, **fields)
        audit_record(
            actor=actor,
            action="working_group.item_add",
            target=item,
            after={"session": locked.pk, "number": item.number, "county": code} | fields,
        )
    return item


def agenda_item_edit(
    *, item: AgendaItem, title: str, pishkhan_quota: object = None, ict_quota: object = None, actor: Actor
) -> AgendaItem:
    """Change an open item's title and proposed quotas, before anyone has voted on it."""
    fields = _item_fields(title, pishkhan_quota, ict_quota, item.county)
    with transaction.atomic():
        locked = AgendaItem.objects.select_for_update(of=("self",)).select_related("session").get(pk=item.pk)
        _session_editable(locked.session)
        if locked.status != ItemStatus.OPEN:
            raise ConflictError(_("This item is decided: it can no longer change."))
        if locked.votes.exists():
            raise ConflictError(_("Members have voted on this item: it can no longer change."))
        before = {name: getattr(locked, name) for name in fields}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        audit_record(
            actor=actor, action="working_group.item_edit", target=locked, before=before, after=fields
        )
    return locked


def session_open(
    *, session: Session, present: list[int], actor: Actor, now: dt.datetime | None = None
) -> Session:
    """Open a scheduled session with the members present (their ids): only they vote."""
    members = _present_members(session, present)
    _session_in(session, SessionStatus.SCHEDULED, _("Only a scheduled session can be opened."))
    with transaction.atomic():
        opened = transition_apply(
            session,
            table=SESSION_TRANSITIONS,
            to=SessionStatus.OPEN,
            actor=actor,
            action="working_group.session_open",
            fields={"opened_at": now or timezone.now()},
            audited=[],
            context={"present": sorted(m.user.username for m in members)},
            missing="session",
        )
        Attendance.objects.bulk_create([Attendance(session=opened, member=m) for m in members])
    return opened


def _present_members(session: Session, present: list[int]) -> list[Member]:
    try:
        ids = {int(to_latin_digits(str(p))) for p in present}
    except (TypeError, ValueError):
        _refuse("present", _("Choose the members present."))
    members = list(
        Member.objects.filter(group_id=session.group_id, active=True, pk__in=ids).select_related("user")
    )
    if len(members) != len(ids):
        _refuse("present", _("Only the group's members can be present."))
    if not members:
        _refuse("present", _("Choose the members present."))
    return members


def attendance_set(*, session: Session, present: list[int], actor: Actor) -> Session:
    """Correct the attendance of an open session (a member arriving late, or leaving). The votes of a
    member no longer present are not counted."""
    members = _present_members(session, present)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.status != SessionStatus.OPEN:
            raise ConflictError(_("Attendance is taken while the session is open."))
        before = sorted(
            Attendance.objects.filter(session=locked).values_list("member__user__username", flat=True)
        )
        Attendance.objects.filter(session=locked).exclude(member__in=members).delete()
        have = set(Attendance.objects.filter(session=locked).values_list("member_id", flat=True))
        Attendance.objects.bulk_create(
            [Attendance(session=locked, member=m) for m in members if m.pk not in have]
        )
        audit_record(
            actor=actor,
            action="working_group.attendance",
            target=locked,
            before={"present": before},
            after={"present": sorted(m.user.username for m in members)},
        )
    return locked


def session_close(*, session: Session, minutes: str, actor: Actor, now: dt.datetime | None = None) -> Session:
    """Close an open session with its minutes; items still open are deferred to a later session."""
    minutes = _text(minutes, "minutes", limit=MINUTES_MAX, required=True)
    _session_in(session, SessionStatus.OPEN, _("Only an open session can be closed."))
    with transaction.atomic():
        closed = transition_apply(
            session,
            table=SESSION_TRANSITIONS,
            to=SessionStatus.CLOSED,
            actor=actor,
            action="working_group.session_close",
            fields={"closed_at": now or timezone.now(), "minutes": minutes},
            audited=[],
            missing="session",
        )
        AgendaItem.objects.filter(session=closed, status=ItemStatus.OPEN).update(status=ItemStatus.DEFERRED)
    return closed


def session_cancel(*, session: Session, reason: str, actor: Actor) -> Session:
    """Cancel a scheduled session (it never met)."""
    reason = _text(reason, "reason", limit=2000, required=True)
    _session_in(session, SessionStatus.SCHEDULED, _("Only a scheduled session can be cancelled."))
    return transition_apply(
        session,
        table=SESSION_TRANSITIONS,
        to=SessionStatus.CANCELLED,
        actor=actor,
        action="working_group.session_cancel",
        reason=reason,
        missing="session",
    )


# --- Votes and decisions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The votes on an item that count (those of members present), and what the rules make of them."""

    members: int
    present: int
    yes: int
    no: int
    abstain: int

    @property
    def quorum(self) -> bool:
        return self.members > 0 and self.present > settings.PISHKHAN_WORKING_GROUP_QUORUM * self.members

    @property
    def cast(self) -> int:
        return self.yes + self.no

    @property
    def carried(self) -> bool:
        return self.cast > 0 and self.yes > settings.PISHKHAN_WORKING_GROUP_MAJORITY * self.cast


def tally(*, item: AgendaItem) -> Tally:
    session = item.session
    present = set(Attendance.objects.filter(session=session).values_list("member_id", flat=True))
    counts: dict[str, int] = defaultdict(int)
    for member_id, choice in Vote.objects.filter(item=item).values_list("member_id", "choice"):
        if member_id in present:
            counts[choice] += 1
    return Tally(
        members=Member.objects.filter(group_id=session.group_id, active=True).count(),
        present=len(present),
        yes=counts[VoteChoice.YES],
        no=counts[VoteChoice.NO],
        abstain=counts[VoteChoice.ABSTAIN],
    )


def vote_cast(*, item: AgendaItem, choice: str, actor: Actor, now: dt.datetime | None = None) -> Vote:
    """The acting member's vote on an open item of an open session; a second vote replaces the first."""
    if choice not in VoteChoice.values:
        _refuse("choice", _("Vote yes, no or abstain."))
    with transaction.atomic():
        locked = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("session")
            .filter(pk=item.pk)
            .first()
        )
        if locked is None:
            raise NotFoundError("item")
        member = member_of(group=locked.session.group, actor=actor)
        if member is None:
            raise ConflictError(_("Only the group's members vote."))
        if locked.session.status != SessionStatus.OPEN:
            raise ConflictError(_("Votes are cast while the session is open."))
        if locked.status != ItemStatus.OPEN:
            raise ConflictError(_("This item is decided: its votes can no longer change."))
        if not Attendance.objects.filter(session=locked.session, member=member).exists():
            raise ConflictError(_("Only the members present vote."))
        vote = Vote.objects.filter(item=locked, member=member).first()
        before = vote.choice if vote is not None else None
        if vote is None:
            vote = Vote(item=locked, member=member)
        vote.choice, vote.cast_at = choice, now or timezone.now()
        vote.save()
        audit_record(
            actor=actor,
            action="working_group.vote",
            target=locked,
            before=None if before is None else {"vote": before},
            after={"member": member.user.username, "vote": choice},
        )
    return vote


def item_decide(*, item: AgendaItem, actor: Actor, now: dt.datetime | None = None) -> AgendaItem:
    """Decide an open item by its votes, with a quorum present: carried, a quota item sets the county's
    quotas (licensing, audited, with the session as the basis); otherwise not carried."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("session", "session__group", "session__group__province", "county")
            .filter(pk=item.pk)
            .first()
        )
        if locked is None:
            raise NotFoundError("item")
        if locked.status != ItemStatus.OPEN:
            raise ConflictError(_("This item is decided already."))
        if locked.session.status != SessionStatus.OPEN:
            raise ConflictError(_("Items are decided while the session is open."))
        counted = tally(item=locked)
        if not counted.quorum:
            raise ConflictError(
                _("No quorum: %(present)s of %(members)s members are present.")
                % {"present": counted.present, "members": counted.members}
            )
        carried = counted.carried
        before: dict[str, int | None] = {}
        basis = _basis(locked)
        if carried and locked.county is not None:
            for kind, field in QUOTA_FIELDS.items():
                maximum = getattr(locked, field)
                if maximum is None:
                    continue
                current = CountyQuota.objects.filter(county=locked.county, office_kind=kind).first()
                before[kind] = current.maximum if current is not None else None
                county_quota_set(
                    county=locked.county.code,
                    office_kind=kind,
                    maximum=maximum,
                    reason=locked.title,
                    basis=basis,
                    actor=actor,
                    now=now,
                )
        return transition_apply(
            locked,
            table=ITEM_TRANSITIONS,
            to=ItemStatus.CARRIED if carried else ItemStatus.NOT_CARRIED,
            actor=actor,
            action="working_group.item_decide",
            basis=basis,
            fields={"decided_at": now, "quotas_before": before},
            audited=["quotas_before"],
            context={
                "yes": counted.yes,
                "no": counted.no,
                "abstain": counted.abstain,
                "present": counted.present,
            },
            missing="item",
        )


def decision_confirm(*, item: AgendaItem, actor: Actor, now: dt.datetime | None = None) -> AgendaItem:
    """The regulator confirms a carried decision (it stays in force)."""
    _item_carried(item)
    return transition_apply(
        item,
        table=ITEM_TRANSITIONS,
        to=ItemStatus.CONFIRMED,
        actor=actor,
        action="working_group.decision_confirm",
        fields={"reviewed_at": now or timezone.now(), "reviewed_by": actor_label(actor)},
        missing="item",
    )


def decision_return(
    *, item: AgendaItem, reason: str, actor: Actor, now: dt.datetime | None = None
) -> AgendaItem:
    """The regulator returns a carried decision with a reason: the county's quotas go back to what
    they were (through licensing, audited), and the county may come up at a later session."""
    reason = _text(reason, "reason", limit=2000, required=True)
    _item_carried(item)
    with transaction.atomic():
        locked = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("session", "session__group", "session__group__province", "county")
            .filter(pk=item.pk)
            .first()
        )
        if locked is None:
            raise NotFoundError("item")
        ITEM_TRANSITIONS.check(locked.status, ItemStatus.RETURNED)
        if locked.county is not None and (
            AgendaItem.objects.filter(
                county=locked.county,
                status__in=[ItemStatus.CARRIED, ItemStatus.CONFIRMED],
                decided_at__gt=locked.decided_at,
            ).exists()
        ):
            raise ConflictError(
                _("A later decision has set this county's quotas since: return that one first.")
            )
        basis = _basis(locked)
        for kind, maximum in (locked.quotas_before or {}).items():
            if maximum is None:
                county_quota_clear(
                    county=locked.county.code, office_kind=kind, reason=reason, basis=basis, actor=actor
                )
            else:
                county_quota_set(
                    county=locked.county.code,
                    office_kind=kind,
                    maximum=maximum,
                    reason=reason,
                    basis=basis,
                    actor=actor,
                )
        return transition_apply(
            locked,
            table=ITEM_TRANSITIONS,
            to=ItemStatus.RETURNED,
            actor=actor,
            action="working_group.decision_return",
            reason=reason,
            basis=basis,
            fields={
                "reviewed_at": now or timezone.now(),
                "reviewed_by": actor_label(actor),
                "return_reason": reason,
            },
            audited=["return_reason"],
            missing="item",
        )
