"""A Store that cannot be read does not keep the entry from starting: the file is set aside, the
entry starts without it (or without the parts that are not valid) and a repair says what happened
and where the old file is. And a removed entry leaves no repair behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.controller import ISSUE_COMMAND_FAILED, ISSUE_NOT_FOLLOWING
from custom_components.headroom.coordinator import ISSUE_PRICE_UNAVAILABLE
from custom_components.headroom.discovery import ISSUE_ENTITY_MISSING, ISSUE_NEW_DEVICE
from custom_components.headroom.policy.intents import EvGoal
from custom_components.headroom.sources.stored import ISSUE_STORE_PARTS_DROPPED, ISSUE_STORE_UNREADABLE

from .conftest import PRICE, SITE, appliance_subentry, charger_subentry

# Captured before the test plugin swaps the Store's file access for a dict (``hass_storage``).
REAL_LOAD = Store._async_load


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to("2026-11-22 18:00:00-08:00")


@pytest.fixture
def real_files(hass: HomeAssistant, tmp_path: Path) -> Iterator[Path]:
    """Headroom's own Store reads the real file in a temporary config folder; every other Store
    stays with the test plugin's dict."""
    hass.config.config_dir = str(tmp_path)
    (tmp_path / ".storage").mkdir()
    mocked = Store._async_load

    async def load(store: Store[Any]) -> Any:
        if store.key.startswith(f"{DOMAIN}.") and not store.key.endswith(".commanded"):
            return await REAL_LOAD(store)
        return await mocked(store)

    with patch.object(Store, "_async_load", load):
        yield tmp_path / ".storage"


def set_aside(folder: Path, name: str) -> list[tuple[Path, str]]:
    """The files set aside for ``name``, with their contents."""
    return [(p, p.read_text()) for p in folder.glob(f"{name}.corrupt.*")]


def new_entry(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data=SITE, subentries_data=[charger_subentry(), appliance_subentry()]
    )
    entry.add_to_hass(hass)
    return entry


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.data is not None and entry.runtime_data.data.plan.status != "fallback"


async def issue_text(hass: HomeAssistant, issue: ir.IssueEntry) -> str:
    """The repair's English description with its placeholders filled, as the frontend shows it."""
    strings = await async_get_translations(hass, "en", "issues", [DOMAIN])
    text = strings[f"component.{DOMAIN}.issues.{issue.translation_key}.description"]
    return text.format(**(issue.translation_placeholders or {}))


async def test_a_file_that_is_not_json(hass: HomeAssistant, home: None, real_files: Path) -> None:
    """Home Assistant's Store moves a file that does not parse aside itself and raises its own repair
    (``storage_corruption``, for Headroom): the entry starts without what it held."""
    entry = new_entry(hass)
    path = real_files / f"{DOMAIN}.{entry.entry_id}"
    path.write_text('{"version": 1, "key": "headroom", "data": {"intents": {"goals": ')
    await set_up(hass, entry)

    assert not path.exists()
    ((moved, text),) = await hass.async_add_executor_job(set_aside, real_files, path.name)
    assert text.startswith('{"version": 1')
    (issue,) = [
        i
        for (domain, issue_id), i in ir.async_get(hass).issues.items()
        if domain == "homeassistant" and issue_id.startswith(f"storage_corruption_{DOMAIN}.{entry.entry_id}")
    ]
    assert issue.issue_domain == DOMAIN
    assert issue.translation_placeholders and issue.translation_placeholders["corrupt_path"] == str(moved)
    assert all(goal == EvGoal() for goal in entry.runtime_data.intents.goals.values())


@pytest.mark.parametrize(
    "content",
    [
        '{"version": 1, "key": "headroom"}',  # no data
        "[1, 2, 3]",  # not a Store's envelope at all
        '{"version": 9, "minor_version": 1, "key": "headroom", "data": {}}',  # a newer Headroom's
    ],
    ids=["no_data", "a_list", "newer_version"],
)
async def test_a_file_the_store_cannot_read(
    hass: HomeAssistant, home: None, real_files: Path, hass_storage: dict[str, Any], content: str
) -> None:
    """Valid JSON that is no Store of Headroom's: today it left the entry in setup-retry forever.
    Now it is moved aside, a repair says so and where it is, and Headroom keeps running."""
    entry = new_entry(hass)
    path = real_files / f"{DOMAIN}.{entry.entry_id}"
    path.write_text(content)
    await set_up(hass, entry)

    assert not path.exists()
    ((moved, text),) = await hass.async_add_executor_job(set_aside, real_files, path.name)
    assert text == content
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{ISSUE_STORE_UNREADABLE}_{entry.entry_id}")
    assert issue is not None and issue.severity is ir.IssueSeverity.ERROR
    text = await issue_text(hass, issue)
    assert str(path) in text and f"The old file was kept as {moved}." in text
    # Headroom keeps running: people's requests work and are kept again.
    charger = next(iter(entry.subentries))
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, charger)})
    assert device is not None
    await hass.services.async_call(
        DOMAIN,
        "set_ev_goal",
        {"device_id": device.id, "energy_kwh": 10.0},
        blocking=True,
        return_response=True,
    )
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass_storage[path.name]["data"]["intents"]["goals"][charger]["energy_kwh"] == 10.0


