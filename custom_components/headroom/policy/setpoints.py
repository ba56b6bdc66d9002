"""What one device should do now, as the policy decides it, before any device's vocabulary.

The Home Assistant layer turns a ``Setpoint`` into service calls on the device's own entities
(``devices/``); the simulator applies it to its models. Both order and pace them with the
functions here, so that no moment of a sequence of writes overloads the fuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

# Raises go out at most this often per device and key; lowers at any time.
RAISE_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, kw_only=True)
class Setpoint:
    """``power_kw``: what the device should draw; ``delta_kw``: the change that asks for
    (negative lowers the load). ``amps`` for chargers, ``mode`` for batteries, ``on`` for
    appliances and heat stores (run / heat now)."""

    device_id: str
    kind: str
    power_kw: float
    delta_kw: float
    amps: float | None = None
    mode: str | None = None
    on: bool | None = None
    # How long the plan holds this battery mode from now (min): a vendor's forced mode that runs
    # for a set time (Huawei's forcible charge) is given this long, so it ends with the plan's run.
    hold_minutes: float | None = None

    @property
    def key(self) -> str:
        """Setpoints are paced per device (a device's writes share one key)."""
        return self.kind


class Paced(Protocol):
    """Anything written to a device: it says which device and key, and which way it moves power."""

    @property
    def device_id(self) -> str: ...

    @property
    def key(self) -> str: ...

    @property
    def delta_kw(self) -> float: ...


def paced[T: Paced](
    writes: Iterable[T],
    last_write: dict[tuple[str, str], datetime],
    now: datetime,
    *,
    urgent: bool,
    intervals: Mapping[str, timedelta] | None = None,
) -> list[T]:
    """The writes that may go out now, lowers first: a raise waits ``RAISE_INTERVAL`` (or the
    device's own longer interval, where its vendor limits how often a setting may change) after the
    last write of the same key, unless ``urgent`` (a fuse cut, a retry). Lowers never wait: the
    fuse comes before a vendor's rate limit."""
    ready = []
    for write in writes:
        last = last_write.get((write.device_id, write.key))
        wait = max(RAISE_INTERVAL, (intervals or {}).get(write.device_id, RAISE_INTERVAL))
        if not urgent and write.delta_kw > 0 and last is not None and now - last < wait:
            continue
        ready.append(write)
    return sorted(ready, key=lambda w: w.delta_kw)
