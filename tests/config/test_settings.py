"""The installation's configuration: production-safe by default, driven by the environment."""

import os
import subprocess
import sys

import pytest
from django.db import connection

PRODUCTION_ENV = {
    "PISHKHAN_SECRET_KEY": "a-real-production-secret-" + "x7Qm2Lp9" * 8,
    "PISHKHAN_ALLOWED_HOSTS": "pishkhan.example.ir",
    "PISHKHAN_SITE_URL": "https://pishkhan.example.ir",
    "PISHKHAN_DEBUG": "0",
    "PISHKHAN_SEALING_KEYS": "cHJvZHVjdGlvbi1zZWFsaW5nLWtleS0zMi1ieXRlcyE=",
    "PISHKHAN_AUDIT_KEYS": "cHJvZHVjdGlvbi1hdWRpdC1jaGFpbi1rZXktMzJieXQ=",
}


def _pishkhan(*args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update({"PISHKHAN_DATA_DIR": str(tmp_path), **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "pishkhan", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _pishkhan(
        "check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_a_secret_key_stops_with_a_clear_message(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PISHKHAN_SECRET_KEY"}
    result = _pishkhan("check", env_extra=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "PISHKHAN_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_allowed_hosts_stops_with_a_clear_message(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PISHKHAN_ALLOWED_HOSTS"}
    result = _pishkhan("check", env_extra=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "PISHKHAN_ALLOWED_HOSTS" in result.stderr


def test_a_malformed_flag_is_named(tmp_path):
    result = _pishkhan("check", env_extra={**PRODUCTION_ENV, "PISHKHAN_DEBUG": "maybe"}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "PISHKHAN_DEBUG" in result.stderr


def test_demo_mode_generates_and_keeps_one_secret_per_data_directory(tmp_path):
    env = {"PISHKHAN_DEMO": "1"}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _pishkhan("shell", "-c", code, env_extra=env, tmp_path=tmp_path)
    second = _pishkhan("shell", "-c", code, env_extra=env, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_without_sealing_keys_stops_with_a_clear_message(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PISHKHAN_SEALING_KEYS"}
    result = _pishkhan("check", env_extra=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "PISHKHAN_SEALING_KEYS is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_sealing_key_is_refused(tmp_path):
    env = {**PRODUCTION_ENV, "PISHKHAN_SEALING_KEYS": "short"}
    result = _pishkhan("check", env_extra=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "key number 1" in result.stderr


def test_demo_mode_generates_and_keeps_one_sealing_key_per_data_directory(tmp_path):
    code = "from django.conf import settings; print(settings.PISHKHAN_SEALING_KEYS)"
    first = _pishkhan("shell", "-c", code, env_extra={"PISHKHAN_DEMO": "1"}, tmp_path=tmp_path)
    second = _pishkhan("shell", "-c", code, env_extra={"PISHKHAN_DEMO": "1"}, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert (tmp_path / "sealing_key").stat().st_mode & 0o077 == 0


def test_a_data_directory_marked_by_up_in_demo_mode_needs_no_more_environment(tmp_path):
    # given a data directory that `pishkhan up` prepared in demo mode (its marker), and no variable
    (tmp_path / "demo-mode").write_text("")
    code = "from django.conf import settings; print(settings.PISHKHAN_DEMO, settings.ALLOWED_HOSTS)"

    marked = _pishkhan("shell", "-c", code, env_extra={}, tmp_path=tmp_path)
    told_otherwise = _pishkhan("shell", "-c", code, env_extra={"PISHKHAN_DEMO": "0"}, tmp_path=tmp_path)

    assert marked.returncode == 0, marked.stderr
    assert "True ['127.0.0.1', 'localhost'" in marked.stdout
    assert told_otherwise.returncode == 2  # the variable wins: production, which lacks its settings
    assert "is not set" in told_otherwise.stderr


@pytest.mark.django_db
def test_sqlite_connections_keep_write_scratch_in_memory():
    # A counter request writes several rows in one transaction; SQLite journals each statement so that
    # it alone can be undone, and with temporary files on disk it opened, wrote and deleted a file for
    # many requests (benchmarks/README.md).
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's per-connection settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA temp_store")
        assert cursor.fetchone()[0] == 2  # MEMORY
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_the_servers_application_keeps_what_it_loaded_out_of_the_collector():
    import gc

    from django.conf import settings

    import pishkhan.config.wsgi  # noqa: F401 (the module the server imports)

    assert settings.ROOT_URLCONF in sys.modules  # loaded with the application, not by a first request
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold()[0] == 10_000  # the youngest generation collected less often


@pytest.mark.parametrize(
    ("override", "check_id"),
    [
        ({"PISHKHAN_SECRET_KEY": "short-secret"}, "pishkhan.E001"),
        ({"PISHKHAN_SECRET_KEY": "ab" * 40}, "pishkhan.E001"),
        ({"PISHKHAN_DEBUG": "1", "PISHKHAN_DEMO": "0"}, "pishkhan.E002"),
        ({"PISHKHAN_ALLOWED_HOSTS": "pishkhan.example.ir,*"}, "pishkhan.E003"),
        ({"PISHKHAN_SITE_URL": ""}, "pishkhan.E004"),
    ],
)
def test_check_deploy_fails_in_production_on_unsafe_settings(tmp_path, override, check_id):
    result = _pishkhan("check", "--deploy", env_extra={**PRODUCTION_ENV, **override}, tmp_path=tmp_path)

    assert result.returncode != 0
    assert check_id in result.stderr + result.stdout


def test_check_deploy_leaves_demo_mode_to_djangos_warnings(tmp_path):
    env = {"PISHKHAN_DEMO": "1", "PISHKHAN_DEBUG": "1", "PISHKHAN_ALLOWED_HOSTS": "*"}
    result = _pishkhan("check", "--deploy", env_extra=env, tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "pishkhan.E0" not in result.stdout + result.stderr


def test_production_without_audit_keys_stops_with_a_clear_message(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PISHKHAN_AUDIT_KEYS"}
    result = _pishkhan("check", env_extra=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "PISHKHAN_AUDIT_KEYS is not set" in result.stderr


def test_sealing_key_new_needs_no_configuration_at_all(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["HOME"] = str(tmp_path)  # not even a default data directory
    env.pop("XDG_DATA_HOME", None)
    result = subprocess.run(
        [sys.executable, "-m", "pishkhan", "sealing_key_new"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    from pishkhan.common.sealing import key_valid

    assert key_valid(result.stdout.strip())


def test_a_site_url_that_is_not_a_scheme_and_host_stops_with_a_clear_message(tmp_path):
    env = {**PRODUCTION_ENV, "PISHKHAN_SITE_URL": "pishkhan.example.ir/rate"}
    result = _pishkhan("check", env_extra=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "PISHKHAN_SITE_URL must be the site's scheme and host" in result.stderr
