"""A result handler for the tests, named in settings the way a real domain names its own."""

CALLS: list[tuple[str, str]] = []


def record(*, request, result):
    """Note which request got which result (the gateway must call this once per request)."""
    CALLS.append((request.idempotency_key, result["status"]))
