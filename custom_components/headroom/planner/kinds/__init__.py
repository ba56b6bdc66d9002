"""Device kinds: one module per kind, one ``DeviceKind`` object per module, one registry.

A kind module holds everything the planner knows about that kind of device: its dataclass,
its JSON, its part of the MILP, its business-as-usual schedule, its greedy fallback, its
explanation and its capacity envelope. The generic modules (``model``, ``formulation``,
``baseline``, ``fallback``, ``explain``, ``envelope``) keep the site's logic and reach a
device only through ``kind_of(device)``. Adding a kind is one module and one line in ``KINDS``
(and its dataclass in ``Device``); a device whose kind is not registered is a ``TypeError``,
never silently left out of a plan.

Data flows one way: the generic modules import the kinds, and a kind imports only the layers
below (``plan``, ``reader``, ``lp``, ``context`` for its MILP part, ``views`` for the problem,
the fallback's headroom and the scene it explains), never a generic module.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..context import Context, DeviceVars
from ..plan import DevicePlan, FloatArray, Reason
from ..reader import Reader
from ..views import ProblemView, Room, Scene
from . import appliance, battery, ev, fixed, thermal
from .appliance import Appliance
from .battery import Battery
from .ev import Ev
from .fixed import Fixed
from .thermal import ThermalStorage

Device = Ev | Battery | Appliance | Fixed | ThermalStorage

# Where a kind's greedy fallback comes in the queue: (band, then tie-breaks); equal ranks keep
# the problem's order.
GreedyRank = tuple[int, int, int, str]


class DeviceKind[D](Protocol):
    """Everything the planner asks of one kind of device ``D``.

    Generic code asks ``committed`` first: a device whose plan is already decided (a fixed
    load, an appliance already running) counts as load and is never built, scheduled,
    followed or given an envelope. ``baseline`` and ``greedy`` return None for a device that
    instead follows the home's net load (a battery in self-consumption), which ``follow``
    then plans once every other device has its power.
    """

    @property
    def name(self) -> str:
        """The JSON ``type``."""
        ...

    @property
    def model(self) -> type[D]:
        """The dataclass a device of this kind is."""
        ...

    def parse(self, r: Reader, steps: int, site_phases: int) -> D:
        """Read and validate one device (``type`` already read; ``r.done()`` is the caller's)."""
        ...

    def dump(self, dev: D) -> dict[str, Any]:
        """Its JSON fields other than ``type``, ``id`` and ``phases`` (read back by ``parse``)."""
        ...

    def committed(self, dev: D, steps: int) -> DevicePlan | None:
        """Its plan when nothing can move it, else None."""
        ...

    def build(self, ctx: Context, dev: D) -> DeviceVars:
        """Add its variables, constraints and objective terms to ``ctx.lp``."""
        ...

    def baseline(self, problem: ProblemView, dev: D) -> DevicePlan | None:
        """Business as usual: what it does with no planner (None: it follows the net load)."""
        ...

    def greedy_rank(self, dev: D) -> GreedyRank:
        """Its place in the greedy fallback's queue for the import headroom."""
        ...

    def greedy(self, problem: ProblemView, dev: D, room: Room, notes: list[str]) -> DevicePlan | None:
        """A safe plan within what ``room`` has left, taking what it uses (None: it follows)."""
        ...

    def follow(self, problem: ProblemView, dev: D, net_kw: FloatArray) -> DevicePlan | None:
        """Its plan given the home's net load without it (None: it does not follow the net)."""
        ...

    def explain(self, scene: Scene, dev: D, plan: DevicePlan) -> list[Reason]:
        """Why its plan is what it is (it may also annotate ``plan``, e.g. battery modes)."""
        ...

    def ceiling(self, problem: ProblemView, dev: D, planned: FloatArray) -> FloatArray:
        """The most it could draw per step, for its capacity envelope."""
        ...

    def size(self, dev: D, steps: int) -> int:
        """Roughly how many nonzeros its part of the MILP takes, counting its power in the balance and in
        each of its phases' rows: checked against the size cap before anything is built."""
        ...


KINDS: tuple[DeviceKind[Any], ...] = (ev.KIND, battery.KIND, appliance.KIND, fixed.KIND, thermal.KIND)

_BY_NAME: dict[str, DeviceKind[Any]] = {k.name: k for k in KINDS}
_BY_MODEL: dict[type, DeviceKind[Any]] = {k.model: k for k in KINDS}


def kind_of(dev: object) -> DeviceKind[Any]:
    """The kind of a device (or of a subclass of a registered dataclass)."""
    for cls in type(dev).__mro__:
        kind = _BY_MODEL.get(cls)
        if kind is not None:
            return kind
    name = getattr(dev, "id", None)
    raise TypeError(
        f"no device kind is registered for {type(dev).__name__}"
        + (f" (device '{name}')" if name is not None else "")
        + f"; registered: {', '.join(c.__name__ for c in _BY_MODEL)}"
    )


def kind_named(name: str) -> DeviceKind[Any]:
    """The kind whose JSON ``type`` is ``name``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise TypeError(f"no device kind is registered as '{name}'") from None


def names() -> tuple[str, ...]:
    """Every registered JSON ``type``, in registry order."""
    return tuple(_BY_NAME)


def size(dev: Device, steps: int) -> int:
    """Roughly how many nonzeros the device's part of the MILP takes (see ``DeviceKind.size``)."""
    return int(kind_of(dev).size(dev, steps))


def committed(dev: Device, steps: int) -> DevicePlan | None:
    """The device's plan when nothing can move it (see ``DeviceKind.committed``)."""
    plan: DevicePlan | None = kind_of(dev).committed(dev, steps)
    return plan


__all__ = [
    "KINDS",
    "Appliance",
    "Battery",
    "Device",
    "DeviceKind",
    "Ev",
    "Fixed",
    "GreedyRank",
    "ThermalStorage",
    "committed",
    "kind_named",
    "kind_of",
    "names",
    "size",
]
