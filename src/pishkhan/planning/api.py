"""Planning in the API: ``GET /planning/coverage`` — the latest coverage run, per province and, with
``?province=``, per county of that province; ``GET /planning/working-groups/{province}/sessions`` — a
province's working group, its sessions, votes and decisions.

Readers hold ``planning.view`` and see their jurisdiction (``selectors.planning_scope``): the regulator
every province, a directorate, working group or provincial inspector their own; any other province
is a 404, a malformed code a 422.
"""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, require
from pishkhan.common.errors import NotFoundError, PermissionDeniedError
from pishkhan.planning import selectors

router = Router(auth=api_auth)


class CountyCoverageOut(Schema):
    code: str
    name_fa: str
    urban_population: int
    urban_covered: int
    rural_population: int
    rural_covered: int
    pishkhan_offices: int
    ict_offices: int
    demand: float
    capacity: float
    served: str


class ProvinceCoverageOut(Schema):
    code: str
    name_fa: str
    name_en: str
    population: int
    urban_share: float | None
    rural_share: float | None
    offices: int
    per_100k: float | None
    underserved: int
    overserved: int


class CoverageOut(Schema):
    computed_at: dt.datetime | None
    urban_km: float | None
    rural_km: float | None
    provinces: list[ProvinceCoverageOut]
    counties: list[CountyCoverageOut]


@router.get("/planning/coverage", response=CoverageOut, summary="Coverage by province and county")
def coverage(request: HttpRequest, province: str = "") -> dict:
    """The latest coverage run: the provinces in your jurisdiction side by side, and with
    ``?province=NN`` that province alone with its counties."""
    principal: Principal = request.auth  # type: ignore[attr-defined]
    require(principal, "planning.view")
    scope = selectors.planning_scope(principal)
    if scope is None:
        raise PermissionDeniedError(_("You may not see planning."))
    run = selectors.coverage_run_latest()
    found = selectors.province_get_scoped(code=province, scope=scope) if province else None
    if run is None:
        if province and found is None:
            raise NotFoundError(_("No such province."))
        return {"computed_at": None, "urban_km": None, "rural_km": None, "provinces": [], "counties": []}
    if found is not None:
        provinces = [selectors.province_coverage(run=run, province=found)]
        counties = [
            {
                "code": c.county.code,
                "name_fa": c.county.name_fa,
                "urban_population": c.urban_population,
                "urban_covered": c.urban_covered,
                "rural_population": c.rural_population,
                "rural_covered": c.rural_covered,
                "pishkhan_offices": c.pishkhan_offices,
                "ict_offices": c.ict_offices,
                "demand": c.demand,
                "capacity": c.capacity,
                "served": c.served,
            }
            for c in selectors.county_coverages(run=run, province=found)
        ]
    else:
        provinces, counties = selectors.province_coverages(run=run, scope=scope), []
    return {
        "computed_at": run.computed_at,
        "urban_km": run.urban_km,
        "rural_km": run.rural_km,
        "provinces": [
            {
                "code": p.code,
                "name_fa": p.name_fa,
                "name_en": p.name_en,
                "population": p.population,
                "urban_share": p.urban_share,
                "rural_share": p.rural_share,
                "offices": p.offices,
                "per_100k": p.per_100k,
                "underserved": p.underserved,
                "overserved": p.overserved,
            }
            for p in provinces
        ],
        "counties": counties,
    }


class VotesOut(Schema):
    yes: int
    no: int
    abstain: int


class AgendaItemOut(Schema):
    number: int
    title: str
    county: str | None
    pishkhan_quota: int | None
    ict_quota: int | None
    status: str
    votes: VotesOut
    decided_at: dt.datetime | None
    return_reason: str


class MemberOut(Schema):
    username: str
    name: str
    role: str


class SessionOut(Schema):
    number: int
    status: str
    scheduled_at: dt.datetime
    place: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    minutes: str
    present: list[str]
    items: list[AgendaItemOut]


class WorkingGroupSessionsOut(Schema):
    province: str
    members: list[MemberOut]
    sessions: list[SessionOut]


@router.get(
    "/planning/working-groups/{province}/sessions",
    response=WorkingGroupSessionsOut,
    summary="A province's working group: members and sessions",
)
def working_group_sessions(request: HttpRequest, province: str) -> dict:
    """The working group of a province in your jurisdiction: its members, and its sessions (newest
    first) with attendance, agenda items, their votes and decisions. Another province is a 404."""
    principal: Principal = request.auth  # type: ignore[attr-defined]
    require(principal, "planning.view")
    scope = selectors.planning_scope(principal)
    if scope is None:
        raise PermissionDeniedError(_("You may not see planning."))
    found = selectors.province_get_scoped(code=province, scope=scope)
    group = selectors.working_group_of(province=found)
    if group is None:
        return {"province": found.code, "members": [], "sessions": []}  # type: ignore[attr-defined]
    members = list(selectors.members_of(group=group))
    sessions = []
    for session in selectors.sessions_of(group=group):
        present = selectors.attendance_of(session=session)
        votes = selectors.votes_of(session=session)
        items = []
        for item in selectors.items_of(session=session):
            counted = {"yes": 0, "no": 0, "abstain": 0}
            for member_id, choice in votes.get(item.pk, {}).items():
                if member_id in present:
                    counted[choice] += 1
            items.append(
                {
                    "number": item.number,
                    "title": item.title,
                    "county": item.county.code if item.county else None,
                    "pishkhan_quota": item.pishkhan_quota,
                    "ict_quota": item.ict_quota,
                    "status": item.status,
                    "votes": counted,
                    "decided_at": item.decided_at,
                    "return_reason": item.return_reason,
                }
            )
        sessions.append(
            {
                "number": session.number,
                "status": session.status,
                "scheduled_at": session.scheduled_at,
                "place": session.place,
                "opened_at": session.opened_at,
                "closed_at": session.closed_at,
                "minutes": session.minutes,
                "present": sorted(m.user.username for m in members if m.pk in present),
                "items": items,
            }
        )
    return {
        "province": found.code,  # type: ignore[attr-defined]
        "members": [{"username": m.user.username, "name": m.name, "role": m.role} for m in members],
        "sessions": sessions,
    }
