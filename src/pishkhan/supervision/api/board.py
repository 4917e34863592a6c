"""The network board in the API: ``network/liveness`` (offices with their state, last seen and
terminals) and ``network/summary`` (counts per province).

Supervisors with ``supervision.board`` read their jurisdiction: the regulator the country, a
directorate or an inspector its province (another province is refused, 403).

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, require
from pishkhan.common.errors import PermissionDeniedError, ValidationError
from pishkhan.common.pagination import Pagination
from pishkhan.common.persian import to_latin_digits
from pishkhan.supervision import liveness
from pishkhan.supervision.liveness import LivenessState, OfficeLive, StateCounts
from pishkhan.supervision.schemas import (
    LivenessIn,
    NetworkSummaryOut,
    OfficeLivenessOut,
    StateCountsOut,
    TerminalOut,
)
from pishkhan.transactions.selectors import terminals_by_office

router = Router(auth=api_auth)

PAGE_SIZE = 50
TERMINALS_SINCE = dt.timedelta(days=1)


def _reach(request: HttpRequest, province: str | None) -> tuple[dict[str, str], str | None]:
    principal: Principal = request.auth  # type: ignore[attr-defined]
    require(principal, "supervision.board")
    scope = principal.scope
    if set(scope) - {"province"}:
        raise PermissionDeniedError(_("You may not see the network board."))
    asked = to_latin_digits(province or "").strip() or None
    own = scope.get("province")
    if own and asked and asked != own:
        raise PermissionDeniedError(_("You may see only the offices of your own province."))
    return scope, asked


def _office_out(row: OfficeLive, terminals: dict[int, list[Any]]) -> OfficeLivenessOut:
    return OfficeLivenessOut(
        code=row.code,
        name=row.name,
        province=row.province_code,
        county=row.county_code,
        state=row.state.value,
        last_seen_at=row.last_heard,
        silent_since=row.silent_since,
        software_version=row.software_version,
        terminals=[TerminalOut(**vars(terminal)) for terminal in terminals.get(row.office_id, [])],
    )


class _LazyOut:
    """A sequence ninja's pager slices: rows become schemas (with terminals) only for the page shown."""

    def __init__(self, rows: list[OfficeLive], now: dt.datetime) -> None:
        self.rows, self.now = rows, now

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: slice) -> list[OfficeLivenessOut]:
        shown = self.rows[index]
        terminals = terminals_by_office(
            office_ids=[row.office_id for row in shown], since=self.now - TERMINALS_SINCE
        )
        return [_office_out(row, terminals) for row in shown]


@router.get(
    "/network/liveness",
    response=list[OfficeLivenessOut],
    summary="Offices' liveness now: state, last seen, terminals",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def liveness_list(request: HttpRequest, filters: Query[LivenessIn]):
    """Every serving office in your jurisdiction (``province`` narrows the regulator's), by code, with
    its state now (``state`` filters: online, quiet, offline, closed), when it was last heard from
    (a heartbeat or a transaction), since when it is silent in its opening hours, and the terminals
    that sent it heartbeats in the last day. 422 for an unknown state or a malformed province."""
    scope, province = _reach(request, filters.province)
    if filters.state and filters.state not in LivenessState.values:
        message = _("Unknown state: online, quiet, offline or closed.")
        raise ValidationError(message, fields={"state": message})
    now = timezone.now()
    rows = liveness.liveness_rows(now=now, scope=scope, province=province)
    if filters.state:
        rows = [row for row in rows if row.state == filters.state]
    return _LazyOut(rows, now)


def _counts_out(counts: StateCounts) -> StateCountsOut:
    return StateCountsOut(
        province=counts.code,
        name_fa=counts.name_fa,
        name_en=counts.name_en,
        online=counts.online,
        quiet=counts.quiet,
        offline=counts.offline,
        closed=counts.closed,
        total=counts.total,
    )


@router.get(
    "/network/summary", response=NetworkSummaryOut, summary="Offices online, quiet, offline per province"
)
def network_summary(request: HttpRequest) -> NetworkSummaryOut:
    """How many serving offices of your jurisdiction are online, quiet, offline and closed now, per
    province and in all."""
    scope, _province = _reach(request, None)
    now = timezone.now()
    rows = liveness.liveness_rows(now=now, scope=scope)
    return NetworkSummaryOut(
        as_of=now,
        quiet_minutes=settings.PISHKHAN_LIVENESS_QUIET_MINUTES,
        offline_minutes=settings.PISHKHAN_LIVENESS_OFFLINE_MINUTES,
        total=_counts_out(liveness.counts_total(rows)),
        provinces=[_counts_out(area) for area in liveness.counts_by_area(rows, by="province")],
    )
