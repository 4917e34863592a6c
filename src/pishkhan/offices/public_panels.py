"""What higher domains add to an office's public page (the rate board): registered, not imported.

The registry sits below the domains that know more of an office (the front office's ratings), so
they register a panel here in their ``AppConfig.ready()``: a function of the office giving a template
to include and its context, or None to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pishkhan.offices.models import Office


@dataclass(frozen=True)
class Panel:
    """One part of the public page: a template to include, with its context."""

    template: str
    context: dict[str, Any]


PanelFn = Callable[[Office], Panel | None]
_panels: dict[str, PanelFn] = {}


def public_panel_register(name: str, fn: PanelFn) -> None:
    """Register (or replace) a panel of the office's public page under a name."""
    _panels[name] = fn


def public_panels(office: Office) -> list[Panel]:
    """The panels the registered domains show for this office, in registration order."""
    return [panel for fn in _panels.values() if (panel := fn(office)) is not None]


def public_panel_names() -> list[str]:
    """The names registered (the wiring test checks them)."""
    return list(_panels)
