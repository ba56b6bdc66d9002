"""Strict reading of format-1 JSON: every value checked, every error naming its field's path.

Shared by the problem's own fields and by every device kind's ``parse``, so that a kind
reads its fields with the same rules (and the same messages) as the rest of the format.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .plan import FloatArray

# Every number of the format is within these, whatever its field: kW, kWh, prices and amps of any
# real site are far below, and beyond them the solver's arithmetic (weights of ten times the dearest
# kWh, times the horizon) would stop meaning anything.
MAX_MAGNITUDE = 1e6
MAX_WHOLE = 10**9


class ProblemError(ValueError):
    """Input that cannot be planned; ``path`` names the field (e.g. ``devices[1].soc_kwh``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class Reader:
    """Reads one JSON object, remembering which keys were used so leftovers are rejected."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ProblemError(path, "must be an object")
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise ProblemError(self.sub(key), "is required")
            return default
        return self.data[key]

    def number(
        self,
        key: str,
        default: float | None = None,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        required: bool = False,
    ) -> float:
        value = self.raw(key, ... if required or default is None else default)
        return number(value, self.sub(key), minimum, maximum)

    def integer(
        self,
        key: str,
        default: int | None = None,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = self.raw(key, ... if default is None else default)
        return whole_number(value, self.sub(key), minimum, maximum)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise ProblemError(self.sub(key), "must be true or false")
        return value

    def string(self, key: str, default: str | None = None, choices: Sequence[str] = ()) -> str:
        value = self.raw(key, ... if default is None else default)
        if not isinstance(value, str) or not value:
            raise ProblemError(self.sub(key), "must be a non-empty string")
        if choices and value not in choices:
            raise ProblemError(self.sub(key), f"must be one of {', '.join(choices)}")
        return value

    def series(
        self,
        key: str,
        steps: int,
        default: float | None = None,
        *,
        minimum: float | None = None,
        scalar_ok: bool = False,
    ) -> FloatArray:
        value = self.raw(key, ... if default is None else default)
        return series(value, self.sub(key), steps, minimum=minimum, scalar_ok=scalar_ok)

    def optional_series(self, key: str, steps: int, *, minimum: float | None = 0.0) -> FloatArray | None:
        """A series that may be absent (None): absent is not the same as all zeros."""
        if not self.has(key):
            self.used.add(key)
            return None
        return self.series(key, steps, minimum=minimum)

    def previous(self, steps: int) -> FloatArray | None:
        """``previous_power_kw``: the last plan re-aligned to this horizon (any sign)."""
        return self.optional_series("previous_power_kw", steps, minimum=None)

    def phases(self, site_phases: int) -> tuple[int, ...]:
        """A phase count (phases 1..n) or a list of phase numbers; default all the site's phases."""
        value = self.raw("phases", list(range(1, site_phases + 1)))
        path = self.sub("phases")
        if isinstance(value, int) and not isinstance(value, bool):
            if value not in (1, 2, 3) or value > site_phases:
                raise ProblemError(path, f"must be between 1 and {site_phases}")
            return tuple(range(1, value + 1))
        if not isinstance(value, list) or not value:
            raise ProblemError(path, "must be a phase count or a list of phase numbers")
        out = []
        for i, ph in enumerate(value):
            if isinstance(ph, bool) or not isinstance(ph, int) or not 1 <= ph <= site_phases:
                raise ProblemError(f"{path}[{i}]", f"must be a phase number from 1 to {site_phases}")
            out.append(ph)
        if len(set(out)) != len(out):
            raise ProblemError(path, "names a phase twice")
        return tuple(sorted(out))

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise ProblemError(self.sub(extra[0]), "is not a known field")


def number(value: Any, path: str, minimum: float | None = None, maximum: float | None = None) -> float:
    """A JSON value as a finite float within the bounds (and ``MAX_MAGNITUDE``), else a ``ProblemError``
    naming its path."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProblemError(path, "must be a number")
    try:
        result = float(value)
    except OverflowError:  # an integer literal with hundreds of digits
        raise ProblemError(path, "must be a finite number") from None
    if not math.isfinite(result):
        raise ProblemError(path, "must be a finite number")
    if abs(result) > MAX_MAGNITUDE:
        raise ProblemError(path, f"must be within ±{MAX_MAGNITUDE:g}")
    if minimum is not None and result < minimum:
        raise ProblemError(path, f"must be at least {minimum:g}")
    if maximum is not None and result > maximum:
        raise ProblemError(path, f"must be at most {maximum:g}")
    return result


def whole_number(value: Any, path: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """A JSON value as an int within the bounds (and ``MAX_WHOLE``), else a ``ProblemError`` naming its
    path; a float with no fraction (4.0) is one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProblemError(path, "must be a whole number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ProblemError(path, "must be a finite number")
        if not value.is_integer():
            raise ProblemError(path, "must be a whole number")
    if abs(value) > MAX_WHOLE:
        raise ProblemError(path, f"must be within ±{MAX_WHOLE}")
    result = int(value)
    if minimum is not None and result < minimum:
        raise ProblemError(path, f"must be at least {minimum}")
    if maximum is not None and result > maximum:
        raise ProblemError(path, f"must be at most {maximum}")
    return result


def series(
    value: Any, path: str, steps: int, *, minimum: float | None = None, scalar_ok: bool = False
) -> FloatArray:
    """A per-step JSON list of exactly ``steps`` numbers (or one number for every step, where
    ``scalar_ok``), else a ``ProblemError`` naming the path."""
    if scalar_ok and not isinstance(value, list):
        return np.full(steps, number(value, path, minimum))
    if not isinstance(value, list):
        raise ProblemError(path, "must be a list" + (" or a number" if scalar_ok else ""))
    if len(value) != steps:
        raise ProblemError(path, f"must have {steps} values (one per step), not {len(value)}")
    return np.array([number(v, f"{path}[{i}]", minimum) for i, v in enumerate(value)], dtype=float)


def listed(values: FloatArray) -> list[float]:
    """A series as JSON numbers (full precision: a dumped problem must read back the same)."""
    return [float(v) for v in values]


def read_json_file(path: str, max_bytes: int) -> Any:
    """A file's JSON, for the command lines; anything that keeps it from being read as JSON (too
    large, unreadable, not UTF-8, not JSON, nested too deeply) is a ``ProblemError`` saying so."""
    try:
        file = Path(path)
        if file.stat().st_size > max_bytes:
            raise ProblemError("", f"{path} is larger than {max_bytes // (1024 * 1024)} MB")
        text = file.read_text(encoding="utf-8")
    except OSError as err:
        raise ProblemError("", f"cannot read {path}: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise ProblemError("", f"{path} is not UTF-8 text: byte {err.start}") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ProblemError("", f"{path} is not JSON: {err.msg} at line {err.lineno}") from err
    except RecursionError:
        raise ProblemError("", f"{path} is nested too deeply") from None
    except ValueError as err:  # e.g. an integer literal of more digits than Python converts
        raise ProblemError("", f"{path} is not usable JSON: {err}") from err


def say_error(message: str, max_chars: int = 500) -> None:
    """One line on stderr, ``error: ...``, whitespace folded and cut at ``max_chars``."""
    line = " ".join(message.split())
    if len(line) > max_chars:
        line = line[: max_chars - 3] + "..."
    print(f"error: {line}", file=sys.stderr, flush=True)
