"""Constants for Headroom."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

DOMAIN: Final = "headroom"

CONF_IMPORT_LIMIT_KW: Final = "import_limit_kw"
CONF_MAIN_FUSE_A: Final = "main_fuse_a"
CONF_PHASE_COUNT: Final = "phase_count"
CONF_EXPORT_LIMIT_KW: Final = "export_limit_kw"
CONF_PRICE_ENTITY: Final = "price_entity"
CONF_EXPORT_PRICE_ENTITY: Final = "export_price_entity"
CONF_EXPORT_PRICE_FIXED: Final = "export_price_fixed"
CONF_EXPORT_PRICE_FACTOR: Final = "export_price_factor"
CONF_GRID_POWER_ENTITY: Final = "grid_power_entity"
CONF_HOUSE_POWER_ENTITY: Final = "house_power_entity"
CONF_PV_POWER_ENTITY: Final = "pv_power_entity"
CONF_PV_FORECAST_ENTITY: Final = "pv_forecast_entity"
CONF_PV_FORECAST_ENTRIES: Final = "pv_forecast_entries"
CONF_PV_PESSIMISTIC: Final = "pv_pessimistic"
CONF_PRICE_FIXED: Final = "price_fixed"
CONF_PRICE_MULTIPLIER: Final = "price_multiplier"
CONF_PRICE_OFFSET: Final = "price_offset"
CONF_TOU_PEAK_PRICE: Final = "tou_peak_price"
CONF_TOU_OFF_PEAK_PRICE: Final = "tou_off_peak_price"
CONF_TOU_PEAK_START: Final = "tou_peak_start"
CONF_TOU_PEAK_END: Final = "tou_peak_end"
CONF_TOU_WEEKEND_OFF_PEAK: Final = "tou_weekend_off_peak"
CONF_STEP_MINUTES: Final = "step_minutes"
CONF_HORIZON_HOURS: Final = "horizon_hours"
CONF_REPLAN_MINUTES: Final = "replan_minutes"
CONF_CONTROL_MODE: Final = "control_mode"
# How far forced promises (reservations with ``force``) and a breach plan may go above the limit,
# as a share of it (0 = never); the fuse is sacred, so the default is none.
CONF_BREACH_MARGIN: Final = "breach_margin"
DEFAULT_BREACH_MARGIN: Final = 0.0
# Per-phase meter readings (current in A or power in W/kW), optional.
CONF_PHASE_POWER_ENTITIES: Final = "phase_power_entities"
# Power sensors whose sign is the other way round (export, or discharge, counted positive).
CONF_GRID_EXPORT_POSITIVE: Final = "grid_export_positive"
# A battery power sensor that counts discharge as positive (GoodWe, Enphase and others).
CONF_DISCHARGE_POSITIVE: Final = "power_discharge_positive"

DEFAULT_STEP_MINUTES: Final = 15
DEFAULT_HORIZON_HOURS: Final = 36
DEFAULT_REPLAN_MINUTES: Final = 5
DEFAULT_BASE_LOAD_KW: Final = 0.4
SOLVE_TIME_LIMIT_S: Final = 20.0

SUBENTRY_EV_CHARGER: Final = "ev_charger"
SUBENTRY_BATTERY: Final = "battery"
SUBENTRY_APPLIANCE: Final = "appliance"
SUBENTRY_THERMAL: Final = "thermal_storage"

# EV charger subentry
CONF_CHARGER_POWER_ENTITY: Final = "charger_power_entity"
CONF_CURRENT_LIMIT_ENTITY: Final = "current_limit_entity"
CONF_PLUGGED_ENTITY: Final = "plugged_entity"
CONF_EV_SOC_ENTITY: Final = "ev_soc_entity"
CONF_EV_CAPACITY_KWH: Final = "ev_capacity_kwh"
CONF_MIN_CURRENT_A: Final = "min_current_a"
CONF_MAX_CURRENT_A: Final = "max_current_a"
CONF_PHASES: Final = "phases"
# The phase a single-phase device is wired to ("L1", "L2", "L3"); "all" for a balanced 3-phase one.
CONF_PHASE: Final = "phase"
PHASE_ALL: Final = "all"
PHASE_NAMES: Final = ("L1", "L2", "L3")
CONF_DEFAULT_ENERGY_KWH: Final = "default_energy_kwh"

CONF_CHARGE_SWITCH_ENTITY: Final = "charge_switch_entity"
# The charge switch pauses charging while on (V2C's pause session): on stops, off charges.
CONF_CHARGE_SWITCH_PAUSES: Final = "charge_switch_pauses"
CONF_POWER_LIMIT_ENTITY: Final = "power_limit_entity"
CONF_CONTROL_ADAPTER: Final = "control_adapter"
CONF_VENDOR_CHARGER_ID: Final = "vendor_charger_id"
# The integration's own device, for vendor actions that take a device (Easee, Huawei Solar).
CONF_VENDOR_DEVICE_ID: Final = "vendor_device_id"
# The states of a plug sensor (an enum such as OCPP's connector status) that mean a car is connected.
CONF_PLUGGED_STATES: Final = "plugged_states"
# The car's own charge target (%), read as the session's target when no goal says otherwise.
CONF_EV_TARGET_SOC_ENTITY: Final = "ev_target_soc_entity"
# The vendor's least time between two changes of a setting (s); raises wait for it, cuts never do.
CONF_MIN_WRITE_INTERVAL_S: Final = "min_write_interval_s"
# A select that starts and stops charging (go-e's force state, a zappi's charge mode), with the option
# that lets the charger charge and the one that stops it.
CONF_CHARGE_SELECT_ENTITY: Final = "charge_select_entity"
CONF_CHARGE_SELECT_ON: Final = "charge_select_on"
CONF_CHARGE_SELECT_OFF: Final = "charge_select_off"

# Battery subentry
CONF_SOC_ENTITY: Final = "soc_entity"
CONF_POWER_ENTITY: Final = "power_entity"
CONF_CAPACITY_KWH: Final = "capacity_kwh"
CONF_MAX_CHARGE_KW: Final = "max_charge_kw"
CONF_MAX_DISCHARGE_KW: Final = "max_discharge_kw"
CONF_MIN_SOC_PERCENT: Final = "min_soc_percent"
CONF_MODE_SELECT_ENTITY: Final = "mode_select_entity"
CONF_POWER_SETPOINT_ENTITY: Final = "power_setpoint_entity"
CONF_MODE_OPTION_PREFIX: Final = "mode_option_"
# A second select some inverters need beside the mode (SolaX's manual mode, SolarEdge's command mode
# under remote control), with the option each plan mode takes there; filled from the integration's
# profile by discovery (the form does not show it).
CONF_MODE_DETAIL_SELECT_ENTITY: Final = "mode_detail_select_entity"
CONF_MODE_DETAIL_OPTION_PREFIX: Final = "mode_detail_option_"

# Appliance subentry
CONF_SWITCH_ENTITY: Final = "switch_entity"
CONF_RUN_POWER_KW: Final = "run_power_kw"
CONF_RUN_MINUTES: Final = "run_minutes"
CONF_EARLIEST_START: Final = "earliest_start"
CONF_LATEST_FINISH: Final = "latest_finish"
CONF_ALLOW_SWITCH_OFF: Final = "allow_switch_off"

# Thermal storage subentry (a water heater or heat-pump buffer)
CONF_TEMPERATURE_ENTITY: Final = "temperature_entity"
CONF_WATER_HEATER_ENTITY: Final = "water_heater_entity"
CONF_VOLUME_LITRES: Final = "volume_litres"
CONF_MIN_TEMPERATURE: Final = "min_temperature"
CONF_MAX_TEMPERATURE: Final = "max_temperature"
CONF_COMFORT_TEMPERATURE: Final = "comfort_temperature"
CONF_USE_TIMES: Final = "use_times"
CONF_ELEMENT_KW: Final = "element_kw"
CONF_MODULATING: Final = "modulating"
CONF_EFFICIENCY: Final = "efficiency"
CONF_KNOWN_LOAD_CALENDAR: Final = "known_load_calendar"
CONF_MONTHLY_REPORT: Final = "monthly_report"
CONF_LOSS_C_PER_HOUR: Final = "loss_c_per_hour"
CONF_DAILY_USE_KWH: Final = "daily_use_kwh"

RUNNING_THRESHOLD_KW: Final = 0.05


class ControlMode(StrEnum):
    """What Headroom may do: nothing, plan and publish, or also drive devices."""

    OFF = "off"
    ADVISORY = "advisory"
    ACTIVE = "active"


class ChargeMode(StrEnum):
    """How a charger's car is charged: ``smart`` in the cheapest steps before departure, ``fastest`` as
    early as it can, ``solar_only`` from PV surplus only (whatever the price), ``off`` not at all (a force
    override still charges)."""

    SMART = "smart"
    FASTEST = "fastest"
    SOLAR_ONLY = "solar_only"
    OFF = "off"


class ChargerAdapter(StrEnum):
    """How a charger is driven: through its own entities, or a vendor action."""

    ENTITIES = "entities"
    OCPP = "ocpp"
    EASEE = "easee"
    GOECHARGER = "goecharger"
    KEBA = "keba"


class ControlState(StrEnum):
    """Per device: whether Headroom drives it right now, and if not, why."""

    OFF = "off"
    ADVISORY = "advisory"
    ACTIVE = "active"
    MANUAL = "manual"
    NOT_FOLLOWING = "not_following"


class PlanState(StrEnum):
    """The plan status sensor's states: the planner's four, plus the integration's own two."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    BREACH = "breach"
    OVER_LIMIT = "over_limit"
    FALLBACK = "fallback"
    STALE_INPUTS = "stale_inputs"
    ERROR = "error"
