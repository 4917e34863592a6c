"""The demo's queues in motion: at a sample of the demo's serving offices, the worker (``demo.queues``
in ``PISHKHAN_JOBS``, demo mode only) issues tickets, calls them to the counters and serves them,
through the front office's own services, so that a waiting-room display
(``/frontoffice/display/<office>/``) changes while one watches and the wait figures fill in.

Each round, at each sampled office: every counter draws whether a citizen arrived (about
``ARRIVAL`` per counter a round), a busy counter finishes its ticket with ``FINISH`` chance (a few
are no-shows), and an idle counter calls the next in line. Arrivals below the counters' pace keep
the lines finite; an office with ``LINE_MAX`` waiting takes no more for the round. Opening hours are
not consulted: the demo shows motion whenever it is watched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils import timezone

from pishkhan.catalogue.selectors import services_deliverable_by
from pishkhan.common.errors import ApplicationError
from pishkhan.frontoffice.models import Ticket
from pishkhan.frontoffice.states import TicketState
from pishkhan.frontoffice.tickets import ticket_call_next, ticket_issue, ticket_no_show, ticket_serve
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_list_serving

# How many offices keep a live queue, and how many of their counters work it.
QUEUE_OFFICES = 12
COUNTERS_MAX = 3
ARRIVAL = 0.45
FINISH = 0.6
NO_SHOW = 0.05
LINE_MAX = 15


def _draw(seed: int, code: str) -> float:
    digest = hashlib.blake2b(f"{seed}:{code}:queue".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


_sample: dict[tuple, list[int]] = {}


def queue_offices(*, seed: int, count: int = QUEUE_OFFICES) -> list[Office]:
    """The demo offices whose queues move: ``count`` serving offices that deliver a service, fixed
    by the seed (every process agrees); the choice is read once per process and registry (a rebuilt
    network, another database, is chosen from again)."""
    registry = Office.objects.aggregate(last=Max("pk"), count=Count("pk"))
    key = (seed, count, registry["last"], registry["count"])
    if key not in _sample:
        rows = office_list_serving().select_related(None).values_list("pk", "code", "kind")
        kinds = {kind for _pk, _code, kind in rows}
        delivering = {kind for kind in kinds if services_deliverable_by(kind=kind).exists()}
        ranked = sorted((_draw(seed, code), pk) for pk, code, kind in rows if kind in delivering)
        _sample[key] = [pk for _draw_, pk in ranked[:count]]
    chosen = Office.objects.in_bulk(_sample[key])
    return [chosen[pk] for pk in _sample[key] if pk in chosen]


@dataclass
class QueueRound:
    """What one round did."""

    issued: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    refused: list[str] = field(default_factory=list)


def queues_step(*, seed: int, now: dt.datetime | None = None, count: int = QUEUE_OFFICES) -> QueueRound:
    """One round of the demo's queues at the sampled offices (see the module's doc); what it did."""
    now = now or timezone.now()
    done = QueueRound()
    today = timezone.localdate(now)
    menus: dict[str, list[str]] = {}
    for office in queue_offices(seed=seed, count=count):
        rng = random.Random(f"{seed}:{office.code}:{now.timestamp():.0f}")
        if office.kind not in menus:
            menus[office.kind] = list(
                services_deliverable_by(kind=office.kind).values_list("code", flat=True)
            )
        counters = min(office.counters, COUNTERS_MAX)
        try:
            waiting = Ticket.objects.filter(office=office, day=today, state=TicketState.WAITING).count()
            for _counter in range(counters):
                if waiting < LINE_MAX and rng.random() < ARRIVAL:
                    ticket_issue(
                        office=office,
                        service_code=rng.choice(menus[office.kind]),
                        priority=rng.random() < 0.1,
                    )
                    done.issued += 1
                    waiting += 1
            called = dict(
                Ticket.objects.filter(office=office, day=today, state=TicketState.CALLED).values_list(
                    "counter", "pk"
                )
            )
            for counter in range(1, counters + 1):
                ticket_id = called.get(counter)
                if ticket_id is not None:
                    if rng.random() >= FINISH:
                        continue
                    if rng.random() < NO_SHOW:
                        ticket_no_show(office=office, ticket_id=ticket_id)
                        done.no_shows += 1
                    else:
                        ticket_serve(office=office, ticket_id=ticket_id)
                        done.served += 1
                elif waiting:
                    ticket_call_next(office=office, counter=counter)
                    done.called += 1
                    waiting -= 1
        except ApplicationError as refused:  # e.g. a counter's line empty of tickets it may call
            done.refused.append(f"{office.code}: {refused.detail}")
    return done