async def test_parts_that_are_not_valid_are_left_out(
    hass: HomeAssistant, home: None, hass_storage: dict[str, Any]
) -> None:
    """A Store that parses but holds a NaN energy goal, reservations as a list, a naive override time,
    an unknown control mode and a last plan of the wrong shape: those parts go, the valid grid
    request and override stay, the plan is a plan (a NaN goal made it the fallback), and a repair
    names what went."""
    entry = new_entry(hass)
    charger, appliance = list(entry.subentries)
    now = dt_util.now()
    hass_storage[f"{DOMAIN}.{entry.entry_id}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.{entry.entry_id}",
        "data": {
            "intents": {
                "goals": {charger: {"mode": "smart", "target_soc": 80.0, "energy_kwh": float("nan")}},
                "reservations": [{"id": "sauna"}],
                "overrides": {
                    appliance: {"action": "block", "until": (now + timedelta(hours=2)).isoformat()},
                    charger: {"action": "force", "until": "2026-11-22T23:00:00"},  # no time zone
                },
                "grid_requests": {
                    "dso": {
                        "id": "dso",
                        "start": now.isoformat(),
                        "end": (now + timedelta(hours=3)).isoformat(),
                        "limit_kw": 6.0,
                        "max_import_kwh": None,
                    }
                },
            },
            "control_mode": "turbo",
            "last_plan": {"devices": ["not", "a", "mapping"]},
            "last_problem": {"start": now.isoformat(), "step_minutes": 15},
        },
    }
    await set_up(hass, entry)

    intents = entry.runtime_data.intents
    assert intents.goals.get(charger) is None or intents.goals[charger].energy_kwh is None
    assert intents.reservations == {}
    assert set(intents.overrides) == {appliance}
    assert set(intents.grid_requests) == {"dso"}
    assert entry.runtime_data.control_mode == "advisory"  # the site's setting
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{ISSUE_STORE_PARTS_DROPPED}_{entry.entry_id}")
    assert issue is not None and issue.translation_placeholders is not None
    assert issue.translation_placeholders["parts"] == (
        f"goals.{charger}, reservations, overrides.{charger}, control_mode, last_plan"
    )
    assert "were not valid and were left out" in await issue_text(hass, issue)


async def test_a_copy_is_kept_of_a_file_with_parts_left_out(
    hass: HomeAssistant, home: None, real_files: Path
) -> None:
    """Goals as a list: left out, and the file as it was is copied beside it before it is written anew."""
    entry = new_entry(hass)
    path = real_files / f"{DOMAIN}.{entry.entry_id}"
    content = json.dumps({"version": 1, "key": path.name, "data": {"intents": {"goals": [80, 90]}}})
    path.write_text(content)
    await set_up(hass, entry)

    ((copy, text),) = await hass.async_add_executor_job(set_aside, real_files, path.name)
    assert text == content
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{ISSUE_STORE_PARTS_DROPPED}_{entry.entry_id}")
    assert issue is not None and issue.translation_placeholders == {
        "path": str(path),
        "parts": "goals",
        "moved_to": str(copy),
    }


async def test_repairs_go_with_the_entry(hass: HomeAssistant, home: None) -> None:
    """Every repair an entry raised, by its id or one of its devices' ids, goes when the entry is
    removed; another entry's and another integration's stay until the last entry goes."""
    entry, other = new_entry(hass), new_entry(hass)
    await set_up(hass, entry)  # the integration's setup sets up both
    assert other.state is ConfigEntryState.LOADED
    charger, appliance = list(entry.subentries)
    # The price goes away: the real cycle raises its repair (for both entries).
    hass.states.async_set(PRICE, "unavailable")
    await entry.runtime_data.async_refresh()
    await other.runtime_data.async_refresh()
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, f"{ISSUE_PRICE_UNAVAILABLE}_{entry.entry_id}") is not None
    # The rest as the controller, discovery and the Store raise them.
    for issue_id in (
        f"{ISSUE_NOT_FOLLOWING}_{charger}",
        f"{ISSUE_COMMAND_FAILED}_{appliance}",
        f"{ISSUE_ENTITY_MISSING}_{charger}",
        f"{ISSUE_STORE_UNREADABLE}_{entry.entry_id}",
        f"reading_inverted_{entry.entry_id}_grid",
        f"{ISSUE_NEW_DEVICE}_somedevice",
    ):
        ir.async_create_issue(
            hass, DOMAIN, issue_id, is_fixable=False, severity=ir.IssueSeverity.WARNING, translation_key="x"
        )
    ir.async_create_issue(
        hass,
        "homeassistant",
        f"storage_corruption_{DOMAIN}.{entry.entry_id}_2026-11-22T00:00:00",
        is_fixable=True,
        issue_domain=DOMAIN,
        severity=ir.IssueSeverity.CRITICAL,
        translation_key="storage_corruption",
    )
    # Any other integration's repair (source: none needed, only its domain matters; "nordpool" is a
    # name, not a format).
    ir.async_create_issue(
        hass, "nordpool", "outage", is_fixable=False, severity=ir.IssueSeverity.WARNING, translation_key="x"
    )

    def ours(config_entry: MockConfigEntry) -> list[str]:
        ids = {config_entry.entry_id, *config_entry.subentries}
        return [i for (_, i) in registry.issues if any(x in i for x in ids)]

    assert len(ours(entry)) == 7
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert ours(entry) == []
    assert ours(other) == [f"{ISSUE_PRICE_UNAVAILABLE}_{other.entry_id}"]
    assert (
        registry.async_get_issue(DOMAIN, f"{ISSUE_NEW_DEVICE}_somedevice") is not None
    )  # another entry's too

    await hass.config_entries.async_remove(other.entry_id)
    await hass.async_block_till_done()
    assert [key for key in registry.issues if DOMAIN in (key[0], registry.issues[key].issue_domain)] == []
    assert registry.async_get_issue("nordpool", "outage") is not None
