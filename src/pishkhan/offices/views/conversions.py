"""The conversions board and one conversion's page, with the review and decision forms."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import (
    has_perm,
    permission_required,
)
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.errors import ApplicationError, NotFoundError
from pishkhan.common.forms import errors_onto
from pishkhan.offices import selectors, services
from pishkhan.offices.forms import (
    CONVERSION_ACTIONS,
    ConversionDecideForm,
)
from pishkhan.offices.models import Conversion
from pishkhan.offices.states import (
    CONVERSION_TRANSITIONS,
    OPEN_CONVERSION_STATES,
    ConversionState,
)
from pishkhan.offices.views._shared import (
    PAGE_SIZE,
    in_language,
    principal_of,
)

# --- Conversions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    """An organisation's network on the board, with the shares its bar draws (percentages)."""

    row: selectors.ConversionBoardRow
    name: str
    kind_label: str
    not_started: int
    converted_share: float
    # (state, where it starts, its width): percentages of the network, drawn as SVG rectangles (a style
    # attribute would be refused by the Content-Security-Policy).
    segments: list[tuple[str, float, float]]


def _segments(parts: list[tuple[str, int]], total: int) -> list[tuple[str, float, float]]:
    segments, start = [], 0.0
    for state, count in parts:
        if count and total:
            width = round(100 * count / total, 2)
            segments.append((state, round(start, 2), width))
            start += width
    return segments


def _board_rows(rows: list[selectors.ConversionBoardRow]) -> list[BoardRow]:
    shown = []
    for row in rows:
        # Offices still of the parallel kind with no open case and no refusal: nothing has started.
        not_started = max(0, row.remaining - row.pending - row.overdue - row.refused)
        parts = [
            ("converted", row.converted),
            ("pending", row.pending),
            ("overdue", row.overdue),
            ("refused", row.refused),
            ("not-started", not_started),
        ]
        total = sum(count for _state, count in parts)
        network = row.converted + row.remaining
        shown.append(
            BoardRow(
                row=row,
                name=in_language(row.organisation_name_fa, row.organisation_name_en) or _("No organisation"),
                kind_label=OfficeKind(row.kind).label if row.kind in OfficeKind.values else row.kind,
                not_started=not_started,
                converted_share=row.converted / network if network else 0.0,
                segments=_segments(parts, total),
            )
        )
    return shown


@permission_required("offices.view")
def conversion_board(request: HttpRequest) -> HttpResponse:
    """How far each organisation's parallel offices have been converted, and the cases still open."""
    principal = principal_of(request)
    now = timezone.now()
    rows = _board_rows(selectors.conversion_board(scope=principal.scope, now=now))
    open_cases = (
        selectors.conversion_list(scope=principal.scope)
        .filter(state__in=OPEN_CONVERSION_STATES)
        .order_by("deadline", "pk")
    )
    page = Paginator(open_cases, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = {
        name: sum(getattr(shown.row, name) for shown in rows)
        for name in ("remaining", "converted", "pending", "overdue", "refused")
    }
    return render(
        request,
        "offices/conversion_board.html",
        {"rows": rows, "totals": totals, "page": page, "now": now},
    )


def _actions_for(conversion: Conversion) -> list[str]:
    """The steps the transition table allows from where the conversion stands."""
    moves = CONVERSION_TRANSITIONS.moves.get(conversion.state, set())
    actions = []
    if ConversionState.UNDER_REVIEW in moves:
        actions.append("review")
    actions += [state for state in (ConversionState.CONVERTED, ConversionState.REFUSED) if state in moves]
    return actions


@permission_required("offices.view")
def conversion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A conversion case, and (for those who decide them) the form to review or decide it."""
    principal = principal_of(request)
    try:
        conversion = selectors.conversion_get(pk=pk, scope=principal.scope)
    except NotFoundError:
        raise Http404(str(pk)) from None
    office = conversion.office
    may_decide = has_perm(principal, "conversions.decide", province=office.province.code, office=office.code)
    if request.method == "POST" and not may_decide:
        raise PermissionDenied(_("You may not decide this conversion."))
    # The page offers the steps open now; a post may name any step, and if the case moved on
    # meanwhile the transition table refuses it (409), shown on the form.
    actions = (
        _actions_for(conversion) if request.method != "POST" else [a for a, _label in CONVERSION_ACTIONS]
    )
    form = ConversionDecideForm(request.POST or None, actions=actions) if may_decide and actions else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                if action == "review":
                    services.conversion_review(conversion=conversion, actor=principal)
                else:
                    services.conversion_decide(
                        conversion=conversion,
                        outcome=action,
                        actor=principal,
                        reason=form.cleaned_data["reason"],
                        basis=form.cleaned_data["basis"],
                    )
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status  # 409 when the case moved on meanwhile, 422 for a missing reason
            else:
                messages.success(
                    request, _("The conversion of %(code)s was updated.") % {"code": office.code}
                )
                return redirect("offices:conversion_detail", pk=conversion.pk)
        else:
            status = 422
    return render(
        request,
        "offices/conversion_detail.html",
        {
            "conversion": conversion,
            "office": office,
            "form": form,
            "late": conversion.is_open and conversion.deadline < timezone.now(),
            "now": timezone.now(),
        },
        status=status,
    )
