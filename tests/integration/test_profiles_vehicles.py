"""Cars as their integrations make them: the charger form offers the car's SoC and its own charge limit,
one car per charger, and the car's limit caps what Headroom plans.

Every fixture below names its source: repository, files and commit (or the Home Assistant release the
core integration was read from, 2025.4.4 as installed in this venv).
"""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentry, ConfigSubentryData
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom import profiles
from custom_components.headroom.const import DOMAIN
from custom_components.headroom.discovery import _device_entities

from .conftest import SITE
from .realdevices import Device, Ent, Installed, install
from .test_devices import EVENING, replan
from .test_discovery import ocpp_charger

DIAGNOSTIC = EntityCategory.DIAGNOSTIC
CONFIG = EntityCategory.CONFIG


# source: home-assistant/core 2025.4.4 homeassistant/components/tesla_fleet/{entity,sensor,number,
# binary_sensor}.py and teslemetry/ (the same descriptions; no commit in the installed wheel, the release
# is the reference): unique id "<vin>-<key>", translation key = key; the battery level a % battery sensor;
# the charge limit a number 50-100 %, device class battery; the charge cable a diagnostic connectivity
# binary sensor.
def tesla_car(
    hass: HomeAssistant, integration: str = "tesla_fleet", vin: str = "LRW3E7FS2NC000001"
) -> Installed:
    return install(
        hass,
        integration,
        [Device(key="main", name="Model 3", identifiers=((integration, vin),), manufacturer="Tesla")],
        [
            Ent(
                domain="sensor",
                object_id="model_3_battery_level",
                unique_id=f"{vin}-charge_state_battery_level",
                translation_key="charge_state_battery_level",
                state=40,
                device_class="battery",
                unit="%",
            ),
            Ent(
                domain="number",
                object_id="model_3_charge_limit",
                unique_id=f"{vin}-charge_state_charge_limit_soc",
                translation_key="charge_state_charge_limit_soc",
                state=80,
                device_class="battery",
                unit="%",
                attributes={"min": 50, "max": 100, "step": 1},
            ),
            Ent(
                domain="binary_sensor",
                object_id="model_3_charge_cable",
                unique_id=f"{vin}-charge_state_conn_charge_cable",
                translation_key="charge_state_conn_charge_cable",
                state="on",
                device_class="connectivity",
                category=DIAGNOSTIC,
            ),
            Ent(
                domain="sensor",
                object_id="model_3_charger_power",
                unique_id=f"{vin}-charge_state_charger_power",
                translation_key="charge_state_charger_power",
                state=0,
                device_class="power",
                unit="kW",
            ),
        ],
    )


# source: home-assistant/core 2025.4.4 homeassistant/components/renault/{entity,sensor,binary_sensor}.py:
# unique id "<vin>_<key>" lower case; ``battery_level`` % battery; ``plugged_in`` a plug binary sensor.
def renault_car(hass: HomeAssistant) -> Installed:
    vin = "vf1aaaaa555777999"
    return install(
        hass,
        "renault",
        [Device(key="main", name="Zoe", identifiers=(("renault", vin.upper()),), manufacturer="Renault")],
        [
            Ent(
                domain="sensor",
                object_id="zoe_battery",
                unique_id=f"{vin}_battery_level",
                state=55,
                device_class="battery",
                unit="%",
            ),
            Ent(
                domain="sensor",
                object_id="zoe_battery_autonomy",
                unique_id=f"{vin}_battery_autonomy",
                translation_key="battery_autonomy",
                state=141,
                device_class="distance",
                unit="km",
            ),
            Ent(
                domain="binary_sensor",
                object_id="zoe_plug",
                unique_id=f"{vin}_plugged_in",
                state="on",
                device_class="plug",
            ),
        ],
    )


