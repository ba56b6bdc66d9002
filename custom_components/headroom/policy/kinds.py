"""The policy's one registry of device kinds: a subentry type -> the module that decides for it.

Each kind module offers the same three functions (``KindPolicy``). Dispatch is exhaustive: a
kind that is not registered is an error, never a device silently left out of the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..planner.model import Device, DevicePlan
from . import appliance, battery, ev_charger, thermal
from .cycle import Cycle, Moment
from .intents import Intents
from .setpoints import Setpoint


class KindPolicy(Protocol):
    """What each kind's policy module offers: its measured draw, its device for the planner, its setpoint
    now, and its turn and setpoint in the fuse cut."""

    KIND: str

    def measured_kw(self, reading: Any, /) -> float | None:
        """What the device draws now, as measured (for a device planned as it is)."""

    def device(self, cycle: Cycle, device_id: str, data: Mapping[str, Any], reading: Any, /) -> Device | None:
        """The device in the planner's terms for this cycle, or None when it has nothing to plan."""

    def setpoint(
        self,
        moment: Moment,
        device_id: str,
        data: Mapping[str, Any],
        reading: Any,
        planned: DevicePlan | None,
        /,
    ) -> Setpoint | None:
        """What the device should do now, given the plan's current step (None: leave it)."""

    def cut_rank(self, intents: Intents, device_id: str, /) -> int | None:
        """Its turn in the fast fuse cut (lower goes first), or None: never cut."""

    def cut_to(
        self, device_id: str, data: Mapping[str, Any], reading: Any, keep_kw: float, drawing_kw: float, /
    ) -> Setpoint:
        """Draw at most ``keep_kw`` now (it draws ``drawing_kw`` by the best account)."""


POLICIES: dict[str, KindPolicy] = {
    ev_charger.KIND: ev_charger,
    battery.KIND: battery,
    appliance.KIND: appliance,
    thermal.KIND: thermal,
}


def policy_for(kind: str) -> KindPolicy:
    """The policy module for a device kind; an unregistered kind raises rather than being left out of the
    plan."""
    try:
        return POLICIES[kind]
    except KeyError:
        raise TypeError(f"no policy for device kind {kind!r}; register it in policy/kinds.py") from None
