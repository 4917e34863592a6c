"""An office's staff: the people who serve at its counters with their own logins.

:func:`staff_add` (one person) and :func:`staff_add_many` (the demo network) check every row the same
way (``_StaffCheck``): the login carries the office-operator role with this office as its
jurisdiction (accounts grants it), the office is not closed, a login works for one office at a time,
and an office has one operator and one deputy at a time (clerks as many as it needs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import JurisdictionKind, Role
from pishkhan.audit.actors import Actor
from pishkhan.audit.services import AuditItem, audit_record, audit_record_many
from pishkhan.common.bulk import IN_BATCH, insert_objects
from pishkhan.common.errors import ApplicationError, ConflictError, ValidationError
from pishkhan.common.persian import to_latin_digits
from pishkhan.common.writes import insert_or_conflict
from pishkhan.offices.models import Office, StaffMember, StaffPosition
from pishkhan.offices.states import OfficeStatus

_SINGLE_POSITIONS = (StaffPosition.OPERATOR, StaffPosition.DEPUTY)


@dataclass(frozen=True)
class StaffDraft:
    """One person to put on an office's staff, by office code and login name."""

    office: str
    username: str
    position: str


@dataclass
class _StaffCheck:
    """Who already works where: read once for a batch, updated as its rows are accepted."""

    working: set[int] = field(default_factory=set)  # users with an active staff record
    filled: set[tuple[int, str]] = field(default_factory=set)  # (office, operator|deputy) taken

    @classmethod
    def load(cls, *, offices: Sequence[Office], users: Sequence[User]) -> _StaffCheck:
        check = cls()
        office_ids, user_ids = [o.pk for o in offices], [u.pk for u in users]
        for start in range(0, len(user_ids), IN_BATCH):
            chunk = user_ids[start : start + IN_BATCH]
            check.working.update(
                StaffMember.objects.filter(user_id__in=chunk, active=True).values_list("user_id", flat=True)
            )
        for start in range(0, len(office_ids), IN_BATCH):
            chunk = office_ids[start : start + IN_BATCH]
            check.filled.update(
                StaffMember.objects.filter(
                    office_id__in=chunk, active=True, position__in=_SINGLE_POSITIONS
                ).values_list("office_id", "position")
            )
        return check

    def member(self, *, office: Office, user: User, position: str) -> StaffMember:
        """The staff record to write, or the first rule it breaks."""
        if position not in StaffPosition.values:
            message = _("The position is operator, deputy or clerk.")
            raise ValidationError(message, fields={"position": message})
        if (user.role, user.jurisdiction_kind, user.jurisdiction_code) != (
            Role.OFFICE_OPERATOR,
            JurisdictionKind.OFFICE,
            office.code,
        ):
            message = _("This login is not an office-operator login of office %(code)s.") % {
                "code": office.code
            }
            raise ValidationError(message, fields={"user": message})
        if office.status == OfficeStatus.CLOSED:
            raise ConflictError(_("A closed office takes no staff."), fields={"office": "closed"})
        if user.pk in self.working:
            message = _("This person already works at an office.")
            raise ConflictError(message, fields={"user": message})
        if position in _SINGLE_POSITIONS and (office.pk, position) in self.filled:
            message = _("The office already has a %(position)s; remove them first.") % {
                "position": StaffPosition(position).label
            }
            raise ConflictError(message, fields={"position": message})
        self.working.add(user.pk)
        if position in _SINGLE_POSITIONS:
            self.filled.add((office.pk, position))
        return StaffMember(office=office, user=user, position=position)


def _facts(member: StaffMember) -> dict[str, str]:
    return {"user": member.user.get_username(), "position": member.position}


def staff_add(*, office: Office, user: User, position: str, actor: Actor) -> StaffMember:
    """Put a person on an office's staff as its operator, deputy (who stands in) or a clerk."""
    with transaction.atomic():
        office = Office.objects.select_for_update().get(pk=office.pk)
        member = _StaffCheck.load(offices=[office], users=[user]).member(
            office=office, user=user, position=position
        )
        insert_or_conflict(member, message=_("The staff changed meanwhile; please try again."))
        audit_record(actor=actor, action="office.staff_add", target=office, after={"staff": [_facts(member)]})
    return member


def staff_add_many(*, rows: Sequence[StaffDraft], actor: Actor) -> list[StaffMember]:
    """Put many people on offices' staff in one transaction, each row checked as by :func:`staff_add`.

    One bad row refuses the batch, naming it (``rows[3].user``). One audit entry per office. The
    records returned carry no primary key (they are written in bulk).
    """
    if not rows:
        return []
    codes = sorted({to_latin_digits(row.office.strip()).upper() for row in rows})
    usernames = sorted({row.username for row in rows})
    with transaction.atomic():
        offices: dict[str, Office] = {}
        for start in range(0, len(codes), IN_BATCH):
            chunk = codes[start : start + IN_BATCH]
            found = Office.objects.select_for_update().filter(code__in=chunk).only("pk", "code", "status")
            offices.update((office.code, office) for office in found)
        users: dict[str, User] = {}
        for start in range(0, len(usernames), IN_BATCH):
            users.update(
                (u.username, u) for u in User.objects.filter(username__in=usernames[start : start + IN_BATCH])
            )
        check = _StaffCheck.load(offices=list(offices.values()), users=list(users.values()))
        members = []
        for index, row in enumerate(rows):
            try:
                office = offices.get(to_latin_digits(row.office.strip()).upper())
                if office is None:
                    raise ValidationError(
                        _("No office has the code %(code)s.") % {"code": row.office},
                        fields={"office": "unknown"},
                    )
                user = users.get(row.username)
                if user is None:
                    raise ValidationError(
                        _("No login is called %(name)s.") % {"name": row.username}, fields={"user": "unknown"}
                    )
                members.append(check.member(office=office, user=user, position=row.position))
            except ApplicationError as error:
                raise type(error)(
                    _("Row %(row)s: %(detail)s") % {"row": index + 1, "detail": error.detail},
                    fields={f"rows[{index}].{name}": messages for name, messages in error.fields.items()},
                ) from None
        try:
            with transaction.atomic():
                insert_objects(StaffMember, members)
        except IntegrityError:  # a slot filled concurrently
            raise ConflictError(_("The staff changed meanwhile; please try again.")) from None
        by_office: dict[int, list[StaffMember]] = defaultdict(list)
        for member in members:
            by_office[member.office_id].append(member)
        audit_record_many(
            actor=actor,
            action="office.staff_add",
            items=[
                AuditItem(target=group[0].office, after={"staff": [_facts(m) for m in group]})
                for group in by_office.values()
            ],
        )
    return members


def staff_remove(*, member: StaffMember, actor: Actor, reason: str = "") -> StaffMember:
    """Take a person off an office's staff; the record stays, marked with when they left."""
    with transaction.atomic():
        member = StaffMember.objects.select_for_update().select_related("office", "user").get(pk=member.pk)
        if not member.active:
            raise ConflictError(_("This person is no longer on the staff."))
        member.active, member.removed_at = False, timezone.now()
        member.save(update_fields=["active", "removed_at"])
        audit_record(
            actor=actor,
            action="office.staff_remove",
            target=member.office,
            before={"staff": [_facts(member)]},
            reason=reason,
        )
    return member
