"""Set-up in the UI: the site (config, options, reconfigure) and its devices as subentries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util

from . import profiles
from .const import (
    CONF_BREACH_MARGIN,
    CONF_CONTROL_MODE,
    CONF_DISCHARGE_POSITIVE,
    CONF_EXPORT_LIMIT_KW,
    CONF_EXPORT_PRICE_ENTITY,
    CONF_EXPORT_PRICE_FACTOR,
    CONF_EXPORT_PRICE_FIXED,
    CONF_GRID_EXPORT_POSITIVE,
    CONF_GRID_POWER_ENTITY,
    CONF_HORIZON_HOURS,
    CONF_HOUSE_POWER_ENTITY,
    CONF_IMPORT_LIMIT_KW,
    CONF_KNOWN_LOAD_CALENDAR,
    CONF_MAIN_FUSE_A,
    CONF_MODE_OPTION_PREFIX,
    CONF_MODE_SELECT_ENTITY,
    CONF_MONTHLY_REPORT,
    CONF_PHASE_COUNT,
    CONF_PHASE_POWER_ENTITIES,
    CONF_POWER_ENTITY,
    CONF_PRICE_ENTITY,
    CONF_PRICE_FIXED,
    CONF_PRICE_MULTIPLIER,
    CONF_PRICE_OFFSET,
    CONF_PV_FORECAST_ENTITY,
    CONF_PV_FORECAST_ENTRIES,
    CONF_PV_PESSIMISTIC,
    CONF_PV_POWER_ENTITY,
    CONF_REPLAN_MINUTES,
    CONF_STEP_MINUTES,
    CONF_TOU_OFF_PEAK_PRICE,
    CONF_TOU_PEAK_END,
    CONF_TOU_PEAK_PRICE,
    CONF_TOU_PEAK_START,
    CONF_TOU_WEEKEND_OFF_PEAK,
    DEFAULT_BREACH_MARGIN,
    DEFAULT_HORIZON_HOURS,
    DEFAULT_REPLAN_MINUTES,
    DEFAULT_STEP_MINUTES,
    DOMAIN,
    SUBENTRY_BATTERY,
    ControlMode,
)
from .data import site_settings
from .devices import KINDS, kind_of
from .discovery import async_candidates, configured_entities, entity_facts
from .forms import check_entities, defaults_of, entity, number, without_own_entities
from .planner.units import kw_from_amps
from .policy.battery import PLAN_MODES
from .policy.problem import site_limits
from .sources.price_services import ServicePrices
from .sources.prices import (
    current_price,
    describe,
    entity_format,
    points_from_state,
    sibling_points,
    source_label,
)
from .sources.pv import ENERGY_FORECAST_DOMAINS
from .sources.units import price_factor

CONF_DISCOVERED = "discovered"
MANUAL = "manual"
SITE_OPTIONAL = (
    CONF_KNOWN_LOAD_CALENDAR,
    CONF_MAIN_FUSE_A,
    CONF_IMPORT_LIMIT_KW,
    CONF_EXPORT_LIMIT_KW,
    CONF_PRICE_ENTITY,
    CONF_PRICE_FIXED,
    CONF_TOU_PEAK_PRICE,
    CONF_TOU_OFF_PEAK_PRICE,
    CONF_EXPORT_PRICE_ENTITY,
    CONF_GRID_POWER_ENTITY,
    CONF_PHASE_POWER_ENTITIES,
    CONF_HOUSE_POWER_ENTITY,
    CONF_PV_POWER_ENTITY,
    CONF_PV_FORECAST_ENTITY,
    CONF_PV_FORECAST_ENTRIES,
)


def _site_schema(hass: HomeAssistant, defaults: dict[str, Any]) -> vol.Schema:
    d, s = defaults_of(defaults)
    # Forecast integrations Headroom asks through their energy platform.
    pv_entries = [
        selector.SelectOptionDict(value=e.entry_id, label=f"{e.title} ({e.domain})")
        for domain in ENERGY_FORECAST_DOMAINS
        for e in hass.config_entries.async_entries(domain)
    ]
    return vol.Schema(
        {
            vol.Optional(CONF_MAIN_FUSE_A, **s(CONF_MAIN_FUSE_A)): number(6, 400, 1, "A"),
            vol.Required(CONF_PHASE_COUNT, **d(CONF_PHASE_COUNT, "3")): selector.SelectSelector(
                selector.SelectSelectorConfig(options=["1", "3"], translation_key=CONF_PHASE_COUNT)
            ),
            vol.Optional(CONF_IMPORT_LIMIT_KW, **s(CONF_IMPORT_LIMIT_KW)): number(1, 1000, 0.1, "kW"),
            vol.Optional(CONF_EXPORT_LIMIT_KW, **s(CONF_EXPORT_LIMIT_KW)): number(0, 1000, 0.1, "kW"),
            vol.Required(CONF_BREACH_MARGIN, **d(CONF_BREACH_MARGIN, DEFAULT_BREACH_MARGIN)): number(
                0, 0.5, 0.01, "×"
            ),
            vol.Optional(CONF_PRICE_ENTITY, **s(CONF_PRICE_ENTITY)): entity(["sensor", "event"]),
            vol.Optional(CONF_PRICE_FIXED, **s(CONF_PRICE_FIXED)): number(-1, 5, 0.001, "/kWh"),
            vol.Optional(CONF_TOU_PEAK_PRICE, **s(CONF_TOU_PEAK_PRICE)): number(-1, 5, 0.001, "/kWh"),
            vol.Optional(CONF_TOU_OFF_PEAK_PRICE, **s(CONF_TOU_OFF_PEAK_PRICE)): number(-1, 5, 0.001, "/kWh"),
            vol.Required(CONF_TOU_PEAK_START, **d(CONF_TOU_PEAK_START, "07:00:00")): selector.TimeSelector(),
            vol.Required(CONF_TOU_PEAK_END, **d(CONF_TOU_PEAK_END, "23:00:00")): selector.TimeSelector(),
            vol.Required(
                CONF_TOU_WEEKEND_OFF_PEAK, **d(CONF_TOU_WEEKEND_OFF_PEAK, False)
            ): selector.BooleanSelector(),
            vol.Required(CONF_PRICE_MULTIPLIER, **d(CONF_PRICE_MULTIPLIER, 1.0)): number(0, 5, 0.001, "×"),
            vol.Required(CONF_PRICE_OFFSET, **d(CONF_PRICE_OFFSET, 0.0)): number(-1, 5, "any", "/kWh"),
            vol.Optional(CONF_EXPORT_PRICE_ENTITY, **s(CONF_EXPORT_PRICE_ENTITY)): entity("sensor"),
            vol.Required(CONF_EXPORT_PRICE_FIXED, **d(CONF_EXPORT_PRICE_FIXED, 0.0)): number(
                -1, 5, 0.001, "/kWh"
            ),
            vol.Required(CONF_EXPORT_PRICE_FACTOR, **d(CONF_EXPORT_PRICE_FACTOR, 0.0)): number(
                0, 2, 0.01, "×"
            ),
            vol.Optional(CONF_GRID_POWER_ENTITY, **s(CONF_GRID_POWER_ENTITY)): entity(
                "sensor", SensorDeviceClass.POWER
            ),
            vol.Required(
                CONF_GRID_EXPORT_POSITIVE, **d(CONF_GRID_EXPORT_POSITIVE, False)
            ): selector.BooleanSelector(),
            vol.Optional(CONF_PHASE_POWER_ENTITIES, **s(CONF_PHASE_POWER_ENTITIES)): selector.EntitySelector(
                selector.EntitySelectorConfig(
                    domain="sensor",
                    device_class=[SensorDeviceClass.POWER, SensorDeviceClass.CURRENT],
                    multiple=True,
                )
            ),
            vol.Optional(CONF_HOUSE_POWER_ENTITY, **s(CONF_HOUSE_POWER_ENTITY)): entity(
                "sensor", SensorDeviceClass.POWER
            ),
            vol.Optional(CONF_PV_POWER_ENTITY, **s(CONF_PV_POWER_ENTITY)): entity(
                "sensor", SensorDeviceClass.POWER
            ),
            vol.Optional(CONF_PV_FORECAST_ENTITY, **s(CONF_PV_FORECAST_ENTITY)): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="sensor", multiple=True)
            ),
            vol.Optional(CONF_PV_FORECAST_ENTRIES, **s(CONF_PV_FORECAST_ENTRIES)): selector.SelectSelector(
                selector.SelectSelectorConfig(options=pv_entries, multiple=True)
            ),
            vol.Required(CONF_PV_PESSIMISTIC, **d(CONF_PV_PESSIMISTIC, False)): selector.BooleanSelector(),
            vol.Optional(CONF_KNOWN_LOAD_CALENDAR, **s(CONF_KNOWN_LOAD_CALENDAR)): entity("calendar"),
            vol.Required(CONF_MONTHLY_REPORT, **d(CONF_MONTHLY_REPORT, False)): selector.BooleanSelector(),
            vol.Required(
                CONF_STEP_MINUTES, **d(CONF_STEP_MINUTES, str(DEFAULT_STEP_MINUTES))
            ): selector.SelectSelector(selector.SelectSelectorConfig(options=["5", "10", "15", "30", "60"])),
            vol.Required(CONF_HORIZON_HOURS, **d(CONF_HORIZON_HOURS, DEFAULT_HORIZON_HOURS)): number(
                6, 72, 1, "h"
            ),
            vol.Required(CONF_REPLAN_MINUTES, **d(CONF_REPLAN_MINUTES, DEFAULT_REPLAN_MINUTES)): number(
                1, 60, 1, "min"
            ),
            vol.Required(
                CONF_CONTROL_MODE, **d(CONF_CONTROL_MODE, ControlMode.ADVISORY.value)
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=[m.value for m in ControlMode], translation_key=CONF_CONTROL_MODE
                )
            ),
        }
    )


def validate_site(
    hass: HomeAssistant, user_input: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], str]:
    """Normalise the site form; returns (data, errors, what was found in the price entity)."""
    errors: dict[str, str] = {}
    # Every optional field the form leaves empty is stored as None: saved options then clear what
    # the entry's data held, instead of the old value showing through (``site_settings``).
    data = {**dict.fromkeys(SITE_OPTIONAL, None), **user_input}
    phases = int(data.get(CONF_PHASE_COUNT) or 3)
    data[CONF_PHASE_COUNT] = str(phases)
    # The limit follows the fuse: it is worked out each cycle (``policy.problem.site_limits``),
    # so a fuse changed later takes effect; a kW limit is kept only when one is typed in.
    if data.get(CONF_IMPORT_LIMIT_KW) is None and data.get(CONF_MAIN_FUSE_A) is None:
        errors["base"] = "import_limit_missing"
    entities = data.get(CONF_PHASE_POWER_ENTITIES) or []
    if entities and len(entities) != phases:
        errors[CONF_PHASE_POWER_ENTITIES] = "phase_entities_count"
    data[CONF_STEP_MINUTES] = str(int(data.get(CONF_STEP_MINUTES, DEFAULT_STEP_MINUTES)))
    if error := _grid_direction_error(hass, data):
        errors[CONF_GRID_EXPORT_POSITIVE] = error
    found = ""
    if price_entity := data.get(CONF_PRICE_ENTITY):
        state = hass.states.get(price_entity)
        fmt = entity_format(hass, price_entity)
        if state is None or current_price(state, sibling_points(hass, price_entity), fmt) is None:
            errors[CONF_PRICE_ENTITY] = "price_unavailable"
        elif price_factor(state.attributes.get("unit_of_measurement")) is None:
            errors[CONF_PRICE_ENTITY] = "price_unit_unknown"
        elif (family := ServicePrices(hass).family(price_entity)) is not None:
            found = f"{'Nord Pool' if family == 'nordpool' else 'Tibber'}, forecast from its action"
        else:
            own = points_from_state(state, fmt)
            merged = {p.start: p for p in [*sibling_points(hass, price_entity), *own]}
            points = sorted(merged.values(), key=lambda p: p.start)
            if not points:
                errors[CONF_PRICE_ENTITY] = "no_price_forecast"
            else:
                found = describe(points, dt_util.utcnow(), source_label(hass, price_entity))
    elif data.get(CONF_TOU_PEAK_PRICE) is not None and data.get(CONF_TOU_OFF_PEAK_PRICE) is not None:
        found = "time-of-use schedule"
    elif data.get(CONF_PRICE_FIXED) is not None:
        found = "fixed price"
    else:
        errors["base"] = "price_source_missing"
    return data, errors, found


def _grid_direction_error(hass: HomeAssistant, data: Mapping[str, Any]) -> str | None:
    """A direction setting that contradicts the grid sensor's own integration (a SolarEdge modbus
    meter counts export as positive): read the wrong way, a fuse cut would become a raise."""
    entity_id = data.get(CONF_GRID_POWER_ENTITY)
    facts = entity_facts(hass, entity_id) if entity_id else None
    counts = profiles.grid_export_positive(facts) if facts is not None else None
    if counts is None or counts == bool(data.get(CONF_GRID_EXPORT_POSITIVE)):
        return None
    return "grid_counts_export" if counts else "grid_counts_import"


def _battery_direction_error(hass: HomeAssistant, data: Mapping[str, Any]) -> str | None:
    """A direction setting that contradicts the battery power sensor's own integration (GoodWe and
    Enphase count discharge as positive): read the wrong way, a discharge would look like a charge."""
    entity_id = data.get(CONF_POWER_ENTITY)
    facts = entity_facts(hass, entity_id) if entity_id else None
    counts = profiles.battery_discharge_positive(facts) if facts is not None else None
    if counts is None or counts == bool(data.get(CONF_DISCHARGE_POSITIVE)):
        return None
    return "battery_counts_discharge" if counts else "battery_counts_charge"


class HeadroomConfigFlow(ConfigFlow, domain=DOMAIN):
    """Sets up a site: its name, grid limits and price source, checked and then confirmed with what was
    found in the price source; reconfigured later in the same form. Devices are added as subentries, one
    flow per kind."""

    VERSION = 1
    # 1.2: the import limit is no longer worked out from the fuse and stored (``async_migrate_entry``).
    MINOR_VERSION = 2
    _site: tuple[str, dict[str, Any]]

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input.pop(CONF_NAME, "Home")
            data, errors, found = validate_site(self.hass, user_input)
            if not errors:
                self._site = (name, data)
                return self.async_show_form(step_id="confirm", description_placeholders={"found": found})
            user_input[CONF_NAME] = name
        schema = vol.Schema({vol.Required(CONF_NAME, default="Home"): str}).extend(
            _site_schema(self.hass, user_input or {}).schema
        )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Says what was found in the price entity before the entry is made."""
        name, data = self._site
        return self.async_create_entry(title=name, data=data)

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data, errors, _ = validate_site(self.hass, user_input)
            if not errors:
                return self.async_update_reload_and_abort(entry, data=data, options={})
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_site_schema(self.hass, user_input or {**entry.data, **entry.options}),
            errors=errors,
            description_placeholders=limit_in_force(site_settings(entry)),
        )

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> HeadroomOptionsFlow:
        return HeadroomOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        return {kind: SUBENTRY_FLOWS.get(kind) or _flow_for(kind) for kind in KINDS}


