"""The sandbox adapter: an agency simulated in process, for the demo and tests.

It answers at once and deterministically: ``completed`` with a reference derived from the request id,
unless the payload says ``"sandbox_answer": "rejected"``.
"""

from __future__ import annotations

import hashlib

from pishkhan.gateway.adapters import Answer, Envelope
from pishkhan.gateway.states import AgencyAnswer


def deliver(envelope: Envelope) -> Answer:
    """Answer the request as a well-behaved agency would, with no network."""
    reference = "SBX-" + hashlib.sha256(envelope.request_id.encode("utf-8")).hexdigest()[:12].upper()
    if envelope.payload.get("sandbox_answer") == AgencyAnswer.REJECTED:
        result = {"status": "rejected", "reference": reference, "reason": "rejected by the sandbox"}
        return Answer(status=AgencyAnswer.REJECTED, result=result)
    return Answer(status=AgencyAnswer.COMPLETED, result={"status": "completed", "reference": reference})


# It answers in process, at once: the gateway calls it in line rather than on a thread of its pool.
deliver.in_process = True  # type: ignore[attr-defined]
