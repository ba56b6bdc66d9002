"""Price units, once: a price entity's unit as a factor to currency per kWh.

Price integrations publish in main currency units or their hundredths, per Wh, kWh or MWh: HACS Nord
Pool with ``price_in_cents`` gives "öre/kWh", "c/kWh" or "øre/kWh" (custom-components/nordpool), ENTSO-e
and core Nord Pool "EUR/kWh" or "SEK/kWh", Octopus "GBP/kWh", Amber "$/kWh", wholesale feeds "EUR/MWh".
A unit this table does not know is refused by the site form rather than read with a guessed factor.
"""

from __future__ import annotations

import re
from typing import Final

# Hundredths of a currency, as integrations and people write them (compared without case).
SUBUNITS: Final = frozenset({"öre", "ore", "øre", "ct", "c", "¢", "cent", "cents", "p", "pence", "penny"})
# Main units: ISO codes and the signs used for them.
MAIN_UNITS: Final = frozenset(
    {
        "eur", "sek", "nok", "dkk", "gbp", "usd", "aud", "nzd", "chf", "pln", "czk", "huf", "ron", "bgn",
        "isk", "cad", "jpy", "kr", "€", "£", "$", "zł", "kč",
    }
)  # fmt: skip
# Energy denominators in kWh.
ENERGY_KWH: Final = {"wh": 0.001, "kwh": 1.0, "mwh": 1000.0}


def price_factor(unit: str | None) -> float | None:
    """The multiplier from a price in ``unit`` to currency per kWh; 1 for a price without a unit
    (taken as currency per kWh), None for a unit that is not currency per energy."""
    if unit is None or not unit.strip():
        return 1.0
    parts = re.split(r"\s*(?:/|per)\s*", unit.strip(), maxsplit=1)
    if len(parts) != 2:
        return None
    money, energy = parts[0].casefold(), parts[1].casefold()
    if energy not in ENERGY_KWH:
        return None
    if money in SUBUNITS:
        scale = 0.01
    elif money in MAIN_UNITS:
        scale = 1.0
    else:
        return None
    return scale / ENERGY_KWH[energy]
