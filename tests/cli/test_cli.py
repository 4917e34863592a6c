"""The `pishkhan` console script, run as a user runs it: a real process on a fresh data directory."""

import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from pishkhan.accounts.roles import Role
from pishkhan.common.identifiers import tracking_code_new
from pishkhan.demo.management.commands.up import server_command


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update({"PISHKHAN_DATA_DIR": str(tmp_path)}, **extra)
    return env


def _unconfigured(tmp_path):
    """An environment with no configuration at all: no PISHKHAN_ variable, a home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_", "XDG_"))}
    env.pop("DATABASE_URL", None)
    env["HOME"] = str(tmp_path)
    return env


def _run(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "pishkhan", *args], env=env, capture_output=True, text=True, timeout=300
    )


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_help_lists_the_pishkhan_commands_with_no_configuration_at_all(tmp_path):
    result = _run("help", env=_unconfigured(tmp_path))
    assert result.returncode == 0, result.stderr
    for command in ("up", "geo_load", "audit_verify", "keys_create"):
        assert command in result.stdout
    written = {path.name for path in tmp_path.rglob("*") if path.is_file()}
    assert not written & {"secret_key", "sealing_key", "pishkhan.sqlite3"}  # help made up no secret


@pytest.mark.parametrize("command", ["up", "geo_load", "audit_verify", "keys_create"])
def test_every_pishkhan_command_has_help_with_no_configuration_at_all(tmp_path, command):
    result = _run(command, "--help", env=_unconfigured(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_a_command_without_configuration_still_refuses_to_run(tmp_path):
    result = _run("audit_verify", env=_unconfigured(tmp_path))
    assert result.returncode == 2
    assert "PISHKHAN_ALLOWED_HOSTS is not set" in result.stderr


def test_an_unknown_command_fails_with_a_message(tmp_path):
    result = _run("no_such_command", env=_env(tmp_path, PISHKHAN_DEMO="1"))
    assert result.returncode != 0
    assert "Unknown command" in result.stderr


def test_up_refuses_a_port_already_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run("up", "--data-dir", str(tmp_path), "--port", str(port), env=_env(tmp_path))
    assert result.returncode != 0
    assert "already in use" in result.stderr


@pytest.mark.slow
def test_up_without_serving_prepares_a_wal_database_and_prints_one_login_per_role(tmp_path):
    result = _run("up", "--no-serve", "--data-dir", str(tmp_path), env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    for role in Role.values:
        assert f"  {role} " in result.stdout
    with sqlite3.connect(tmp_path / "pishkhan.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT COUNT(*) FROM geo_province").fetchone()[0] == 31
    # A second run loads nothing twice and gives new passwords.
    again = _run("up", "--no-serve", "--data-dir", str(tmp_path), env=_env(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "Geography loaded" not in again.stdout
    assert again.stdout.split("Demo mode")[1] != result.stdout.split("Demo mode")[1]
    # The commands README shows work on the data directory `up` made, with no PISHKHAN_DEMO=1.
    key = _run("keys_create", "--office", "P23-0001", "--name", "readme", env=_env(tmp_path))
    assert key.returncode == 0, key.stderr
    assert key.stdout.startswith("pk_")
    verified = _run("audit_verify", env=_env(tmp_path))
    assert verified.returncode == 0, verified.stderr


@pytest.mark.slow
def test_up_without_demo_mode_prints_no_password(tmp_path):
    env = _env(
        tmp_path,
        PISHKHAN_SECRET_KEY="production-like-secret-" + "k3" * 30,
        PISHKHAN_ALLOWED_HOSTS="127.0.0.1",
        PISHKHAN_HTTPS="0",
        PISHKHAN_SEALING_KEYS="cHJvZHVjdGlvbi1zZWFsaW5nLWtleS0zMi1ieXRlcyE=",
        PISHKHAN_AUDIT_KEYS="cHJvZHVjdGlvbi1hdWRpdC1jaGFpbi1rZXktMzJieXQ=",
    )
    (tmp_path / "demo-mode").write_text("left by an earlier demo run")
    result = _run("up", "--no-demo", "--no-serve", "--data-dir", str(tmp_path), env=env)
    assert result.returncode == 0, result.stderr
    assert "Demo mode" not in result.stdout
    assert "regulator" not in result.stdout
    assert not (tmp_path / "demo-mode").exists()  # later commands are in production mode too


@pytest.mark.slow
def test_up_serves_the_persian_home_page_with_the_31_provinces(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pishkhan", "up", "--data-dir", str(tmp_path), "--port", str(port)],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "is serving on" in line:
                break
        assert any(f"http://127.0.0.1:{port}/" in line for line in lines), "".join(lines)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Accept-Language": "fa"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            page = response.read().decode()
        assert 'dir="rtl"' in page
        assert 'lang="fa"' in page
        assert page.count('<path class="province ') == 31
        provinces = _get_json(f"http://127.0.0.1:{port}/api/v1/geo/provinces")
        assert sum(p["population_2016"] for p in provinces) == 79_926_270
        _a_demo_office_transaction_is_completed_by_the_worker(port, tmp_path)
        _a_code_is_locked_after_its_failures_whichever_worker_served_them(port)
    finally:
        process.terminate()
        try:
            stopped = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert stopped == 0, "`up` did not stop cleanly on SIGTERM"


def _a_code_is_locked_after_its_failures_whichever_worker_served_them(port):
    """The tracking page's failures per code count across `up`'s worker processes (a shared cache):
    each look-up on a connection of its own, the sixth after five failures refused."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = f"http://127.0.0.1:{port}/track/"
    with browser.open(page, timeout=30) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())[1]
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "code": tracking_code_new(), "national_id": "0012345679"}
    ).encode()
    statuses = []
    for _attempt in range(6):
        try:
            with browser.open(page, data=form, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as refused:
            statuses.append(refused.code)
    assert statuses == [200] * 5 + [429]


def _get_json(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def _a_demo_office_transaction_is_completed_by_the_worker(port, tmp_path):
    """Issue 4's acceptance: a demo office's key, the sandbox gateway, the worker `up` runs: completed."""
    made = _run("keys_create", "--office", "P23-0001", "--name", "test", env=_env(tmp_path))
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    base = f"http://127.0.0.1:{port}/api/v1"
    services = _get_json(f"{base}/services?office_kind=pishkhan&outsourcing=outsourced")
    body = {
        "service": services["items"][0]["code"],
        "national_id": "0012345679",
        "mobile": "09121234567",
        "fee_charged": 100_000,
        "office_reference": "CLI-TEST-1",
    }
    auth = {"Authorization": f"Bearer {key}"}
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/transactions",
        data=json.dumps(body).encode(),
        headers=auth | {"Content-Type": "application/json", "Idempotency-Key": "cli-test-1"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        code = json.loads(response.read())["tracking_code"]
    deadline, state = time.monotonic() + 60, "received"
    while state != "completed" and time.monotonic() < deadline:
        time.sleep(0.5)
        state = _get_json(f"{base}/transactions/{code}", headers=auth)["state"]
    assert state == "completed"
    sms_log = tmp_path / "sms.log"  # the citizen's SMS, sent by the worker's next round (every 5 s)
    while not (sms_log.exists() and code in sms_log.read_text(encoding="utf-8")):
        assert time.monotonic() < deadline, "no SMS for the completed transaction"
        time.sleep(0.5)


@pytest.mark.parametrize(("vendor", "threads"), [("sqlite", "1"), ("postgresql", "4")])
def test_up_serves_the_fast_lane_with_threads_suited_to_the_database(vendor, threads):
    command = server_command("192.0.2.7", 8080, 0, vendor=vendor)

    assert command[command.index("--blocking-threads") + 1] == threads
    assert command[command.index("--workers") + 1] == "1"  # at least one
    assert command[command.index("--host") + 1] == "192.0.2.7"
    assert command[command.index("--port") + 1] == "8080"
    assert command[-1] == "pishkhan.config.wsgi:application"  # Django behind the counter's fast lane
