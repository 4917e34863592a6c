"""State machines as data: a table of allowed transitions that services check before a change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pishkhan.common.errors import TransitionError


@dataclass(frozen=True)
class TransitionTable:
    """The allowed moves of one status enum, e.g. ``{"issued": {"active", "revoked"}}``."""

    name: str
    moves: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, moves: Mapping[str, Iterable[str]]) -> TransitionTable:
        return cls(name=name, moves={str(src): frozenset(map(str, dst)) for src, dst in moves.items()})

    def allows(self, source: str, target: str) -> bool:
        return str(target) in self.moves.get(str(source), frozenset())

    def check(self, source: str, target: str) -> None:
        """Raise :class:`TransitionError` unless ``source → target`` is in the table."""
        if not self.allows(source, target):
            raise TransitionError(f"{self.name}: cannot go from {source} to {target}.")

    def pairs(self) -> list[tuple[str, str]]:
        """Every allowed pair, for tests that walk the table."""
        return [(src, dst) for src, dsts in self.moves.items() for dst in sorted(dsts)]
