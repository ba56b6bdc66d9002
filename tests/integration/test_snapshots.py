"""What a person sees, pinned: every entity's state and attributes, and the diagnostics, for a
fixed evening in a home with a car, a battery and a dishwasher. A change in what Headroom
publishes shows up here as a diff to review (``pytest --snapshot-update`` after checking it)."""

from __future__ import annotations

from typing import Any

import aiohasupervisor  # noqa: F401  (imported before time is frozen: it fails to import under freezegun)
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.headroom.const import DOMAIN

from .conftest import SITE, appliance_subentry, battery_subentry, charger_subentry

# Timings differ from run to run; everything else is a function of the inputs.
VARYING = ("solve_seconds", "cycle_seconds", "seconds")


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to("2026-11-22 18:00:00-08:00")


@pytest.fixture
async def short_entry(hass: HomeAssistant, home: None) -> MockConfigEntry:
    """An 8-hour horizon keeps the pinned forecasts readable."""
    subentries = [
        ConfigSubentryDataWithId(**sub, subentry_id=name)
        for sub, name in (
            (charger_subentry(), "driveway"),
            (battery_subentry(), "garage_battery"),
            (appliance_subentry(), "dishwasher"),
        )
    ]
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={**SITE, "horizon_hours": 8},
        entry_id="site",
        subentries_data=subentries,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_entities(
    hass: HomeAssistant, short_entry: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    registry = er.async_get(hass)
    devices = dr.async_get(hass)
    published: dict[str, Any] = {}
    for entity in sorted(
        er.async_entries_for_config_entry(registry, short_entry.entry_id), key=lambda e: e.entity_id
    ):
        state = hass.states.get(entity.entity_id)
        device = devices.async_get(entity.device_id) if entity.device_id else None
        published[entity.entity_id] = {
            "device": device.name if device else None,
            "translation_key": entity.translation_key,
            "entity_category": entity.entity_category,
            "disabled": entity.disabled_by is not None,
            "state": "<timing>"
            if entity.entity_id.endswith("solve_duration")
            else (state.state if state else None),
            "attributes": dict(state.attributes) if state else None,
        }
    assert published == snapshot


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    short_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, short_entry)
    assert diagnostics == snapshot(exclude=props(*VARYING))
    assert diagnostics["config"]["price_entity"] == SITE["price_entity"]  # entity ids are not secret


async def test_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    short_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    sub = next(s for s in short_entry.subentries.values() if s.title == "Driveway")
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, sub.subentry_id)})
    assert device is not None
    diagnostics = await get_diagnostics_for_device(hass, hass_client, short_entry, device)
    assert diagnostics["type"] == "ev_charger"
    assert diagnostics["problem_device"]["energy_kwh"] == pytest.approx(24.0)
    assert diagnostics == snapshot(exclude=props(*VARYING))
