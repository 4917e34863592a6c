import hashlib
import hmac

import pytest

from pishkhan.gateway.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureRefused,
    signature,
    signature_verify,
    signed_headers,
)

SECRET = "shared-secret-of-the-agency-0123456789"
NOW = 1_750_000_000.0


def test_signature_is_hex_hmac_sha256_over_timestamp_dot_body():
    body = '{"a":"ب"}'.encode()

    signed = signature(secret=SECRET, timestamp="1750000000", body=body)

    expected = hmac.new(SECRET.encode(), b"1750000000." + body, hashlib.sha256).hexdigest()
    assert signed == expected
    assert len(signed) == 64


def test_signed_headers_verify_round_trip():
    body = b'{"request_id":"x1"}'
    headers = signed_headers(secret=SECRET, body=body, now=NOW)

    signature_verify(
        secret=SECRET,
        timestamp=headers[TIMESTAMP_HEADER],
        given=headers[SIGNATURE_HEADER],
        body=body,
        now=NOW + 10,
    )

    assert headers[TIMESTAMP_HEADER] == "1750000000"


@pytest.mark.parametrize(
    ("body", "secret", "timestamp_shift", "message"),
    [
        (b'{"request_id":"x2"}', SECRET, 0, "does not match"),  # body changed
        (b'{"request_id":"x1"}', "another-secret-of-some-other-agency-000", 0, "does not match"),
        (b'{"request_id":"x1"}', SECRET, 1, "does not match"),  # timestamp changed, signature kept
    ],
)
def test_tampering_is_refused(body, secret, timestamp_shift, message):
    headers = signed_headers(secret=SECRET, body=b'{"request_id":"x1"}', now=NOW)
    timestamp = str(int(headers[TIMESTAMP_HEADER]) + timestamp_shift)

    with pytest.raises(SignatureRefused, match=message):
        signature_verify(
            secret=secret, timestamp=timestamp, given=headers[SIGNATURE_HEADER], body=body, now=NOW
        )


@pytest.mark.parametrize(("age", "message"), [(301, "too old"), (-31, "in the future")])
def test_stale_or_future_timestamps_are_refused_even_when_signed(age, message):
    body = b"{}"
    headers = signed_headers(secret=SECRET, body=body, now=NOW - age)

    with pytest.raises(SignatureRefused, match=message):
        signature_verify(
            secret=SECRET,
            timestamp=headers[TIMESTAMP_HEADER],
            given=headers[SIGNATURE_HEADER],
            body=body,
            now=NOW,
        )


@pytest.mark.parametrize(
    ("timestamp", "given"), [(None, "ab"), ("1750000000", None), ("-5", "ab"), ("1e9", "ab"), ("۱۷۵۰", "ab")]
)
def test_missing_or_malformed_headers_are_refused(timestamp, given):
    with pytest.raises(SignatureRefused):
        signature_verify(secret=SECRET, timestamp=timestamp, given=given, body=b"{}", now=NOW)


def test_a_non_ascii_signature_is_refused_not_crashed():
    with pytest.raises(SignatureRefused, match="does not match"):
        signature_verify(secret=SECRET, timestamp="1750000000", given="ش" * 64, body=b"{}", now=NOW)