# source: home-assistant/core 2025.4.4 homeassistant/components/bmw_connected_drive/{sensor,number,
# binary_sensor}.py: unique id "<vin>-<key>"; ``fuel_and_battery.remaining_battery_percent`` % battery;
# ``target_soc`` a battery number 20-100 step 5; ``fuel_and_battery.charging_target`` a % sensor;
# ``connection_status`` a plug binary sensor.
def bmw_car(hass: HomeAssistant) -> Installed:
    vin = "WBY00000000REXI01"
    return install(
        hass,
        "bmw_connected_drive",
        [
            Device(
                key="main",
                name="i4 eDrive40",
                identifiers=(("bmw_connected_drive", vin),),
                manufacturer="BMW",
            )
        ],
        [
            Ent(
                domain="sensor",
                object_id="i4_charging_target",
                unique_id=f"{vin}-fuel_and_battery.charging_target",
                translation_key="charging_target",
                state=80,
                unit="%",
            ),
            Ent(
                domain="sensor",
                object_id="i4_remaining_battery",
                translation_key="remaining_battery_percent",
                unique_id=f"{vin}-fuel_and_battery.remaining_battery_percent",
                state=62,
                device_class="battery",
                unit="%",
            ),
            Ent(
                domain="number",
                object_id="i4_target_soc",
                unique_id=f"{vin}-target_soc",
                translation_key="target_soc",
                state=80,
                device_class="battery",
                attributes={"min": 20, "max": 100, "step": 5},
            ),
            Ent(
                domain="binary_sensor",
                object_id="i4_charging_status",
                unique_id=f"{vin}-charging_status",
                translation_key="charging_status",
                state="off",
                device_class="battery_charging",
            ),
            Ent(
                domain="binary_sensor",
                object_id="i4_connection_status",
                unique_id=f"{vin}-connection_status",
                translation_key="connection_status",
                state="on",
                device_class="plug",
            ),
        ],
    )


# source: Hyundai-Kia-Connect/kia_uvo custom_components/kia_uvo/sensor.py @ commit
# 8bed075221a6b283159e55497e344bb60f5a315f, number.py @ commit 04751a52aff0714e0c63c358687b9e8e3ec6c4cc,
# binary_sensor.py @ commit 56b8f293f825bb568e26f9c8256b7dc81dcacd7a: unique id
# "kia_uvo_<vehicle id>_<key>", names "<car> EV Battery Level" ...; the battery's state of health is also a
# % battery sensor; the AC and DC charge limits are % numbers 50-100 step 10; the plug a diagnostic plug
# binary sensor.
def kia_car(hass: HomeAssistant) -> Installed:
    vid = "a1b2c3d4-0000-4000-8000-000000000001"
    return install(
        hass,
        "kia_uvo",
        [Device(key="main", name="EV6", identifiers=(("kia_uvo", vid),), manufacturer="Kia")],
        [
            Ent(
                domain="sensor",
                object_id="ev6_ev_state_of_health_battery",
                unique_id=f"kia_uvo_{vid}_ev_battery_soh_percentage",
                state=98,
                device_class="battery",
                unit="%",
                name="EV6 EV State of Health Battery",
            ),
            Ent(
                domain="sensor",
                object_id="ev6_ev_battery_level",
                unique_id=f"kia_uvo_{vid}_ev_battery_percentage",
                state=64,
                device_class="battery",
                unit="%",
                name="EV6 EV Battery Level",
            ),
            Ent(
                domain="number",
                object_id="ev6_dc_charging_limit",
                unique_id=f"kia_uvo_{vid}_ev_charge_limits_dc",
                state=80,
                unit="%",
                name="EV6 DC Charging Limit",
                attributes={"min": 50, "max": 100, "step": 10},
            ),
            Ent(
                domain="number",
                object_id="ev6_ac_charging_limit",
                unique_id=f"kia_uvo_{vid}_ev_charge_limits_ac",
                state=90,
                unit="%",
                name="EV6 AC Charging Limit",
                attributes={"min": 50, "max": 100, "step": 10},
            ),
            Ent(
                domain="binary_sensor",
                object_id="ev6_ev_battery_plug",
                unique_id=f"kia_uvo_{vid}_ev_battery_is_plugged_in",
                state="on",
                device_class="plug",
                category=DIAGNOSTIC,
                name="EV6 EV Battery Plug",
            ),
        ],
    )


