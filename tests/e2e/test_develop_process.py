"""``scripts/develop`` starts a real Home Assistant process with the demo home and Headroom set up,
without a click: it answers on a loopback port, and its plan sensors read over the REST API."""

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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, token: str | None = None, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, data=data, headers={
        **(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_develop_serves_the_plan(tmp_path: Path, socket_enabled: None) -> None:
    """``socket_enabled``: this test talks to a real server on a loopback port."""
    config = tmp_path / "config"
    (config / "custom_components").mkdir(parents=True)
    shutil.copy(ROOT / "config" / "configuration.yaml", config)
    shutil.copytree(ROOT / "config" / "dashboards", config / "dashboards")
    shutil.copytree(ROOT / "config" / "custom_components" / "headroom_sim",
                    config / "custom_components" / "headroom_sim")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "hass.log").open("w")
    process = subprocess.Popen([str(ROOT / "scripts" / "develop")], stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "HEADROOM_CONFIG": str(config), "HEADROOM_PORT": str(port)})
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, (tmp_path / "hass.log").read_text()[-3000:]
            try:
                _get(f"{base}/api/onboarding")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, "Home Assistant did not answer"
                time.sleep(1)
        # Onboard through the API: the owner, then a token for the REST API.
        client = f"{base}/"
        code = _get(f"{base}/api/onboarding/users", data=json.dumps({
            "client_id": client, "name": "Test", "username": "test", "password": "test-pass-123",
            "language": "en"}).encode(), headers={"Content-Type": "application/json"})["auth_code"]
        token = _get(f"{base}/auth/token", data=urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code, "client_id": client}).encode())["access_token"]
        while True:
            try:
                status = _get(f"{base}/api/states/sensor.demo_home_plan_status", token)
                if status["state"] not in ("unknown", "unavailable"):
                    break
            except urllib.error.HTTPError:
                pass
            assert time.monotonic() < deadline, "Headroom did not publish a plan"
            time.sleep(1)
        assert status["state"] in ("optimal", "feasible")
        assert status["attributes"]["control_mode"] == "active"
        power = _get(f"{base}/api/states/sensor.charger_driveway_planned_power", token)
        assert len(power["attributes"]["forecast"]) == 96  # 24 h of 15-minute steps
        price = _get(f"{base}/api/states/sensor.sim_electricity_price", token)
        assert len(price["attributes"]["raw_today"]) == 24
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
