"""Settings for the test suite: the production settings with test defaults for the environment.

A variable set in the real environment still wins, which is how CI runs the same suite on
PostgreSQL (``DATABASE_URL=postgresql://...``).
"""

import tempfile

from pishkhan.config import env

env.use_profile_defaults(
    {
        "PISHKHAN_SECRET_KEY": "test-only-secret-key-that-is-long-enough-for-django-checks-0123456789",
        "PISHKHAN_DATA_DIR": tempfile.mkdtemp(prefix="pishkhan-test-"),
        "PISHKHAN_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "PISHKHAN_HTTPS": "0",
        "PISHKHAN_DEMO": "0",
        "PISHKHAN_SEALING_KEYS": "dGVzdC1vbmx5LXNlYWxpbmcta2V5LTMyLWJ5dGVzLSE=",
        "PISHKHAN_AUDIT_KEYS": "dGVzdC1vbmx5LWF1ZGl0LWNoYWluLWtleS0zMmJ5dGU=",
    }
)

from pishkhan.config.settings.base import *  # noqa: E402,F403

# Hashing passwords slowly is the point in production and only slows tests down.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests sign in and send keys from one address by the hundred (fuzzing the API among them): the
# per-address limits are the tests' own business there (tests/accounts/test_throttle.py lowers them).
PISHKHAN_LOGIN_ADDRESS_FAILURES = 10_000
PISHKHAN_APIKEY_ADDRESS_FAILURES = 10_000
