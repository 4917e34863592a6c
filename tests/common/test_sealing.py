"""Sealing small secrets at rest: round trips, tampering, key rotation."""

import pytest
from cryptography.fernet import Fernet

from pishkhan.common import sealing

KEY_A = "dGVzdC1vbmx5LXNlYWxpbmcta2V5LTMyLWJ5dGVzLSE="
KEY_B = sealing.key_new()


def test_a_sealed_text_opens_to_itself_and_does_not_show_it():
    token = sealing.seal("0012345679")
    assert "0012345679" not in token
    assert sealing.unseal(token) == "0012345679"


def test_json_values_round_trip():
    value = {"national_id": "0012345679", "mobile": "09121234567", "نام": "علی"}
    assert sealing.unseal_json(sealing.seal_json(value)) == value


def test_an_altered_token_is_refused_not_misread():
    token = sealing.seal("0012345679")
    altered = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    with pytest.raises(sealing.UnsealError):
        sealing.unseal(altered)


def test_rotation_new_key_first_old_tokens_still_open_and_reseal_moves_them(settings):
    settings.PISHKHAN_SEALING_KEYS = [KEY_A]
    old = sealing.seal("secret")
    settings.PISHKHAN_SEALING_KEYS = [KEY_B, KEY_A]
    assert sealing.unseal(old) == "secret"
    moved = sealing.reseal(old)
    settings.PISHKHAN_SEALING_KEYS = [KEY_B]
    assert sealing.unseal(moved) == "secret"
    with pytest.raises(sealing.UnsealError):
        sealing.unseal(old)


@pytest.mark.parametrize(("key", "valid"), [(KEY_A, True), ("short", False), ("!" * 44, False)])
def test_keys_are_checked_for_shape(key, valid):
    assert sealing.key_valid(key) is valid


def test_a_token_is_aes_gcm_with_a_fresh_nonce_each_time():
    first, second = sealing.seal("0012345679"), sealing.seal("0012345679")
    assert first.startswith(sealing.PREFIX)
    assert second.startswith(sealing.PREFIX)
    assert first != second  # a new nonce per seal: equal texts do not show as equal tokens


def test_a_fernet_token_sealed_before_v2_still_opens_and_reseal_moves_it(settings):
    settings.PISHKHAN_SEALING_KEYS = [KEY_A]
    before = Fernet(KEY_A.encode()).encrypt(b"09121234567").decode()

    assert sealing.unseal(before) == "09121234567"
    moved = sealing.reseal(before)
    assert moved.startswith(sealing.PREFIX)
    assert sealing.unseal(moved) == "09121234567"
    settings.PISHKHAN_SEALING_KEYS = [KEY_B]
    with pytest.raises(sealing.UnsealError):
        sealing.unseal(before)


@pytest.mark.parametrize("token", ["v2:", "v2:AAAA", "v2:not base64!", "gAAAAAnot-a-token"])
def test_a_malformed_token_is_refused(token):
    with pytest.raises(sealing.UnsealError):
        sealing.unseal(token)
