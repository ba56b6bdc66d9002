"""A real Home Assistant process from ``scripts/develop`` on a free loopback port, onboarded through
its API (the owner, the remaining onboarding steps, a token)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
START_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(
    url: str, token: str | None = None, data: bytes | None = None, headers: dict[str, str] | None = None
) -> Any:
    request = urllib.request.Request(
        url, data=data, headers={**(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})}
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        body = response.read()
        return json.loads(body) if body else None


@dataclass
class Demo:
    base: str
    token: dict[str, Any]
    log: Path

    @property
    def access_token(self) -> str:
        return str(self.token["access_token"])

    def state(self, entity_id: str) -> dict[str, Any]:
        return call(f"{self.base}/api/states/{entity_id}", self.access_token)  # type: ignore[no-any-return]

    def wait_for_plan(self, deadline: float) -> dict[str, Any]:
        """The plan status once the demo's devices are all in Headroom and a plan with them is out.
        The devices are added one by one within milliseconds, each queueing a reload of the entry,
        so the plan counts as out only when it is still there two seconds later."""
        settled = 0
        while True:
            try:
                status = self.state("sensor.demo_home_plan_status")
                self.state("sensor.dishwasher_planned_power")  # the last device added
                grid = self.state("sensor.demo_home_planned_grid_power")
                ready = status["state"] not in ("unknown", "unavailable") and "forecast" in grid["attributes"]
                settled = settled + 1 if ready else 0
                if settled >= 2:
                    return status
            except urllib.error.HTTPError:
                settled = 0
            assert time.monotonic() < deadline, "Headroom did not publish a plan"
            time.sleep(2)


@contextmanager
def demo_home(tmp_path: Path) -> Iterator[Demo]:
    config = tmp_path / "config"
    (config / "custom_components").mkdir(parents=True)
    shutil.copy(ROOT / "config" / "configuration.yaml", config)
    shutil.copytree(ROOT / "config" / "dashboards", config / "dashboards")
    for demo_integration in ("headroom_sim", "ocpp", "shelly"):  # the simulated home and its stand-ins
        shutil.copytree(
            ROOT / "config" / "custom_components" / demo_integration,
            config / "custom_components" / demo_integration,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "hass.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "develop")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "HEADROOM_CONFIG": str(config), "HEADROOM_PORT": str(port)},
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert process.poll() is None, log_path.read_text()[-3000:]
            try:
                call(f"{base}/api/onboarding")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, "Home Assistant did not answer"
                time.sleep(1)
        client = f"{base}/"
        code = call(
            f"{base}/api/onboarding/users",
            data=json.dumps(
                {
                    "client_id": client,
                    "name": "Test",
                    "username": "test",
                    "password": "test-pass-123",
                    "language": "en",
                }
            ).encode(),
            headers={"Content-Type": "application/json"},
        )["auth_code"]
        token = call(
            f"{base}/auth/token",
            data=urllib.parse.urlencode(
                {"grant_type": "authorization_code", "code": code, "client_id": client}
            ).encode(),
        )
        access = token["access_token"]
        json_headers = {"Content-Type": "application/json"}
        for step, body in (
            ("core_config", {}),
            ("analytics", {}),
            ("integration", {"client_id": client, "redirect_uri": f"{base}/?auth_callback=1"}),
        ):
            call(f"{base}/api/onboarding/{step}", access, json.dumps(body).encode(), json_headers)
        token["client_id"] = client
        yield Demo(base=base, token=token, log=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
