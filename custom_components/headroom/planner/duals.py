"""Price signals: what a kWh costs the site at each step, for each device, from the plan's duals.

A device that plans itself (a charger with its own scheduler, an appliance with its own delay start)
needs one number per step from the home: what a kWh drawn then costs. Here it is the site's side of
the plan's duals: the linear program with the integers fixed at the plan's values (``lp.row_prices``)
gives each row's price, and a device's signal at a step is what one more kW of it meets in the site's
rows alone (the power balance, and each phase's limit on the phases it draws from), per kWh. Its own
rows (its energy goal, its state of charge) are left out: they are the device's to know. Where the
import limit or a phase's fuse binds, the signal carries what that capacity is worth; where nothing
binds it is the price of the energy the site would import, or the export it would give up.
"""

from __future__ import annotations

import numpy as np

from .formulation import Formulation
from .model import FloatArray


def price_signals(form: Formulation, x: FloatArray) -> dict[str, FloatArray]:
    """Per planned device, its price signal (currency per kWh, per step, the whole horizon): what one
    more kW drawn by it at a step costs the site, from the power balance's dual and the duals of the
    phase limits on its phases. Empty when the fixed program does not solve."""
    prices = form.lp.row_prices(x)
    if prices is None:
        return {}
    problem = form.problem
    n = problem.steps
    rows = prices[form.site_rows]
    balance = rows[:n]
    phases = problem.site.phases
    per_phase = [rows[n * (p + 1) : n * (p + 2)] for p in range(phases.count)] if phases is not None else []
    to_amps = phases.amps_per_kw if phases is not None else 0.0
    out: dict[str, FloatArray] = {}
    for device_id, part in form.devices.items():
        # A kW more of this device: -1 in the balance, +amps/len(phases) on each of its phases;
        # the objective moves by -Σ A[r, c] λ_r.
        signal = balance.copy()
        drawn = [p for p in part.phases if 1 <= p <= len(per_phase)]
        for phase in drawn:
            signal -= per_phase[phase - 1] * (to_amps / len(part.phases))
        out[device_id] = np.asarray(signal / problem.step_hours, dtype=np.float64)
    return out
