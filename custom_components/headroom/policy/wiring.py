"""Which phases a device draws from: the one place the device settings' phase keys are read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..const import CONF_PHASE, CONF_PHASES, PHASE_NAMES


def wired_phases(data: Mapping[str, Any], site_phase_count: int) -> tuple[int, ...]:
    """The phases a device draws from (1-based): a charger's own phase count first (a 3-phase
    charger draws from all three, a 1-phase one from the phase it is set to, L1 unless said), else
    the phase the device is set to, else all of the site's."""
    if site_phase_count <= 1:
        return (1,)
    everywhere = tuple(range(1, site_phase_count + 1))
    name = data.get(CONF_PHASE)
    wires = int(data[CONF_PHASES]) if data.get(CONF_PHASES) is not None else None
    if wires is not None and wires >= 2:
        return everywhere[:wires]
    if name in PHASE_NAMES:
        return (PHASE_NAMES.index(name) + 1,)
    return (1,) if wires == 1 else everywhere
