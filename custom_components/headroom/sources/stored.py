"""What the Store held before a restart, read back part by part: people's intents, the control mode
and the last plan. A part that is not what Headroom writes (a wrong type, a NaN, a naive time, an
unknown mode) is left out and named, so that the rest survives and a repair can say what went.

A file that cannot be read at all is moved aside and Headroom starts without it (Home Assistant's
Store does the same, with its own repair, for a file that is not JSON); when only parts are left
out, a copy of the file as it was is kept beside it. Either way a repair says where the old file is.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import types
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime, time
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import ControlMode
from ..policy.intents import Intents
from ..policy.problem import PreviousPlan
from ..repairs import raise_issue

_LOGGER = logging.getLogger(__name__)
ISSUE_STORE_UNREADABLE = "store_unreadable"
ISSUE_STORE_PARTS_DROPPED = "store_parts_dropped"
# The sections of ``Intents`` as the Store keeps them, each a mapping of id -> item.
SECTIONS = tuple(f.name for f in fields(Intents))
_READ_ERRORS = (TypeError, ValueError, KeyError, AttributeError, AssertionError, IndexError)


@dataclass
class Stored:
    """What could be read back, and what was left out (``dropped``, e.g. ``goals.<id>``)."""

    intents: Intents = field(default_factory=Intents)
    control_mode: ControlMode | None = None
    previous: PreviousPlan | None = None
    dropped: list[str] = field(default_factory=list)


async def async_read_store(hass: HomeAssistant, store: Store[dict[str, Any]], entry_id: str) -> Stored:
    """Load and read the Store; never raises for what is in the file. What could not be read is
    set aside and reported in a repair (``<issue>_<entry_id>``)."""
    try:
        data: Any = await store.async_load()
    except (HomeAssistantError, TypeError, KeyError, ValueError, NotImplementedError) as err:
        error = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        moved_to = await _async_set_aside(hass, store.path, move=True)
        _LOGGER.error("Headroom could not read %s (%s); it was moved to %s", store.path, error, moved_to)
        _issue(hass, ISSUE_STORE_UNREADABLE, entry_id, path=store.path, error=error, moved_to=moved_to)
        return Stored()
    stored = read_stored(data)
    if stored.dropped:
        parts = ", ".join(stored.dropped)
        copy = await _async_set_aside(hass, store.path, move=False)
        _LOGGER.warning(
            "Headroom left out parts of %s that were not valid: %s (copy: %s)", store.path, parts, copy
        )
        _issue(hass, ISSUE_STORE_PARTS_DROPPED, entry_id, path=store.path, parts=parts, moved_to=copy)
    return stored


async def _async_set_aside(hass: HomeAssistant, path: str, *, move: bool) -> str:
    """Move (or copy) the file to ``<path>.corrupt.<UTC time>``, as Home Assistant's Store names
    the files it sets aside; says where it went, or why it could not."""
    target = f"{path}.corrupt.{dt_util.utcnow().isoformat()}"

    def set_aside() -> None:
        if move:
            os.replace(path, target)
        else:
            shutil.copy2(path, target)

    try:
        await hass.async_add_executor_job(set_aside)
    except OSError as err:
        return f"- ({err.strerror or err})"
    return target


def _issue(hass: HomeAssistant, key: str, entry_id: str, **placeholders: str) -> None:
    raise_issue(
        hass,
        key,
        entry_id,
        severity=ir.IssueSeverity.ERROR if key == ISSUE_STORE_UNREADABLE else ir.IssueSeverity.WARNING,
        **placeholders,
    )


def read_stored(data: Any) -> Stored:
    """The Store's data (as ``Store.async_load`` returns it) back as intents, mode and last plan."""
    out = Stored()
    if data is None:
        return out
    if not isinstance(data, dict):
        out.dropped.append("everything (not a mapping)")
        return out
    intents = data.get("intents", {"goals": data.get("goals", {})})  # older Stores: goals at the top
    if isinstance(intents, dict):
        out.intents = _intents(intents, out.dropped)
    else:
        out.dropped.append("intents")
    if (mode := data.get("control_mode")) is not None:
        try:
            out.control_mode = ControlMode(mode)
        except (ValueError, TypeError):
            out.dropped.append("control_mode")
    if data.get("last_plan") and data.get("last_problem"):
        out.previous = _previous(data.get("last_plan"), data.get("last_problem"))
        if out.previous is None:
            out.dropped.append("last_plan")
    return out


