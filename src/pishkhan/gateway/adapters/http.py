"""The HTTP adapter: a signed JSON POST to the agency's back-end (standard library only).

2xx with ``{"status": "completed" | "rejected" | "accepted", ...}`` is an answer. 5xx, timeouts and
connection errors may pass, so they are retried; a 4xx means the agency refuses this request as it is,
and sending it again would only be refused again.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from pishkhan.gateway.adapters import Answer, DeliveryFailed, Envelope, answer_parse
from pishkhan.gateway.signing import signed_headers

# An agency's answer is a small JSON object; more than this is not one.
ANSWER_MAX_BYTES = 64 * 1024
USER_AGENT = "Pishkhan-Gateway/1"


def deliver(envelope: Envelope) -> Answer:
    """POST the envelope to the agency's base URL, signed with its secret, and read the answer."""
    if not envelope.base_url.startswith(("http://", "https://")):
        raise DeliveryFailed("the agency has no http(s) base URL", retryable=False)
    if not envelope.secret:
        raise DeliveryFailed("the agency has no shared secret (gateway_secret_set)", retryable=False)
    body = json.dumps(envelope.body(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    headers |= signed_headers(secret=envelope.secret, body=body, now=time.time())
    request = urllib.request.Request(envelope.base_url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=envelope.timeout_seconds) as response:  # noqa: S310
            status_code = response.status
            raw = response.read(ANSWER_MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        retryable = error.code >= 500 or error.code in (408, 429)
        raise DeliveryFailed(
            f"the agency answered HTTP {error.code}", retryable=retryable, status_code=error.code
        ) from None
    except TimeoutError:
        raise DeliveryFailed("the agency did not answer in time", retryable=True) from None
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryFailed(f"the agency could not be reached: {reason}", retryable=True) from None
    if len(raw) > ANSWER_MAX_BYTES:
        raise DeliveryFailed("the agency's answer is too large", retryable=False, status_code=status_code)
    try:
        return answer_parse(json.loads(raw), status_code=status_code)
    except ValueError as error:
        # A 2xx we cannot read: the agency may have done the work, so asking again (same request id,
        # which the agency dedupes) is safer than giving up.
        raise DeliveryFailed(
            f"the agency's answer is unreadable: {error}", retryable=True, status_code=status_code
        ) from None