# source: skodaconnect/homeassistant-myskoda custom_components/myskoda/entity.py @ commit
# a1587abed3e00b924ca4b17305761249873c3043 (unique id "<vin>_<key>"), sensor.py (``battery_percentage`` %
# battery), number.py @ commit 5ba37e76c95357c0f9625e57eb00332af643c25b (``charge_limit`` a config battery
# number 50-100 step 10), binary_sensor.py @ commit 622cfe2dbc9086e6aeb78b58840f9b9da632c26f
# (``charger_connected`` plug; ``charger_lock`` lock).
def skoda_car(hass: HomeAssistant) -> Installed:
    vin = "TMBJB9NY0PF000001"
    return install(
        hass,
        "myskoda",
        [Device(key="main", name="Enyaq", identifiers=(("myskoda", vin),), manufacturer="Škoda")],
        [
            Ent(
                domain="sensor",
                object_id="enyaq_battery_percentage",
                unique_id=f"{vin}_battery_percentage",
                translation_key="battery_percentage",
                state=51,
                device_class="battery",
                unit="%",
            ),
            Ent(
                domain="number",
                object_id="enyaq_charge_limit",
                unique_id=f"{vin}_charge_limit",
                translation_key="charge_limit",
                state=90,
                device_class="battery",
                unit="%",
                category=CONFIG,
                attributes={"min": 50, "max": 100, "step": 10},
            ),
            Ent(
                domain="binary_sensor",
                object_id="enyaq_charger_lock",
                unique_id=f"{vin}_charger_lock",
                translation_key="charger_lock",
                state="on",
                device_class="lock",
            ),
            Ent(
                domain="binary_sensor",
                object_id="enyaq_charger_connected",
                unique_id=f"{vin}_charger_connected",
                translation_key="charger_connected",
                state="on",
                device_class="plug",
            ),
        ],
    )


# source: ReneNulschDE/mbapi2020 custom_components/mbapi2020/const.py @ commit
# 1c061c7e99287c1b5875a7a0fcbba6bdad1d7848 (``soc`` battery %, ``max_soc`` without device class) and its
# entity base class (unique id slugify("<vin>_<internal name>"), translation key the internal name).
def mercedes_car(hass: HomeAssistant) -> Installed:
    vin = "w1k2938901f000001"
    return install(
        hass,
        "mbapi2020",
        [
            Device(
                key="main",
                name="EQE 300",
                identifiers=(("mbapi2020", vin.upper()),),
                manufacturer="Mercedes Benz",
            )
        ],
        [
            Ent(
                domain="sensor",
                object_id="eqe_max_state_of_charge",
                unique_id=f"{vin}_max_soc",
                translation_key="max_soc",
                state=80,
                unit="%",
            ),
            Ent(
                domain="sensor",
                object_id="eqe_state_of_charge",
                unique_id=f"{vin}_soc",
                translation_key="soc",
                state=47,
                device_class="battery",
                unit="%",
            ),
        ],
    )


CARS = {
    # integration: (fixture, SoC, car's limit, plug)
    "tesla_fleet": (
        tesla_car,
        "sensor.model_3_battery_level",
        "number.model_3_charge_limit",
        "binary_sensor.model_3_charge_cable",
    ),
    "teslemetry": (
        lambda hass: tesla_car(hass, "teslemetry"),
        "sensor.model_3_battery_level",
        "number.model_3_charge_limit",
        "binary_sensor.model_3_charge_cable",
    ),
    "renault": (renault_car, "sensor.zoe_battery", None, "binary_sensor.zoe_plug"),
    "bmw_connected_drive": (
        bmw_car,
        "sensor.i4_remaining_battery",
        "number.i4_target_soc",
        "binary_sensor.i4_connection_status",
    ),
    "myskoda": (
        skoda_car,
        "sensor.enyaq_battery_percentage",
        "number.enyaq_charge_limit",
        "binary_sensor.enyaq_charger_connected",
    ),
    "mbapi2020": (mercedes_car, "sensor.eqe_state_of_charge", "sensor.eqe_max_state_of_charge", None),
    "kia_uvo": (
        kia_car,
        "sensor.ev6_ev_battery_level",
        "number.ev6_ac_charging_limit",
        "binary_sensor.ev6_ev_battery_plug",
    ),
}


