"""The one doorway for a write's in-process side effects: they run only after the transaction commits.

Use it for what may be lost if the process dies right after the commit (clearing a cache, waking a
worker). Work that must happen (an agency call, a citizen's SMS) is not an effect but a row the same
transaction writes and the worker carries out (the gateway's outbox, a case's notice not yet sent).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction


def after_commit(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """Run ``func(*args, **kwargs)`` once the current transaction commits (now, if there is none).

    Never if it rolls back; an effect that raises is logged and does not stop the others.
    """
    effect = functools.partial(func, *args, **kwargs)
    # Django names a failing effect by its __qualname__ when it logs it; a bare partial has none, and
    # the log line itself would raise (the effects after it would not run).
    functools.update_wrapper(effect, func)
    transaction.on_commit(effect, robust=True)
