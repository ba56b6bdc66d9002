"""A Volkswagen ID car as its integration makes it: the charger form offers its SoC and its own target,
and its plug sensor reads as the integration's enum says.

source: mitch-dc/volkswagen_we_connect_id @ commit 30e79f77b8040157c870a66dec437d672bec93f0:
custom_components/volkswagen_we_connect_id/__init__.py (device identifiers (domain, "vw<vin>"), name
"Volkswagen <nickname> (<vin>)"; get_object_value unwraps enums), sensor.py (name "<nickname> <name>",
unique id "<vin>-<key>"; currentSOC_pct / targetSOC_pct % battery; plugConnectionState and plugLockState
as text), number.py (TargetSoCNumber: "<vin>-target_state_of_charge", config, 10-100 step 10 %);
tillsteinbach/WeConnect-python @ commit 04d10cb90b9d073fb35c0fd8ea04c5edce5f3778
weconnect/elements/plug_status.py (PlugConnectionState and PlugLockState values).
"""

from __future__ import annotations

from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant

from custom_components.headroom import profiles
from custom_components.headroom.devices import ev_charger
from custom_components.headroom.discovery import _device_entities

from .realdevices import Device, Ent, Installed, install
from .test_discovery import ocpp_charger
from .test_profiles_vehicles import _charger_form, _home

VIN = "WVGZZZE2ZMP000001"


def volkswagen_car(hass: HomeAssistant) -> Installed:
    def sensor(key: str, name: str, state: object, **kwargs: object) -> Ent:
        return Ent(
            domain="sensor",
            object_id=f"id_4_{name.lower().replace(' ', '_')}",
            unique_id=f"{VIN}-{key}",
            state=state,
            name=f"ID.4 {name}",
            **kwargs,  # type: ignore[arg-type]
        )

    return install(
        hass,
        "volkswagen_we_connect_id",
        [
            Device(
                key="main",
                name=f"Volkswagen ID.4 ({VIN})",
                identifiers=(("volkswagen_we_connect_id", f"vw{VIN}"),),
                manufacturer="Volkswagen",
                model="ID.4",
            )
        ],
        [
            sensor("currentSOC_pct", "State of Charge", 47, device_class="battery", unit="%"),
            sensor("targetSOC_pct", "Target State of Charge", 80, device_class="battery", unit="%"),
            sensor("cruisingRangeElectric", "Range", 190, device_class="distance", unit="km"),
            sensor("chargePower_kW", "Charge Power", 0, device_class="power", unit="kW"),
            sensor("plugConnectionState", "Plug Connection State", "connected"),
            sensor("plugLockState", "Plug Lock State", "unlocked"),
            Ent(
                domain="number",
                object_id="id_4_target_state_of_charge",
                unique_id=f"{VIN}-target_state_of_charge",
                state=80,
                unit="%",
                category=EntityCategory.CONFIG,
                name="ID.4 Target State Of Charge",
                attributes={"min": 10, "max": 100, "step": 10},
            ),
        ],
    )


async def test_the_chargers_form_offers_the_volkswagens_soc_and_its_own_target(
    hass: HomeAssistant, home: None
) -> None:
    volkswagen_car(hass)
    charger = ocpp_charger(hass)
    entry = await _home(hass)
    form = await _charger_form(hass, entry, charger.devices["main"])
    assert form.get("ev_soc_entity") == "sensor.id_4_state_of_charge"  # not the target, also a % battery
    assert form.get("ev_target_soc_entity") == "number.id_4_target_state_of_charge"  # the car's own number


async def test_the_volkswagens_plug_reads_its_connection_state_not_its_lock(hass: HomeAssistant) -> None:
    car = volkswagen_car(hass)
    profile = profiles.profile_for("volkswagen_we_connect_id", profiles.VEHICLE)
    assert profile is not None
    plug = profile.find("plugged_entity", _device_entities(hass)[car.devices["main"]])
    assert plug is not None
    assert plug.entity_id == "sensor.id_4_plug_connection_state"
    states = list(profile.connected_states)
    for value, plugged in (
        ("connected", True),
        ("disconnected", False),
        ("unknown unlock plug state", False),
    ):
        hass.states.async_set(plug.entity_id, value)
        assert ev_charger.is_plugged(hass.states.get(plug.entity_id), states) is plugged, value


# source: robinostlund/homeassistant-volkswagencarnet @ commit a2d220ea2857da0ba7664295e6a930699dce0445
# custom_components/volkswagencarnet/__init__.py (unique id "<vin>-<component>-<attribute>", device
# identifiers (volkswagencarnet, <vin>), entity names the instruments'), number.py; robinostlund/
# volkswagencarnet @ commit 9950635445a9122d92f0f649bcb9e964fa91e350 volkswagencarnet/vw_dashboard.py
# (battery_level % battery sensor; battery_target_charge_level a config number 50-100 step 10 and a %
# battery sensor; charging_cable_connected a plug binary sensor).
CARNET_VIN = "WVWZZZE1ZMP000002"


def carnet_car(hass: HomeAssistant) -> Installed:
    def ent(component: str, attr: str, name: str, state: object, **kwargs: object) -> Ent:
        return Ent(
            domain=component,
            object_id=f"e_golf_{name.lower().replace(' ', '_')}",
            unique_id=f"{CARNET_VIN}-{component}-{attr}",
            state=state,
            name=name,
            **kwargs,  # type: ignore[arg-type]
        )

    return install(
        hass,
        "volkswagencarnet",
        [
            Device(
                key="main",
                name="e-Golf",
                identifiers=(("volkswagencarnet", CARNET_VIN),),
                manufacturer="Volkswagen",
            )
        ],
        [
            ent("sensor", "battery_level", "Battery level", 62, device_class="battery", unit="%"),
            ent(
                "sensor",
                "battery_target_charge_level",
                "Battery target charge level",
                90,
                device_class="battery",
                unit="%",
            ),
            ent(
                "number",
                "battery_target_charge_level",
                "Battery target charge level",
                90,
                unit="%",
                category=EntityCategory.CONFIG,
                attributes={"min": 50, "max": 100, "step": 10},
            ),
            ent(
                "binary_sensor",
                "charging_cable_connected",
                "Charging cable connected",
                "on",
                device_class="plug",
            ),
            ent("binary_sensor", "charging_cable_locked", "Charging cable locked", "on", device_class="lock"),
        ],
    )


async def test_the_chargers_form_offers_a_volkswagen_connect_cars_soc_and_target(
    hass: HomeAssistant, home: None
) -> None:
    car = carnet_car(hass)
    charger = ocpp_charger(hass)
    entry = await _home(hass)
    form = await _charger_form(hass, entry, charger.devices["main"])
    assert form.get("ev_soc_entity") == "sensor.e_golf_battery_level"
    assert form.get("ev_target_soc_entity") == "number.e_golf_battery_target_charge_level"
    profile = profiles.profile_for("volkswagencarnet", profiles.VEHICLE)
    assert profile is not None
    plug = profile.find("plugged_entity", _device_entities(hass)[car.devices["main"]])
    assert (
        plug is not None and plug.entity_id == "binary_sensor.e_golf_charging_cable_connected"
    )  # not the lock
