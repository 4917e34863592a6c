"""The gateway's one hook upward: what became of a submission, told to the domain that submitted it.

The gateway sits below the domains that submit to it and imports none of them. The submitting domain
registers its handler when Django starts (``transactions/apps.py``: ``handler_register(gateway_event)``),
and the gateway calls it as ``handler(request=..., event=..., result=...)`` inside the transaction that
records the event. The events: ``delivered`` (the agency took the request), ``result`` (its final
answer, at most once per request) and ``dead`` (delivery gave up; a replay may still bring a result).
A handler may offer a ``many`` attribute, the same for a list of events: a batch of deliveries tells
it once (:func:`events_tell`).

An event with no handler registered is an error, not a no-op: the transaction that records it rolls
back and the event comes again once the wiring is fixed, rather than a transaction left ``received``
forever while its agency has answered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

DELIVERED, RESULT, DEAD = "delivered", "result", "dead"

Handler = Callable[..., None]

_handler: Handler | None = None


def handler_register(handler: Handler, *, replace: bool = False) -> Handler | None:
    """Make ``handler`` the one told of every event; returns the handler it replaced, if any.

    A second, different handler is refused unless ``replace`` is given (a test standing in for the
    submitting domain): two domains each believing it hears the gateway would be a wiring mistake.
    """
    global _handler  # the registry is this module's one piece of state
    previous = _handler
    if previous is not None and previous is not handler and not replace:
        raise ImproperlyConfigured(
            f"The gateway already tells {previous.__module__}.{previous.__qualname__} of its events."
        )
    _handler = handler
    return previous


def handler_unregister() -> Handler | None:
    """Forget the registered handler (a test of the unwired gateway); returns it."""
    global _handler
    previous, _handler = _handler, None
    return previous


def handler_registered() -> Handler | None:
    """The handler told of events, or None before the submitting domain has registered one."""
    return _handler


def event_tell(*, request: Any, event: str, result: dict[str, Any] | None = None) -> None:
    """Tell the registered handler what happened to ``request``; raises when none is registered."""
    if _handler is None:
        raise ImproperlyConfigured(
            "No handler of the gateway's events is registered: the submitting domain registers one "
            "in its AppConfig.ready() (pishkhan.transactions.apps)."
        )
    _handler(request=request, event=event, result=result)


def events_tell(items: list[tuple[Any, str, dict[str, Any] | None]]) -> None:
    """Tell the registered handler of many events at once, in order (a batch of deliveries): through
    its ``many`` form (``handler.many(items)``, items of (request, event, result)) when it has one,
    else one call per event. Raises when no handler is registered."""
    if not items:
        return
    many = getattr(_handler, "many", None)
    if many is None:
        for request, event, result in items:
            event_tell(request=request, event=event, result=result)
        return
    many(items)
