"""The only reader of the environment: every setting that may differ between installations.

Production is the default. Demo mode (``PISHKHAN_DEMO=1``, set by ``pishkhan up``) and debug mode relax
exactly what a laptop needs (a generated secret key, plain HTTP on localhost) and nothing else. A data
directory that ``pishkhan up`` made in demo mode holds a marker (``DEMO_MARKER``), so that every
command run on it later is in demo mode too without ``PISHKHAN_DEMO=1``; the variable, when set, wins.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from pishkhan.common import sealing

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# The file `pishkhan up` leaves in a data directory it prepared in demo mode.
DEMO_MARKER = "demo-mode"

# A settings profile (the test settings) may supply defaults that the real environment still overrides.
_profile_defaults: dict[str, str] = {}


def use_profile_defaults(defaults: dict[str, str]) -> None:
    """Install defaults for variables the environment does not set (used by the test settings)."""
    _profile_defaults.update(defaults)


def _get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None:
        value = _profile_defaults.get(name, default)
    return value


def _flag(name: str, default: bool) -> bool:
    raw = _get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def _int(name: str, default: int) -> int:
    raw = _get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}.") from None


def _list(name: str, default: list[str]) -> list[str]:
    raw = _get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def use_throwaway_defaults() -> None:
    """Let a run that reads and writes no data (``pishkhan help``) start without any configuration:
    a secret and a sealing key made up for this process only (never written), this machine's name.

    Variables that are set still win, so a configured installation shows its own help.
    """
    use_profile_defaults(
        {
            "PISHKHAN_SECRET_KEY": secrets.token_urlsafe(64),
            "PISHKHAN_SEALING_KEYS": sealing.key_new(),
            "PISHKHAN_AUDIT_KEYS": sealing.key_new(),
            "PISHKHAN_ALLOWED_HOSTS": "localhost",
        }
    )


def default_data_dir() -> Path:
    """Where Pishkhan keeps its SQLite database, generated secret and logs when not told otherwise."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "pishkhan"


@dataclass(frozen=True)
class Env:
    """The installation's configuration, read once at start-up."""

    debug: bool
    demo: bool
    data_dir: Path
    media_dir: Path
    secret_key: str
    database_url: str | None
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    https: bool
    behind_proxy: bool
    hsts_seconds: int
    log_level: str
    sms_backend: str
    sms_lease_seconds: int
    identity_backend: str
    sealing_keys: list[str]
    audit_keys: list[str]
    audit_checkpoint_file: Path
    site_url: str

    @property
    def relaxed(self) -> bool:
        """Demo and debug runs serve plain HTTP on this machine; production never does."""
        return self.debug or self.demo


def _secret_key(data_dir: Path, relaxed: bool) -> str:
    key = _get("PISHKHAN_SECRET_KEY")
    if key:
        return key
    if not relaxed:
        raise ImproperlyConfigured(
            "PISHKHAN_SECRET_KEY is not set. Production needs a long random secret, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`; "
            "for a local demo run `pishkhan up` (demo mode) instead."
        )
    # Demo and debug runs keep one generated key per data directory, so sessions survive restarts.
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _keys(name: str, file_name: str, data_dir: Path, relaxed: bool, missing: str) -> list[str]:
    """A list of 32-byte keys from ``name`` (the first one in use, every one accepted, so keys can be
    rotated); in demo and debug runs one generated key per data directory, kept in ``file_name``."""
    keys = _list(name, default=[])
    bad = [index + 1 for index, key in enumerate(keys) if not sealing.key_valid(key)]
    if bad:
        raise ImproperlyConfigured(
            f"{name}: key number {bad[0]} is not 32 bytes of URL-safe base64. Make one with "
            "`pishkhan sealing_key_new`."
        )
    if keys:
        return keys
    if not relaxed:
        raise ImproperlyConfigured(missing)
    path = data_dir / file_name
    if path.exists():
        return [path.read_text().strip()]
    data_dir.mkdir(parents=True, exist_ok=True)
    key = sealing.key_new()
    path.write_text(key)
    path.chmod(0o600)
    return [key]