def storable(intents: Intents) -> dict[str, Any]:
    """The intents as the Store keeps them, without an item that could not be read back (a NaN, a
    naive time): what is written is what the next start reads."""
    hints = get_type_hints(Intents)
    valid = Intents()
    for section in SECTIONS:
        item_type = get_args(hints[section])[1]
        kept: dict[str, Any] = getattr(valid, section)
        for key, item in getattr(intents, section).items():
            if conforms(item, item_type):
                kept[key] = item
            else:
                _LOGGER.warning("Not keeping %s.%s in the Store: %r is not valid", section, key, item)
    return valid.to_dict()


def _intents(raw: dict[str, Any], dropped: list[str]) -> Intents:
    """Each item of each section on its own: one bad goal does not take the others with it."""
    hints = get_type_hints(Intents)
    intents = Intents()
    for section in SECTIONS:
        items = raw.get(section, {})
        if not isinstance(items, dict):
            dropped.append(section)
            continue
        item_type = get_args(hints[section])[1]
        kept: dict[str, Any] = getattr(intents, section)
        for key, value in items.items():
            try:
                parsed = getattr(Intents.from_dict({section: {key: value}}), section)
            except _READ_ERRORS:
                parsed = {}
            if isinstance(key, str) and key in parsed and conforms(parsed[key], item_type):
                kept[key] = parsed[key]
            else:
                dropped.append(f"{section}.{key}")
    return intents


def _previous(plan: Any, problem: Any) -> PreviousPlan | None:
    """The last plan's device powers; None when any of it is not what Headroom writes."""
    try:
        start = datetime.fromisoformat(problem["start"])
        step_minutes = int(problem["step_minutes"])
        powers = {str(k): [float(v) for v in d["power_kw"]] for k, d in plan.get("devices", {}).items()}
    except (*_READ_ERRORS, OverflowError):
        return None
    finite = all(math.isfinite(v) for values in powers.values() for v in values)
    if start.tzinfo is None or step_minutes <= 0 or not finite:
        return None
    return PreviousPlan(start, step_minutes, powers)


def conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the annotated type, numbers finite and times aware, all the way down
    (dataclasses by their own fields)."""
    origin = get_origin(hint)
    if hint is Any:
        return True
    if origin in (Union, types.UnionType):
        return any(conforms(value, arg) for arg in get_args(hint))
    if hint is type(None) or hint is None:
        return value is None
    if origin is Literal:
        return value in get_args(hint)
    if origin is list:
        return isinstance(value, list) and all(conforms(v, get_args(hint)[0]) for v in value)
    if origin is tuple:
        args = get_args(hint)
        return isinstance(value, tuple) and len(value) == len(args) and all(map(conforms, value, args))
    if origin is dict:
        key_type, value_type = get_args(hint)
        return isinstance(value, dict) and all(
            conforms(k, key_type) and conforms(v, value_type) for k, v in value.items()
        )
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    if hint is time or (isinstance(hint, type) and issubclass(hint, (str, bool, Enum))):
        return isinstance(value, hint)
    if isinstance(hint, type) and is_dataclass(hint):
        own = get_type_hints(hint)
        return isinstance(value, hint) and all(
            conforms(getattr(value, f.name), own[f.name]) for f in fields(hint)
        )
    return isinstance(hint, type) and isinstance(value, hint)
