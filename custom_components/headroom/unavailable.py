"""Home Assistant's "log when unavailable": the first failure of a thing is a warning, the ones
after it stay quiet (debug) until it works again, which is said once (info)."""

from __future__ import annotations

import logging
from typing import Any


class Unavailable:
    """Logs a failing source or device once as a warning, then quietly (debug) until it works again, which
    is logged once (info)."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._down: set[str] = set()

    def failed(self, key: str, message: str, *args: Any) -> None:
        level = logging.DEBUG if key in self._down else logging.WARNING
        self._down.add(key)
        self._logger.log(level, message, *args)

    def worked(self, key: str) -> None:
        if key in self._down:
            self._down.discard(key)
            self._logger.info("%s works again", key)
