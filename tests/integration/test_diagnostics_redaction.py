"""Diagnostics leave out what identifies a person or a device: the charger's vendor id (its serial),
the names people gave reservations and grid requests; the plan stays replayable under stand-ins."""

# The serial is Headroom's own ``vendor_charger_id`` setting, not a format of the Easee integration;
# for the record, Easee's actions name a charger by its Home Assistant device (source:
# github.com/nordicopen/easee_hass, custom_components/easee/services.yaml, commit
# 9a96a10e6dc8d20a738c95b38d4e31e19095bc5e).

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

# The diagnostics download imports hassio (and its mashumaro models) on first use; under a frozen
# clock that import fails, so it is imported here, before any test freezes time.
import homeassistant.components.hassio  # noqa: F401
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.headroom.const import DOMAIN

from .conftest import SITE, appliance_subentry, charger_subentry

SERIAL = "EH4Q7XK2"
SECRETS = (SERIAL, "Mum's sauna", "dso-congestion-42")
REDACTED = "**REDACTED**"


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to("2026-11-22 18:00:00-08:00")


def at(hours_from_now: float) -> str:
    return (dt_util.now() + timedelta(hours=hours_from_now)).isoformat()


@pytest.fixture
async def vendor_entry(hass: HomeAssistant, home: None) -> MockConfigEntry:
    """A charger driven through a vendor action, known to it by its serial."""
    sub = charger_subentry()
    charger = ConfigSubentryData(
        subentry_type=sub["subentry_type"],
        title=sub["title"],
        unique_id=None,
        data={**sub["data"], "control_adapter": "easee", "vendor_charger_id": SERIAL},
    )
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data=SITE, subentries_data=[charger, appliance_subentry()]
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for name, hours in (("Mum's sauna", 1), ("smart", 3)):
        await hass.services.async_call(
            DOMAIN,
            "reserve_capacity",
            {"id": name, "start": at(hours), "end": at(hours + 1), "power_kw": 2},
            blocking=True,
            return_response=True,
        )
    await hass.services.async_call(
        DOMAIN,
        "flex_request",
        {"id": "dso-congestion-42", "start": at(5), "end": at(6), "limit_kw": 5},
        blocking=True,
        return_response=True,
    )
    return entry


def nowhere(diagnostics: dict[str, Any]) -> None:
    text = json.dumps(diagnostics)
    for secret in SECRETS:
        assert secret not in text, secret


async def test_entry_diagnostics_redact_serials_and_names(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, vendor_entry: MockConfigEntry
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, vendor_entry)
    nowhere(diagnostics)
    charger = next(s for s in diagnostics["subentries"] if s["type"] == "ev_charger")
    assert charger["data"]["vendor_charger_id"] == REDACTED
    assert charger["data"]["plugged_entity"] == "input_boolean.car_plugged"  # entity ids are not secret
    intents = diagnostics["intents"]
    # Sorted names get numbered stand-ins: "Mum's sauna" < "smart".
    assert set(intents["reservations"]) == {"reservation_1", "reservation_2"}
    assert intents["reservations"]["reservation_1"]["id"] == "reservation_1"
    assert intents["reservations"]["reservation_1"]["requested_kw"] == 2.0
    assert list(intents["grid_requests"]) == ["grid_request_1"]
    assert intents["grid_requests"]["grid_request_1"]["limit_kw"] == 5.0
    # The same stand-ins in the problem and the plan, which stay consistent with each other.
    problem_ids = {d["id"] for d in diagnostics["problem"]["devices"]}
    assert {"reservation:reservation_1", "reservation:reservation_2"} <= problem_ids
    assert {"reservation:reservation_1", "reservation:reservation_2"} <= set(diagnostics["plan"]["devices"])
    # Only names in their places are replaced: a charge mode called "smart" stays.
    assert any(goal["mode"] == "smart" for goal in intents["goals"].values())


async def test_device_diagnostics_redact_the_serial(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, vendor_entry: MockConfigEntry
) -> None:
    sub = next(s for s in vendor_entry.subentries.values() if s.title == "Driveway")
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, sub.subentry_id)})
    assert device is not None
    diagnostics = await get_diagnostics_for_device(hass, hass_client, vendor_entry, device)
    nowhere(diagnostics)
    assert diagnostics["data"]["vendor_charger_id"] == REDACTED
    assert diagnostics["data"]["control_adapter"] == "easee"


async def test_the_downloaded_file_replays_with_the_troubleshooting_command(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    vendor_entry: MockConfigEntry,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's command on the file as the UI downloads it (the problem under ``data``)."""
    from homeassistant.setup import async_setup_component

    from custom_components.headroom.planner.__main__ import main

    assert await async_setup_component(hass, "diagnostics", {})
    await hass.async_block_till_done()
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{vendor_entry.entry_id}")
    assert response.status == 200
    download = await response.json()
    assert "problem" in download["data"] and "start" not in download  # the shape of the real file
    path = tmp_path / "headroom-diagnostics.json"
    path.write_text(json.dumps(download))
    assert await hass.async_add_executor_job(main, ["solve", str(path)]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert replayed["status"] in ("optimal", "feasible")
    assert set(replayed["devices"]) == set(download["data"]["plan"]["devices"])
