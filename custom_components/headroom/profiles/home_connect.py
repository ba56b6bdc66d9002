"""Home Connect appliances (Home Assistant core ``home_connect``): start the selected program remotely.

Read from home-assistant/core 2025.4.4 (as installed here), homeassistant/components/home_connect:
entity.py (unique id "<ha_id>-<BSH key>"), select.py (``selected_program``: the program chosen on the
appliance or in the app, its options the programs' translation keys such as
``dishcare_dishwasher_program_eco_50``; ``active_program`` starts a program when set), binary_sensor.py
(``remote_start``: BSH.Common.Status.RemoteControlStartAllowed, on only after the person pressed remote
start on the appliance), sensor.py (``operation_state``: an enum of inactive, ready, delayedstart, run,
pause, actionrequired, finished, error, aborting), services.py and services.yaml
(``set_program_and_options``: ``device_id``, ``affects_to`` active_program or selected_program, ``program``
one of the program translation keys, options by translation key, e.g.
``b_s_h_common_option_start_in_relative`` in seconds). The appliances report no power.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from . import APPLIANCE, DEVICE_ID, Action, Match, Profile, Source

# The program to start: the selected-program select's state, filled in when the command is built.
PROGRAM: Final = "$program"
# Only an appliance in this operation state takes a start (a program running, paused, delayed or
# waiting for the person is left alone).
READY_STATE: Final = "ready"
RUNNING_STATES: Final = ("run",)

PROFILES = (
    Profile(
        integration="home_connect",
        kind=APPLIANCE,
        title="Home Connect",
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=(
                "homeassistant/components/home_connect/select.py",
                "homeassistant/components/home_connect/binary_sensor.py",
                "homeassistant/components/home_connect/sensor.py",
                "homeassistant/components/home_connect/services.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "program_entity": (Match(domain="select", translation_key="selected_program"),),
                "remote_start_entity": (Match(domain="binary_sensor", translation_key="remote_start"),),
                "operation_state_entity": (Match(domain="sensor", translation_key="operation_state"),),
            }
        ),
        action=Action(
            domain="home_connect",
            service="set_program_and_options",
            data={"device_id": DEVICE_ID, "affects_to": "active_program", "program": PROGRAM},
        ),
        reads="selected program, remote start allowed, operation state (run = running)",
        drives="starts the selected program through set_program_and_options when the plan says run",
        limits="Starts only when remote start is on and the appliance is ready; never stops a program; no "
        "power sensor, so the run's kW is the form's",
    ),
)
