"""An event handler for the tests, registered with the gateway the way a real domain registers its own."""

CALLS: list[tuple[str, str]] = []
EVENTS: list[tuple[str, str]] = []


def record(*, request, event, result):
    """Note every event, and which request got which result (the gateway must give one per request)."""
    EVENTS.append((request.idempotency_key, event))
    if event == "result":
        CALLS.append((request.idempotency_key, result["status"]))
