"""The working groups' pages under /planning/working-groups/: the groups, a province's group (its
members and sessions), a session (agenda, attendance, votes, decisions, minutes) and its printable
report (with its XLSX).

Who does what (permissions, each checked for the province named in the URL): ``planning.view`` reads
(a province's people their own province; any other is a 404); ``planning.sessions`` (the province's
directorate) manages members, schedules, opens and closes sessions, edits the agenda, takes
attendance and decides items; ``planning.vote`` (the members) votes; ``planning.confirm`` (the
regulator) confirms or returns a carried decision. A refused action re-renders the page with the
reason (422 or 409) and keeps what was typed; nothing is stored.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pishkhan.accounts.permissions import Principal, has_perm, permission_required, principal_from_request
from pishkhan.common.errors import ApplicationError, ValidationError
from pishkhan.common.exports import Column, export_format, export_response
from pishkhan.common.forms import JalaliDateField
from pishkhan.geo.selectors import county_list
from pishkhan.planning import groups, selectors
from pishkhan.planning.models import AgendaItem, Session, WorkingGroup
from pishkhan.planning.states import DECIDED_STATES, ItemStatus, MemberRole, SessionStatus, VoteChoice
from pishkhan.planning.views import _province_map, _scope

# The POST actions of each page, with the permission each needs in the province.
GROUP_ACTIONS = {"member_add": "planning.sessions", "member_remove": "planning.sessions",
                 "schedule": "planning.sessions"}  # fmt: skip
SESSION_ACTIONS = {
    "open": "planning.sessions",
    "attendance": "planning.sessions",
    "cancel": "planning.sessions",
    "item_add": "planning.sessions",
    "item_edit": "planning.sessions",
    "decide": "planning.sessions",
    "close": "planning.sessions",
    "vote": "planning.vote",
    "confirm": "planning.confirm",
    "return": "planning.confirm",
}


class ScheduleForm(forms.Form):
    day = JalaliDateField(label=gettext_lazy("Day"))
    time = forms.TimeField(
        label=gettext_lazy("Time"),
        widget=forms.TimeInput(attrs={"type": "time", "dir": "ltr"}, format="%H:%M"),
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)

    def scheduled_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"]))


def _province(request: HttpRequest, code: str) -> tuple[object, Principal | None]:
    scope = _scope(request)
    try:
        province = selectors.province_get_scoped(code=code, scope=scope)
    except ApplicationError:
        raise Http404(code) from None
    return province, principal_from_request(request)


def _allowed(principal: Principal | None, code: str) -> dict[str, bool]:
    return {
        "can_manage": has_perm(principal, "planning.sessions", province=code),
        "can_vote": has_perm(principal, "planning.vote", province=code),
        "can_confirm": has_perm(principal, "planning.confirm", province=code),
    }


def _permit(principal: Principal | None, action: str, actions: dict[str, str], code: str) -> None:
    perm = actions.get(action)
    if perm is None:
        raise ValidationError(_("Unknown action."))
    if not has_perm(principal, perm, province=code):
        raise PermissionDenied(_("You may not do this here."))


@permission_required("planning.view")
def groups_home(request: HttpRequest) -> HttpResponse:
    """The provinces' working groups; a provincial user is sent to their own."""
    scope = _scope(request)
    if "province" in scope:
        return redirect("planning:group", code=scope["province"])
    principal = principal_from_request(request)
    context = {
        "groups": selectors.working_groups(scope=scope),
        "awaiting": selectors.decisions_awaiting_review(scope=scope),
        "can_confirm": has_perm(principal, "planning.confirm"),
    }
    return render(request, "planning/groups.html", context)


@permission_required("planning.view")
def group_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A province's working group: its members and sessions (POST: add or remove a member, schedule)."""
    province, principal = _province(request, code)
    group = selectors.working_group_of(province=province)
    error, status = "", 200
    form = ScheduleForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "schedule":
            form = ScheduleForm(request.POST)
        try:
            _permit(principal, action, GROUP_ACTIONS, province.code)
            group = group or groups.working_group_ensure(province=province, actor=principal)
            if action == "member_add":
                groups.member_add(
                    group=group,
                    username=request.POST.get("username", ""),
                    role=request.POST.get("role", ""),
                    actor=principal,
                )
            elif action == "member_remove":
                member = group.members.filter(pk=_int(request.POST.get("member"))).first()
                if member is None:
                    raise ValidationError(_("Choose a member."))
                groups.member_remove(member=member, actor=principal)
            elif form.is_valid():
                session = groups.session_schedule(
                    group=group,
                    scheduled_at=form.scheduled_at(),
                    place=form.cleaned_data["place"],
                    actor=principal,
                )
                return redirect("planning:session", code=province.code, number=session.number)
            else:
                raise ValidationError(_("Correct the day and time of the session."))
        except ApplicationError as refused:
            error, status = refused.detail, refused.status
            if action == "schedule":
                for field, messages in refused.fields.items():
                    for message in messages:
                        if field in form.fields and message:
                            form.add_error(field, message)
        else:
            return redirect("planning:group", code=province.code)
    context = {
        "province": province,
        "group": group,
        "members": selectors.members_of(group=group) if group else [],
        "sessions": selectors.sessions_of(group=group) if group else [],
        "roles": MemberRole.choices,
        "form": form,
        "error": error,
        "posted": request.POST,
        **_allowed(principal, province.code),
    }
    return render(request, "planning/group.html", context, status=status)


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _session_context(session: Session, principal: Principal | None) -> dict:
    group: WorkingGroup = session.group
    members = list(selectors.members_of(group=group))
    present = selectors.attendance_of(session=session)
    votes = selectors.votes_of(session=session)
    me = groups.member_of(group=group, actor=principal)
    rows = []
    for item in selectors.items_of(session=session):
        counted = groups.tally(item=item)
        rows.append(
            {
                "item": item,
                "tally": counted,
                "votes": [(m, votes.get(item.pk, {}).get(m.pk, "")) for m in members if m.pk in present],
                "mine": votes.get(item.pk, {}).get(me.pk, "") if me else "",
                "decided": item.status in DECIDED_STATES,
            }
        )
    return {
        "session": session,
        "group": group,
        "province": group.province,
        "members": members,
        "present": present,
        "present_members": [m for m in members if m.pk in present],
        "rows": rows,
        "me": me,
        "i_am_present": me is not None and me.pk in present,
        "counties": county_list(province_code=group.province.code),
        "vote_choices": VoteChoice.choices,
        "statuses": {"scheduled": SessionStatus.SCHEDULED, "open": SessionStatus.OPEN},
        "item_open": ItemStatus.OPEN,
        "item_carried": ItemStatus.CARRIED,
    }


