"""Reading planning: who may see which provinces, the latest coverage run by province and county,
the demand points and plans of a province."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from pishkhan.accounts.permissions import Principal, has_perm
from pishkhan.common.errors import NotFoundError
from pishkhan.geo.selectors import province_get, province_list
from pishkhan.planning.models import (
    AgendaItem,
    Attendance,
    CountyCoverage,
    CoverageRun,
    DemandPoint,
    Member,
    Plan,
    Served,
    Session,
    Vote,
    WorkingGroup,
)
from pishkhan.planning.states import ItemStatus

Scope = dict[str, str]


def planning_scope(principal: Principal | None) -> Scope | None:
    """Where a caller may read planning (``planning.view``): ``{}`` nationally, ``{"province": code}``
    for a province's directorate, working group or inspector; None where nowhere."""
    if principal is None or not has_perm(principal, "planning.view"):
        return None
    scope = principal.scope
    return scope if set(scope) <= {"province"} else None


def coverage_run_latest() -> CoverageRun | None:
    return CoverageRun.objects.order_by("-computed_at", "-id").first()


@dataclass
class ProvinceCoverage:
    """A province's sums over its counties in a run."""

    code: str
    name_fa: str
    name_en: str
    urban_population: int = 0
    urban_covered: int = 0
    rural_population: int = 0
    rural_covered: int = 0
    pishkhan_offices: int = 0
    ict_offices: int = 0
    demand: float = 0.0
    capacity: float = 0.0
    counties: int = 0
    underserved: int = 0
    overserved: int = 0

    @property
    def population(self) -> int:
        return self.urban_population + self.rural_population

    @property
    def offices(self) -> int:
        return self.pishkhan_offices + self.ict_offices

    @property
    def urban_share(self) -> float | None:
        return round(100 * self.urban_covered / self.urban_population, 1) if self.urban_population else None

    @property
    def rural_share(self) -> float | None:
        return round(100 * self.rural_covered / self.rural_population, 1) if self.rural_population else None

    @property
    def per_100k(self) -> float | None:
        return round(100_000 * self.offices / self.population, 1) if self.population else None


def province_get_scoped(*, code: str, scope: Scope) -> object:
    """The province with this code if the scope reaches it; ``NotFoundError`` otherwise (a malformed
    code is a ``ValidationError``)."""
    province = province_get(code=code)
    if scope.get("province") not in (None, province.code):
        raise NotFoundError("province")
    return province


def province_coverages(*, run: CoverageRun, scope: Scope) -> list[ProvinceCoverage]:
    """The provinces in scope, side by side, from a run's counties (worst urban coverage first)."""
    provinces = province_list()
    if "province" in scope:
        provinces = provinces.filter(code=scope["province"])
    rows = {p.id: ProvinceCoverage(p.code, p.name_fa, p.name_en) for p in provinces}
    for county in CountyCoverage.objects.filter(run=run, province_id__in=rows):
        _add(rows[county.province_id], county)
    return sorted(rows.values(), key=lambda r: (r.urban_share is None, r.urban_share or 0, r.code))


def province_coverage(*, run: CoverageRun, province: object) -> ProvinceCoverage:
    row = ProvinceCoverage(province.code, province.name_fa, province.name_en)  # type: ignore[attr-defined]
    for county in county_coverages(run=run, province=province):
        _add(row, county)
    return row


def _add(row: ProvinceCoverage, county: CountyCoverage) -> None:
    for name in ("urban_population", "urban_covered", "rural_population", "rural_covered",
                 "pishkhan_offices", "ict_offices", "demand", "capacity"):  # fmt: skip
        setattr(row, name, getattr(row, name) + getattr(county, name))
    row.counties += 1
    row.underserved += county.served == Served.UNDER
    row.overserved += county.served == Served.OVER


def county_coverages(*, run: CoverageRun, province: object) -> QuerySet[CountyCoverage]:
    return CountyCoverage.objects.filter(run=run, province=province).select_related("county")


def demand_points(*, province: object) -> QuerySet[DemandPoint]:
    return DemandPoint.objects.filter(province=province).select_related("county")


def plans_of(*, province: object) -> list[Plan]:
    return list(Plan.objects.filter(province=province).order_by("setting"))


# --- Working groups -------------------------------------------------------------------------------


def working_group_of(*, province: object) -> WorkingGroup | None:
    return WorkingGroup.objects.filter(province=province).first()


def working_groups(*, scope: Scope) -> QuerySet[WorkingGroup]:
    """The working groups in scope, with their counts of active members and of sessions."""
    groups = WorkingGroup.objects.select_related("province").defer("province__boundary")
    if "province" in scope:
        groups = groups.filter(province__code=scope["province"])
    return groups.annotate(
        member_count=Count("members", filter=Q(members__active=True), distinct=True),
        session_count=Count("sessions", distinct=True),
    ).order_by("province__code")


def members_of(*, group: WorkingGroup, active: bool = True) -> QuerySet[Member]:
    return group.members.filter(active=active).select_related("user").order_by("role", "id")


def sessions_of(*, group: WorkingGroup) -> QuerySet[Session]:
    return group.sessions.annotate(item_count=Count("items")).order_by("-number")


def session_get(*, group: WorkingGroup, number: int) -> Session:
    session = group.sessions.select_related("group", "group__province").filter(number=number).first()
    if session is None:
        raise NotFoundError("session")
    return session


def items_of(*, session: Session) -> QuerySet[AgendaItem]:
    return session.items.select_related("county").defer("county__boundary").order_by("number")


def item_get(*, session: Session, number: object) -> AgendaItem:
    try:
        wanted = int(str(number))
    except ValueError:
        raise NotFoundError("item") from None
    item = session.items.select_related("session", "county").filter(number=wanted).first()
    if item is None:
        raise NotFoundError("item")
    return item


def attendance_of(*, session: Session) -> set[int]:
    """The ids of the members present."""
    return set(Attendance.objects.filter(session=session).values_list("member_id", flat=True))


def votes_of(*, session: Session) -> dict[int, dict[int, str]]:
    """item id → member id → choice."""
    votes: dict[int, dict[int, str]] = {}
    for item_id, member_id, choice in Vote.objects.filter(item__session=session).values_list(
        "item_id", "member_id", "choice"
    ):
        votes.setdefault(item_id, {})[member_id] = choice
    return votes


def decisions_awaiting_review(*, scope: Scope) -> QuerySet[AgendaItem]:
    """Carried decisions the regulator has neither confirmed nor returned, oldest first."""
    items = AgendaItem.objects.filter(status=ItemStatus.CARRIED).select_related(
        "session", "session__group", "session__group__province", "county"
    )
    if "province" in scope:
        items = items.filter(session__group__province__code=scope["province"])
    return items.defer("county__boundary", "session__group__province__boundary").order_by("decided_at", "id")