def limit_in_force(settings: Mapping[str, Any]) -> dict[str, str]:
    """What the form says about the site's limit: the one in force now, and the fuse's (the limit is
    the fuse's unless an import limit is set lower)."""
    try:
        limit_kw, _ = site_limits(settings)
    except ValueError:
        return {"limit_kw": "-", "fuse_kw": "-"}
    fuse = settings.get(CONF_MAIN_FUSE_A)
    count = int(settings.get(CONF_PHASE_COUNT) or 3)
    fuse_kw = f"{kw_from_amps(float(fuse), count):.2f}" if fuse else "-"
    return {"limit_kw": f"{limit_kw:.2f}", "fuse_kw": fuse_kw}


class HeadroomOptionsFlow(OptionsFlow):
    """Changes the site's settings after setup, with the same form and checks; the entry reloads, so the
    next plan uses them."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            data, errors, _ = validate_site(self.hass, user_input)
            if not errors:
                return self.async_create_entry(data=data)
        current = {**self.config_entry.data, **self.config_entry.options}
        return self.async_show_form(
            step_id="init",
            data_schema=_site_schema(self.hass, user_input or current),
            errors=errors,
            description_placeholders=limit_in_force(site_settings(self.config_entry)),
        )


class _DeviceSubentryFlow(ConfigSubentryFlow):
    """A device form; the same form adds (user) and edits (reconfigure) the device. When adding,
    devices discovery found are offered first; the pick only pre-fills the form."""

    kind: str = ""
    _defaults: dict[str, Any]
    _reconfiguring = False

    def schema(self, defaults: dict[str, Any]) -> vol.Schema:
        return without_own_entities(self.hass, kind_of(self.kind).schema(defaults))

    def validate(self, user_input: dict[str, Any]) -> dict[str, str]:
        return {**check_entities(self.hass, user_input), **kind_of(self.kind).validate(user_input)}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        used = configured_entities(self._get_entry())
        found = [
            c for c in async_candidates(self.hass, self.kind, frozenset(used)) if not used & c.own_entities
        ]
        if not found:
            self._defaults = {}
            return await self.async_step_device()
        if user_input is not None:
            picked = next((c for c in found if c.device_id == user_input[CONF_DISCOVERED]), None)
            self._defaults = {CONF_NAME: picked.name, **picked.fields} if picked else {}
            return await self.async_step_device()
        options = [selector.SelectOptionDict(value=c.device_id, label=c.label) for c in found]
        options.append(selector.SelectOptionDict(value=MANUAL, label="-"))
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_DISCOVERED, default=found[0].device_id): selector.SelectSelector(
                        selector.SelectSelectorConfig(options=options, translation_key=CONF_DISCOVERED)
                    ),
                }
            ),
            description_placeholders={"found": ", ".join(c.label for c in found)},
        )

    async def async_step_device(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := self.validate(user_input)):
            return await self._async_next({**self._hidden(self._defaults), **user_input})
        return self.async_show_form(
            step_id="device", data_schema=self.schema(user_input or self._defaults), errors=errors
        )

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        subentry = self._get_reconfigure_subentry()
        self._reconfiguring = True
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := self.validate(user_input)):
            return await self._async_next({**self._hidden(subentry.data), **user_input})
        defaults = user_input or {CONF_NAME: subentry.title, **subentry.data}
        return self.async_show_form(step_id="reconfigure", data_schema=self.schema(defaults), errors=errors)

    async def _async_next(self, user_input: dict[str, Any]) -> SubentryFlowResult:
        return self._async_finish(user_input)

    def _hidden(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """What discovery or an earlier step filled in that the form does not show (the mode
        options, the integration's device for its action, the vendor's write interval): kept."""
        shown = {str(marker) for marker in self.schema(dict(data)).schema}
        return {k: v for k, v in data.items() if k not in shown and k != CONF_NAME}

    def _async_finish(self, data: dict[str, Any]) -> SubentryFlowResult:
        data = dict(data)
        title = data.pop(CONF_NAME)
        if self._reconfiguring:
            return self.async_update_and_abort(
                self._get_entry(), self._get_reconfigure_subentry(), title=title, data=data
            )
        return self.async_create_entry(title=title, data=data)


class BatterySubentryFlow(_DeviceSubentryFlow):
    """Then, when there is a mode select, which of its options means each of the plan's modes."""

    kind = SUBENTRY_BATTERY
    _pending: dict[str, Any]

    def validate(self, user_input: dict[str, Any]) -> dict[str, str]:
        errors = super().validate(user_input)
        if error := _battery_direction_error(self.hass, user_input):
            errors[CONF_DISCHARGE_POSITIVE] = error
        return errors

    async def _async_next(self, user_input: dict[str, Any]) -> SubentryFlowResult:
        if not user_input.get(CONF_MODE_SELECT_ENTITY):
            return self._async_finish(user_input)
        self._pending = user_input
        return await self.async_step_modes()

    async def async_step_modes(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        if user_input is not None:
            kept = {k: v for k, v in self._pending.items() if not k.startswith(CONF_MODE_OPTION_PREFIX)}
            return self._async_finish({**kept, **user_input})
        select = self._pending[CONF_MODE_SELECT_ENTITY]
        state = self.hass.states.get(select)
        options = [str(o) for o in (state.attributes.get("options", []) if state else [])]
        fields: dict[Any, Any] = {}
        # A mapping the integration's profile (or the person, before) gave is the whole mapping: the
        # modes it leaves out are not guessed from words (Enphase's "backup" is no idle).
        mapped = any(v for k, v in self._pending.items() if k.startswith(CONF_MODE_OPTION_PREFIX))
        for mode in PLAN_MODES:
            key = f"{CONF_MODE_OPTION_PREFIX}{mode}"
            guess = self._pending.get(key) or (None if mapped else guess_mode_option(mode, options))
            marker = vol.Optional(key, description={"suggested_value": guess}) if guess else vol.Optional(key)
            fields[marker] = selector.SelectSelector(
                selector.SelectSelectorConfig(options=options, custom_value=True)
            )
        return self.async_show_form(
            step_id="modes", data_schema=vol.Schema(fields), description_placeholders={"entity_id": select}
        )


def _flow_for(kind: str) -> type[ConfigSubentryFlow]:
    """The device form of a kind with nothing beyond its module's schema."""
    return type(f"{kind.title().replace('_', '')}SubentryFlow", (_DeviceSubentryFlow,), {"kind": kind})


# Kinds whose form has more than one step.
SUBENTRY_FLOWS: dict[str, type[ConfigSubentryFlow]] = {SUBENTRY_BATTERY: BatterySubentryFlow}


MODE_WORDS = {
    "idle": ("idle", "standby", "hold", "backup", "pause", "stop"),
    "self_consumption": ("self", "auto", "general", "maximi", "normal", "zero"),
    "forced_charge": ("force charge", "forced charge", "grid charge", "charge from grid", "charge"),
    "forced_discharge": ("force discharge", "forced discharge", "discharge", "export"),
    "non_export": ("no export", "non export", "without export", "export limit", "feed-in limit"),
}


def guess_mode_option(mode: str, options: list[str]) -> str | None:
    """The select option that most likely means the plan's ``mode`` (the person confirms)."""
    lowered = {o: o.lower().replace("_", " ") for o in options}
    for word in MODE_WORDS[mode]:
        for option, text in lowered.items():
            if word in text and not (mode == "forced_charge" and "discharge" in text):
                return option
    return None
