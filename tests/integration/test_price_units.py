"""Price units as the integrations publish them, read once through one table.

source: custom-components/nordpool custom_components/nordpool/const.py and sensor.py @ commit
1eaa2490943bb41a2e322e9349ba2d7c6746a94b: the unit is "<currency>/<price_type>" with ``price_type`` one of
kWh, MWh, Wh, and with ``price_in_cents`` the currency becomes "Öre" (SEK), "Øre" (DKK, NOK) or "c" (EUR).
"""

from __future__ import annotations

import pytest
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.sources.units import price_factor

from .conftest import PRICE, SITE


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        ("SEK/kWh", 1.0),
        ("Öre/kWh", 0.01),  # HACS Nord Pool, SEK in cents
        ("Øre/kWh", 0.01),  # DKK, NOK in cents
        ("c/kWh", 0.01),  # EUR in cents
        ("EUR/MWh", 0.001),
        ("Öre/MWh", 0.00001),
        ("EUR/Wh", 1000.0),
        ("¢/kWh", 0.01),
        ("p/kWh", 0.01),
        ("GBP/kWh", 1.0),
        ("$/kWh", 1.0),
        (None, 1.0),
        ("kWh", None),  # an energy, not a price
        ("EUR", None),
        ("°C", None),
        ("bananas/kWh", None),
    ],
)
def test_one_table_for_every_price_unit(unit: str | None, factor: float | None) -> None:
    result = price_factor(unit)
    assert result == (None if factor is None else pytest.approx(factor))


async def test_an_ore_price_is_planned_in_kronor(hass: HomeAssistant, home: None) -> None:
    """The same prices in Öre/kWh plan as in SEK/kWh: the plan's prices are not 100 x off."""
    state = hass.states.get(PRICE)
    assert state is not None
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    in_kronor = list(entry.runtime_data.data.problem.tariff.import_price[:8])
    assert await hass.config_entries.async_unload(entry.entry_id)

    in_ore = dict(state.attributes)
    for key in ("raw_today", "raw_tomorrow"):
        in_ore[key] = [{**row, "value": row["value"] * 100} for row in state.attributes[key]]
    in_ore["current_price"] = state.attributes["current_price"] * 100
    in_ore["unit_of_measurement"] = "Öre/kWh"
    hass.states.async_set(PRICE, str(float(state.state) * 100), in_ore)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert list(entry.runtime_data.data.problem.tariff.import_price[:8]) == pytest.approx(in_kronor)
    assert max(in_kronor) < 1.0  # kronor per kWh, not öre


async def test_an_unknown_unit_is_refused_and_nothing_is_made(hass: HomeAssistant, home: None) -> None:
    state = hass.states.get(PRICE)
    hass.states.async_set(PRICE, state.state, {**state.attributes, "unit_of_measurement": "points/kWh"})
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    form = {"name": "Home", "main_fuse_a": 25, "phase_count": "3", "price_entity": PRICE}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"price_entity": "price_unit_unknown"}
    assert hass.config_entries.async_entries(DOMAIN) == []
