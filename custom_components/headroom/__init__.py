"""Headroom: plans EV chargers, batteries, PV and appliances against prices and the main fuse."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.storage import Store
from homeassistant.helpers.typing import ConfigType
from homeassistant.loader import async_get_integration

from .const import (
    CONF_CONTROL_MODE,
    CONF_IMPORT_LIMIT_KW,
    CONF_MAIN_FUSE_A,
    CONF_PHASE_COUNT,
    DOMAIN,
    ControlMode,
)
from .controller import COMMANDED_STORAGE_VERSION, commanded_store_key
from .coordinator import STORAGE_VERSION, HeadroomConfigEntry, HeadroomCoordinator
from .data import site_settings
from .discovery import async_check_devices
from .ledger import LEDGER_STORAGE_VERSION, ledger_store_key
from .planner.units import kw_from_amps
from .report import async_setup_report_services
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
_LOGGER = logging.getLogger(__name__)
REGISTRY_CHECK_COOLDOWN_S = 30.0
CARD_URL = "/headroom/headroom-plan-card.js"
CARD_FILE = Path(__file__).parent / "frontend" / "headroom-plan-card.js"


PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Actions are registered once, whether or not an entry is loaded (they say so if not); the
    plan card is served by the integration itself and added to every dashboard's resources."""
    async_setup_services(hass)
    async_setup_report_services(hass)
    await _async_register_card(hass)
    return True


async def _async_register_card(hass: HomeAssistant) -> None:
    if getattr(hass, "http", None) is None or "frontend" not in hass.config.components:
        return  # no web server (tests, a headless core): nothing to serve
    from homeassistant.components.frontend import add_extra_js_url
    from homeassistant.components.http import StaticPathConfig

    await hass.http.async_register_static_paths([StaticPathConfig(CARD_URL, str(CARD_FILE), True)])
    version = (await async_get_integration(hass, DOMAIN)).version  # a new release busts the browser cache
    add_extra_js_url(hass, f"{CARD_URL}?v={version}")


async def async_setup_entry(hass: HomeAssistant, entry: HeadroomConfigEntry) -> bool:
    """Plan once before the platforms load (a failed first plan makes HA retry the entry), register the
    site device every device names as ``via_device``, start the replan triggers and the controller, then
    set up the platforms and watch for devices that appear or vanish."""
    coordinator = HeadroomCoordinator(hass, entry)
    await coordinator.controller.async_load()
    await coordinator.ledger.async_load()
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    # The site device first: every device's entities name it as their ``via_device``.
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer="Headroom",
        model="Site plan",
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    entry.async_on_unload(coordinator.async_start_listening())
    entry.async_on_unload(coordinator.controller.async_start())
    entry.async_on_unload(coordinator.ledger.async_start())
    entry.async_on_unload(entry.add_update_listener(_async_reload))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    _watch_devices(hass, entry)
    return True


@callback
def _watch_devices(hass: HomeAssistant, entry: HeadroomConfigEntry) -> None:
    """Look for new and vanished devices now (or once HA has started, when other integrations
    have loaded), and again after registry changes, which come in bursts: once a burst is over."""

    @callback
    def check(*_: Any) -> None:
        async_check_devices(hass, entry)

    entry.async_on_unload(async_at_started(hass, check))
    checker = Debouncer(hass, _LOGGER, cooldown=REGISTRY_CHECK_COOLDOWN_S, immediate=False, function=check)
    entry.async_on_unload(checker.async_shutdown)

    @callback
    def registry_changed(event: Event[Any]) -> None:
        hass.async_create_task(checker.async_call())

    for event_type in (dr.EVENT_DEVICE_REGISTRY_UPDATED, er.EVENT_ENTITY_REGISTRY_UPDATED):
        entry.async_on_unload(hass.bus.async_listen(event_type, registry_changed))


async def async_migrate_entry(hass: HomeAssistant, entry: HeadroomConfigEntry) -> bool:
    """1.1 -> 1.2: the import limit the first forms worked out from the fuse is dropped, so that the
    limit follows the fuse (a kW limit someone typed in, different from the fuse's, is kept)."""
    if entry.version == 1 and entry.minor_version < 2:
        hass.config_entries.async_update_entry(
            entry,
            data=without_derived_limit(entry.data),
            options=without_derived_limit(entry.options),
            minor_version=2,
        )
    return entry.version == 1


def without_derived_limit(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings without an import limit that only restates the main fuse."""
    out = dict(settings)
    fuse, limit = out.get(CONF_MAIN_FUSE_A), out.get(CONF_IMPORT_LIMIT_KW)
    phases = int(out.get(CONF_PHASE_COUNT) or 3)
    if fuse and limit is not None and abs(float(limit) - round(kw_from_amps(float(fuse), phases), 2)) < 0.01:
        out[CONF_IMPORT_LIMIT_KW] = None
    return out


async def _async_reload(hass: HomeAssistant, entry: HeadroomConfigEntry) -> None:
    """Options, reconfigure and subentry changes take effect at once, without a restart: by a reload,
    or in place when only the control mode changed (the select's change, or the form's)."""
    coordinator = entry.runtime_data
    if not coordinator.needs_reload():
        mode = ControlMode(site_settings(entry).get(CONF_CONTROL_MODE, ControlMode.ADVISORY))
        if mode != coordinator.control_mode:
            coordinator.control_mode = mode
            coordinator.async_update_listeners()
        return
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: HeadroomConfigEntry) -> bool:
    """Save intents, the control mode and the last plan to the Store first, so that a reload or restart
    loses nothing people asked for."""
    await entry.runtime_data.async_save()
    await entry.runtime_data.controller.async_save()
    await entry.runtime_data.ledger.async_stop()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: HeadroomConfigEntry) -> None:
    """Nothing of a removed entry stays behind: every repair it raised (their ids carry the entry's or
    one of its devices' ids; Home Assistant's own repair for its unreadable Store too) and its Store.
    With the last entry gone, the device suggestions go as well."""
    ids = {entry.entry_id, *entry.subentries}
    last = not hass.config_entries.async_entries(DOMAIN)
    registry = ir.async_get(hass)
    for (domain, issue_id), issue in list(registry.issues.items()):
        if DOMAIN not in (domain, issue.issue_domain):
            continue
        if any(i in issue_id for i in ids) or (last and domain == DOMAIN):
            ir.async_delete_issue(hass, domain, issue_id)
    await Store[dict[str, Any]](hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}").async_remove()
    await Store[dict[str, Any]](
        hass, COMMANDED_STORAGE_VERSION, commanded_store_key(entry.entry_id)
    ).async_remove()
    await Store[dict[str, Any]](hass, LEDGER_STORAGE_VERSION, ledger_store_key(entry.entry_id)).async_remove()
