"""A worker's cursor over a table's growing ids, which does not lose the rows committed out of order.

Ids are handed out when a row is inserted, not when it commits: a job that reads "ids after N" can
pass an id whose transaction commits a moment later. So the cursor remembers the gaps it stepped over
(each with when it was first missed) and asks for them again on its next rounds, until they turn up
or are old enough to be rolled back for good. Supervision's alerts and the KPIs' rollups both keep
such a cursor; this is their one bookkeeping of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

# How long a gap is awaited, and how many are kept at most: a jump of the sequence (a restore, a burst
# of rollbacks) is not a million ids awaited.
PENDING_FOR = dt.timedelta(minutes=2)
PENDING_MAX = 5000


def pending_after(
    *,
    last_id: int,
    pending: Iterable[Sequence[float]],
    read_ids: Sequence[int],
    found_late: set[int],
    now: dt.datetime,
) -> list[list[float]]:
    """The ids still awaited after a round that read ``read_ids`` (ascending) after ``last_id`` and
    found ``found_late`` of those awaited before: the old ones not found and not expired, and the gaps
    among this round's ids, each ``[id, first missed at (epoch seconds)]``."""
    horizon = (now - PENDING_FOR).timestamp()
    awaited = [[pk, since] for pk, since in pending if pk not in found_late and since >= horizon]
    if read_ids:
        seen = set(read_ids)
        stamp = now.timestamp()
        first = max(last_id + 1, read_ids[-1] - PENDING_MAX)
        awaited += [[pk, stamp] for pk in range(first, read_ids[-1]) if pk not in seen]
    return awaited[-PENDING_MAX:]
