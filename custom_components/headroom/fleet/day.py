"""What one planning day of a fleet is made of: charger classes, what the day inherits, and the
stays it plans (shared by the exact model, ``milp``, and the queue, ``queue``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..planner.plan import FloatArray
from .model import Charger, Stay


@dataclass(frozen=True, kw_only=True)
class ChargerClass:
    """Chargers of one kind and power: the model counts them, ``assign`` names them."""

    kind: str
    max_kw: float
    chargers: tuple[int, ...]


def charger_classes(chargers: tuple[Charger, ...]) -> tuple[ChargerClass, ...]:
    """The depot's chargers grouped by kind and power, the groups the model counts."""
    groups: dict[tuple[str, float], list[int]] = {}
    for i, c in enumerate(chargers):
        groups.setdefault((c.kind, c.max_kw), []).append(i)
    return tuple(ChargerClass(kind=k, max_kw=m, chargers=tuple(ix)) for (k, m), ix in sorted(groups.items()))


@dataclass(frozen=True, kw_only=True)
class Carried:
    """What a day inherits: each vehicle's SoC at the day's start (after any route under way has
    used its energy), the sessions still plugged in (stay -> charger) and the stays whose session
    has ended (a stay has one)."""

    soc_kwh: FloatArray
    ongoing: dict[int, int] = field(default_factory=dict)
    ended: frozenset[int] = frozenset()


@dataclass(frozen=True, kw_only=True)
class Link:
    """One stay of a day's model: its charging steps ``[lo, hi)``, the classes it may use, and the
    route after it when the model sees that route's departure."""

    stay: Stay
    lo: int
    hi: int
    classes: tuple[int, ...]
    caps_kw: tuple[float, ...]
    route_after: int | None
