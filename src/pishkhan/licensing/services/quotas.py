"""Counties' quotas of licensed offices, and the check an approval makes against them.

A county's working group (planning, a layer above) sets how many offices of a kind the county needs;
it sets the quota through :func:`county_quota_set`. No quota for a county and kind means no limit:
until a province has quotas, none apply. Licences in force (issued, active, suspended) count.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_latin_digits
from pishkhan.common.writes import insert_or_conflict
from pishkhan.geo.models import County
from pishkhan.licensing.errors import QuotaReachedError
from pishkhan.licensing.models import LICENSED_KINDS, CountyQuota
from pishkhan.licensing.selectors import licences_in_force_count
from pishkhan.licensing.services.inputs import text_clean

MAX_QUOTA = 100_000


def _refuse(name: str, message: str) -> None:
    raise ValidationError(message, fields={name: message})


def county_quota_set(
    *,
    county: str,
    office_kind: str,
    maximum: int,
    reason: str,
    actor: Actor,
    basis: str = "",
    now: dt.datetime | None = None,
) -> CountyQuota:
    """Set the most licensed offices of a kind a county may have in force (0: no new licence at all).

    A quota below the licences already in force ends none of them; it refuses new approvals until
    enough have ended. The reason (the working group's decision) is required.
    """
    now = now or timezone.now()
    code = to_latin_digits(str(county or "").strip())
    found = County.objects.filter(code=code).first()
    if found is None:
        _refuse("county", _("No county has the code %(code)s.") % {"code": county})
    if office_kind not in LICENSED_KINDS:
        _refuse("office_kind", _("The regulator licenses Pishkhan and rural ICT offices only."))
    if isinstance(maximum, bool) or not isinstance(maximum, int) or not 0 <= maximum <= MAX_QUOTA:
        _refuse("maximum", _("A quota is a whole number from 0 to %(max)s.") % {"max": MAX_QUOTA})
    reason, basis = text_clean(reason, "reason", required=True), text_clean(basis, "basis")
    with transaction.atomic():
        quota = CountyQuota.objects.select_for_update().filter(county=found, office_kind=office_kind).first()
        before = quota.maximum if quota is not None else None
        if quota is None:
            quota = CountyQuota(county=found, office_kind=office_kind)
        quota.maximum, quota.set_at, quota.set_by = maximum, now, actor_label(actor)
        quota.reason, quota.basis = reason, basis
        if quota.pk is None:
            insert_or_conflict(quota, message=_("This quota was set meanwhile; please try again."))
        else:
            quota.save(update_fields=["maximum", "set_at", "set_by", "reason", "basis"])
        audit_record(
            actor=actor,
            action="county_quota.set",
            target=quota,
            before=None if before is None else {"maximum": before},
            after={"county": found.code, "office_kind": office_kind, "maximum": maximum},
            reason=reason,
            basis=basis,
        )
    return quota


def county_quota_clear(*, county: str, office_kind: str, reason: str, actor: Actor, basis: str = "") -> bool:
    """Remove a county's quota for a kind (no limit again), audited; False when there was none.

    What a decision returned by the regulator restores when the county had no quota before it.
    """
    code = to_latin_digits(str(county or "").strip())
    found = County.objects.filter(code=code).first()
    if found is None:
        _refuse("county", _("No county has the code %(code)s.") % {"code": county})
    if office_kind not in LICENSED_KINDS:
        _refuse("office_kind", _("The regulator licenses Pishkhan and rural ICT offices only."))
    reason, basis = text_clean(reason, "reason", required=True), text_clean(basis, "basis")
    with transaction.atomic():
        quota = CountyQuota.objects.select_for_update().filter(county=found, office_kind=office_kind).first()
        if quota is None:
            return False
        audit_record(
            actor=actor,
            action="county_quota.clear",
            target=quota,
            before={"maximum": quota.maximum},
            after={"county": found.code, "office_kind": office_kind, "maximum": None},
            reason=reason,
            basis=basis,
        )
        quota.delete()
    return True


def quota_check(*, county: County, office_kind: str) -> None:
    """Refuse (409) one more licence of a kind in a county whose quota is reached. Inside the caller's
    transaction: the quota row stays locked until it commits, so concurrent approvals in the county
    take turns and cannot both slip under the quota."""
    quota = CountyQuota.objects.select_for_update().filter(county=county, office_kind=office_kind).first()
    if quota is None:
        return
    in_force = licences_in_force_count(county_id=county.pk, office_kind=office_kind)
    if in_force + 1 > quota.maximum:
        message = _(
            "County %(county)s may have at most %(maximum)s licensed offices of this kind and has "
            "%(count)s in force."
        ) % {"county": county.code, "maximum": quota.maximum, "count": in_force}
        raise QuotaReachedError(message, fields={"county": message})
