"""The one doorway for side effects of a write: they run only after the transaction commits."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction


def after_commit(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """Run ``func(*args, **kwargs)`` once the current transaction commits (now, if there is none)."""
    transaction.on_commit(functools.partial(func, *args, **kwargs), robust=True)