def _sealing_keys(data_dir: Path, relaxed: bool) -> list[str]:
    """The keys that seal data at rest: the first seals, every one unseals."""
    return _keys(
        "PISHKHAN_SEALING_KEYS",
        "sealing_key",
        data_dir,
        relaxed,
        "PISHKHAN_SEALING_KEYS is not set. Production needs a key, kept outside the database, to "
        "encrypt citizens' identifiers and agencies' secrets at rest; make one with "
        "`pishkhan sealing_key_new` (several keys, comma-separated: the first seals, all unseal).",
    )


def _audit_keys(data_dir: Path, relaxed: bool) -> list[str]:
    """The keys that sign the audit chain (ADR 0011): the first signs new entries, every one verifies."""
    return _keys(
        "PISHKHAN_AUDIT_KEYS",
        "audit_key",
        data_dir,
        relaxed,
        "PISHKHAN_AUDIT_KEYS is not set. Production needs a key, kept outside the database, that signs "
        "the audit log so that whoever can write the database cannot rewrite it; make one with "
        "`pishkhan sealing_key_new` (several keys, comma-separated: the first signs, all verify).",
    )


_SITE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def _site_url() -> str:
    """The address citizens reach this site at, for the links in text messages; "" if not set (links
    are then the path alone, as in a demo on this machine)."""
    url = (_get("PISHKHAN_SITE_URL") or "").rstrip("/")
    if url and not _SITE_URL.fullmatch(url):
        raise ImproperlyConfigured(
            f"PISHKHAN_SITE_URL must be the site's scheme and host, like https://pishkhan.example.ir, "
            f"not {url!r}."
        )
    return url


def read() -> Env:
    """Read and check the whole configuration; a wrong value stops start-up with a clear message."""
    debug = _flag("PISHKHAN_DEBUG", default=False)
    data_dir = Path(_get("PISHKHAN_DATA_DIR") or default_data_dir()).expanduser().resolve()
    demo = _flag("PISHKHAN_DEMO", default=(data_dir / DEMO_MARKER).is_file())
    relaxed = debug or demo
    local_hosts = ["127.0.0.1", "localhost", "[::1]"]
    allowed_hosts = _list("PISHKHAN_ALLOWED_HOSTS", default=local_hosts if relaxed else [])
    if not allowed_hosts:
        raise ImproperlyConfigured(
            "PISHKHAN_ALLOWED_HOSTS is not set: give the host names this server answers to, "
            "separated by commas (e.g. pishkhan.example.ir)."
        )
    https = _flag("PISHKHAN_HTTPS", default=not relaxed)
    return Env(
        debug=debug,
        demo=demo,
        data_dir=data_dir,
        # Uploaded files (applicants' documents, inspection photos): never under a URL of their own.
        media_dir=Path(_get("PISHKHAN_MEDIA_DIR") or data_dir / "media").expanduser().resolve(),
        secret_key=_secret_key(data_dir, relaxed),
        database_url=_get("DATABASE_URL") or None,
        allowed_hosts=allowed_hosts,
        csrf_trusted_origins=_list("PISHKHAN_CSRF_TRUSTED_ORIGINS", default=[]),
        https=https,
        behind_proxy=_flag("PISHKHAN_BEHIND_PROXY", default=False),
        hsts_seconds=_int("PISHKHAN_HSTS_SECONDS", default=31_536_000 if https else 0),
        log_level=(_get("PISHKHAN_LOG_LEVEL") or "INFO").upper(),
        sms_backend=_get("PISHKHAN_SMS_BACKEND") or "log",
        # How long a worker holds the messages it claimed before another may claim them again.
        sms_lease_seconds=_int("PISHKHAN_SMS_LEASE_SECONDS", default=60),
        # The identity check behind sign-up (accounts/identity.py); the sandbox unless a registry's.
        identity_backend=_get("PISHKHAN_IDENTITY_BACKEND")
        or "pishkhan.accounts.identity.SandboxIdentityCheck",
        sealing_keys=_sealing_keys(data_dir, relaxed),
        audit_keys=_audit_keys(data_dir, relaxed),
        audit_checkpoint_file=Path(
            _get("PISHKHAN_AUDIT_CHECKPOINT_FILE") or data_dir / "audit-checkpoints.jsonl"
        )
        .expanduser()
        .resolve(),
        site_url=_site_url(),
    )