def _session_act(request: HttpRequest, session: Session, principal: Principal | None, action: str) -> None:
    post = request.POST
    item: AgendaItem | None = None
    if action in ("item_edit", "vote", "decide", "confirm", "return"):
        item = selectors.item_get(session=session, number=post.get("item", ""))
    if action == "open":
        groups.session_open(session=session, present=post.getlist("present"), actor=principal)
    elif action == "attendance":
        groups.attendance_set(session=session, present=post.getlist("present"), actor=principal)
    elif action == "cancel":
        groups.session_cancel(session=session, reason=post.get("reason", ""), actor=principal)
    elif action == "item_add":
        groups.agenda_item_add(
            session=session,
            title=post.get("title", ""),
            county=post.get("county", ""),
            pishkhan_quota=post.get("pishkhan_quota"),
            ict_quota=post.get("ict_quota"),
            actor=principal,
        )
    elif action == "item_edit":
        groups.agenda_item_edit(
            item=item,
            title=post.get("title", ""),
            pishkhan_quota=post.get("pishkhan_quota"),
            ict_quota=post.get("ict_quota"),
            actor=principal,
        )
    elif action == "vote":
        groups.vote_cast(item=item, choice=post.get("choice", ""), actor=principal)
    elif action == "decide":
        groups.item_decide(item=item, actor=principal)
    elif action == "close":
        groups.session_close(session=session, minutes=post.get("minutes", ""), actor=principal)
    elif action == "confirm":
        groups.decision_confirm(item=item, actor=principal)
    elif action == "return":
        groups.decision_return(item=item, reason=post.get("reason", ""), actor=principal)


def _session_of(province: object, number: int) -> Session:
    group = selectors.working_group_of(province=province)
    if group is None:
        raise Http404("group")
    try:
        return selectors.session_get(group=group, number=number)
    except ApplicationError:
        raise Http404("session") from None


@permission_required("planning.view")
def session_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """A session: its agenda with the facts behind each item, attendance, votes and decisions."""
    province, principal = _province(request, code)
    session = _session_of(province, number)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _permit(principal, action, SESSION_ACTIONS, province.code)
            _session_act(request, session, principal, action)
        except ApplicationError as refused:
            if refused.status == 404:
                raise Http404(refused.detail) from None
            error, status = refused.detail, refused.status
            fields = [m for messages in refused.fields.values() for m in messages if m and m != error]
            if fields:
                error = " ".join([error, *fields])
            session.refresh_from_db()
        else:
            anchor = f"#item-{request.POST.get('item')}" if request.POST.get("item") else ""
            return redirect(f"{request.path}{anchor}")
    context = _session_context(session, principal) | _allowed(principal, province.code)
    context |= {"error": error, "posted": request.POST, "action": request.POST.get("action", "")}
    return render(request, "planning/session.html", context, status=status)


def _report_columns() -> list[Column]:
    return [
        Column(_("Item"), lambda r: r["item"].number),
        Column(_("Title"), lambda r: r["item"].title),
        Column(_("County code"), lambda r: r["item"].county.code if r["item"].county else ""),
        Column(_("Pishkhan offices"), lambda r: r["item"].pishkhan_quota),
        Column(_("Rural ICT offices"), lambda r: r["item"].ict_quota),
        Column(_("Yes"), lambda r: r["tally"].yes),
        Column(_("No"), lambda r: r["tally"].no),
        Column(_("Abstain"), lambda r: r["tally"].abstain),
        Column(_("Decision"), lambda r: r["item"].get_status_display()),
    ]


@permission_required("planning.view")
def session_report(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """The printable report of a session (``?export=xlsx``/``csv``: its agenda, votes and decisions)."""
    province, principal = _province(request, code)
    session = _session_of(province, number)
    try:
        wanted = export_format(request)
    except ValidationError as refused:
        return render(request, "web/400.html", {"error": refused.detail}, status=400)
    context = _session_context(session, principal)
    if wanted:
        return export_response(
            rows=context["rows"],
            columns=_report_columns(),
            filename=f"working-group-{province.code}-session-{session.number}",
            format=wanted,
        )
    run = selectors.coverage_run_latest()
    plans = selectors.plans_of(province=province)
    context |= {
        "run": run,
        "summary": selectors.province_coverage(run=run, province=province) if run else None,
        "counties_coverage": list(selectors.county_coverages(run=run, province=province)) if run else [],
        "plans": plans,
        "map": _province_map(province, list(selectors.demand_points(province=province)), plans),
        "printed_at": timezone.now(),
    }
    return render(request, "planning/session_report.html", context)