async def _home(hass: HomeAssistant, *subentries: ConfigSubentryData) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE, subentries_data=list(subentries))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _charger_form(hass: HomeAssistant, entry: MockConfigEntry, device_id: str) -> dict[str, Any]:
    """What the person sees pre-filled after picking the discovered charger ``device_id``."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "ev_charger"), context={"source": "user"}
    )
    assert result["step_id"] == "user"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"discovered": device_id}
    )
    assert result["step_id"] == "device"
    return {str(k): k.description["suggested_value"] for k in result["data_schema"].schema if k.description}


@pytest.mark.parametrize("integration", list(CARS))
async def test_the_chargers_form_offers_the_one_cars_soc_and_charge_limit(
    hass: HomeAssistant, home: None, integration: str
) -> None:
    make, soc, limit, plug = CARS[integration]
    car = make(hass)
    charger = ocpp_charger(hass)
    entry = await _home(hass)
    form = await _charger_form(hass, entry, charger.devices["main"])
    assert form.get("ev_soc_entity") == soc
    assert form.get("ev_target_soc_entity") == limit
    # The car's plug as its integration names it (never a charging, door or health entity).
    profile = profiles.profile_for(integration, profiles.VEHICLE)
    assert profile is not None
    items = _device_entities(hass)[car.devices["main"]]
    found = profile.find("plugged_entity", items)
    assert (found.entity_id if found else None) == plug


async def test_a_second_charger_gets_the_car_the_first_one_does_not_use(
    hass: HomeAssistant, home: None
) -> None:
    tesla_car(hass)
    kia_car(hass)
    carport = ocpp_charger(hass, "carport")
    street = ocpp_charger(hass, "street")
    entry = await _home(hass)
    # Two cars, neither taken: the person picks, nothing is pre-filled.
    form = await _charger_form(hass, entry, carport.devices["main"])
    assert "ev_soc_entity" not in form and "ev_target_soc_entity" not in form
    # The carport charges the Tesla; the street charger is then offered the Kia.
    hass.config_entries.async_add_subentry(
        entry,
        ConfigSubentry(
            subentry_type="ev_charger",
            title="Carport",
            unique_id=None,
            data={
                "charger_power_entity": "sensor.carport_power_active_import",
                "current_limit_entity": "number.carport_maximum_current",
                "ev_soc_entity": "sensor.model_3_battery_level",
                "ev_target_soc_entity": "number.model_3_charge_limit",
                "phases": "3",
                "min_current_a": 6,
                "max_current_a": 16,
                "default_energy_kwh": 20,
            },
        ),
    )
    await hass.async_block_till_done()
    form = await _charger_form(hass, entry, street.devices["main"])
    assert form["ev_soc_entity"] == "sensor.ev6_ev_battery_level"
    assert form["ev_target_soc_entity"] == "number.ev6_ac_charging_limit"


async def test_the_cars_own_charge_limit_caps_the_planned_energy(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """Tesla at 40 %, its charge limit 80 %, Headroom's target 100 %, 60 kWh: 24 kWh planned, not 36."""
    freezer.move_to(EVENING)
    tesla_car(hass)
    charger = ConfigSubentryData(
        subentry_type="ev_charger",
        title="Driveway",
        unique_id=None,
        data={
            "charger_power_entity": "sensor.charger_power",
            "plugged_entity": "binary_sensor.model_3_charge_cable",
            "ev_soc_entity": "sensor.model_3_battery_level",
            "ev_target_soc_entity": "number.model_3_charge_limit",
            "ev_capacity_kwh": 60.0,
            "phases": "3",
            "min_current_a": 6,
            "max_current_a": 16,
            "default_energy_kwh": 20,
        },
    )
    await _home(hass, charger)
    target = next(
        s.entity_id
        for s in hass.states.async_all("number")
        if s.entity_id.startswith("number.driveway_") and "target" in s.entity_id
    )
    await hass.services.async_call("number", "set_value", {"entity_id": target, "value": 100}, blocking=True)
    await replan(hass)
    planned = hass.states.get("sensor.driveway_planned_energy_by_departure")
    assert float(planned.state) == 24.0
    # The person raises the car's limit in the Tesla app: Headroom's 100 % now applies, 36 kWh.
    hass.states.async_set(
        "number.model_3_charge_limit", "100", hass.states.get("number.model_3_charge_limit").attributes
    )
    await replan(hass)
    assert float(hass.states.get("sensor.driveway_planned_energy_by_departure").state) == 36.0
    # Unplugged (the cable sensor off): nothing is planned for the car.
    hass.states.async_set("binary_sensor.model_3_charge_cable", "off")
    await replan(hass)
    assert float(hass.states.get("sensor.driveway_planned_energy_by_departure").state) == 0.0
