"""The outbox: a message enqueued once under its key, sent once, retried with backoff, given up,
withheld from a mobile that opted out unless essential; templates validated as data."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from pishkhan.common.errors import ValidationError
from pishkhan.notifications.models import Message, MessageStatus, MessageTemplate, OptOut
from pishkhan.notifications.segments import sms_parts
from pishkhan.notifications.services import (
    ATTEMPTS_MAX,
    code_redeem,
    code_send,
    message_enqueue,
    messages_send_due,
    optout_code_send,
    optout_confirm,
)
from tests.notifications import providers

MOBILE = "09121234567"
pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_log(settings, tmp_path):
    settings.PISHKHAN_SMS_BACKEND = "log"
    settings.PISHKHAN_DATA_DIR = tmp_path
    return tmp_path / "sms.log"


def _lines(path):
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )


def test_a_second_enqueue_of_the_same_key_is_a_no_op():
    first = message_enqueue(
        key="txn:1:received", mobile=MOBILE, template="txn_received", params={"code": "1"}
    )
    again = message_enqueue(key="txn:1:received", mobile="09351112222", template="txn_received")

    assert (first, again) == (True, False)
    message = Message.objects.get()
    assert message.mobile_masked == "0912***4567"
    assert MOBILE not in message.mobile_sealed  # sealed at rest


def test_a_message_enqueued_in_a_transaction_that_rolls_back_is_not_there():
    def change_that_fails():
        with transaction.atomic():
            message_enqueue(key="txn:2:received", mobile=MOBILE, template="txn_received")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert not Message.objects.exists()


def test_a_bad_mobile_is_refused():
    with pytest.raises(ValidationError):
        message_enqueue(key="k", mobile="12345", template="txn_received")


def test_the_job_renders_the_template_sends_once_and_erases_the_mobile(sms_log):
    message_enqueue(
        key="txn:3:received",
        mobile=MOBILE,
        template="txn_received",
        params={"service": "گذرنامه", "code": "123"},
    )

    assert messages_send_due(now=timezone.now()) == 1
    assert messages_send_due(now=timezone.now()) == 0

    [line] = _lines(sms_log)
    assert line["key"] == "txn:3:received"
    assert line["text"] == "پیشخوان: درخواست «گذرنامه» ثبت شد. کد رهگیری: 123"
    message = Message.objects.get()
    assert (message.status, message.mobile_sealed, message.attempts) == (MessageStatus.SENT, "", 1)
    assert message.text == line["text"]


def test_a_message_in_english_uses_the_english_template(sms_log):
    message_enqueue(key="k:en", mobile=MOBILE, template="txn_submitted", params={"code": "9"}, language="en")

    messages_send_due(now=timezone.now())

    assert _lines(sms_log)[0]["text"] == "Pishkhan: request 9 was sent to the agency."


def test_a_refusing_provider_is_retried_with_growing_waits_then_given_up(settings):
    settings.PISHKHAN_SMS_BACKEND = "tests.notifications.providers.RefusingBackend"
    providers.REFUSED.clear()
    message_enqueue(key="k:retry", mobile=MOBILE, template="txn_received")
    now = timezone.now()

    waits = []
    for _ in range(ATTEMPTS_MAX):
        assert messages_send_due(now=now) == 0
        message = Message.objects.get()
        if message.status == MessageStatus.PENDING:
            waits.append(message.due_at - now)
            assert messages_send_due(now=now) == 0  # not due again before its wait
            now = message.due_at

    message = Message.objects.get()
    assert message.status == MessageStatus.DEAD
    assert message.attempts == ATTEMPTS_MAX
    assert message.mobile_sealed == ""
    assert "503" in message.last_error
    assert providers.REFUSED == ["k:retry"] * ATTEMPTS_MAX
    assert waits[0] == dt.timedelta(minutes=1)
    capped = [wait for wait in waits if wait < dt.timedelta(hours=2)]
    assert all(later == 2 * earlier for earlier, later in itertools.pairwise(capped))
    assert len(waits) == ATTEMPTS_MAX - 1


def test_a_claimed_message_is_not_claimed_again_until_its_lease_runs_out(sms_log, settings):
    settings.PISHKHAN_SMS_LEASE_SECONDS = 60
    message_enqueue(key="k:lease", mobile=MOBILE, template="txn_received")
    now = timezone.now()
    Message.objects.update(leased_until=now + dt.timedelta(seconds=60))  # a worker holds it

    assert messages_send_due(now=now) == 0
    assert messages_send_due(now=now + dt.timedelta(seconds=61)) == 1


def _opt_out(mobile):
    request = optout_code_send(mobile=mobile)
    message = Message.objects.get(key=f"code:{request.pk}")
    code = message.params["code"]
    assert optout_confirm(mobile=mobile, code=code) is True


def test_an_opted_out_mobile_gets_essential_messages_only(sms_log):
    _opt_out(MOBILE)
    message_enqueue(key="k:status", mobile=MOBILE, template="txn_received", params={"code": "1"})
    message_enqueue(key="k:legal", mobile=MOBILE, template="licence_suspended", params={"number": "L1"})
    message_enqueue(key="k:other", mobile="09351112222", template="txn_received", params={"code": "2"})

    messages_send_due(now=timezone.now())

    code_key = Message.objects.get(template="code").key
    assert sorted(line["key"] for line in _lines(sms_log)) == sorted([code_key, "k:legal", "k:other"])
    assert Message.objects.get(key="k:status").status == MessageStatus.WITHHELD
    assert Message.objects.get(key="k:status").mobile_sealed == ""


def test_an_opt_out_needs_the_code_texted_to_the_mobile():
    request = optout_code_send(mobile=MOBILE)
    code = Message.objects.get(key=f"code:{request.pk}").params["code"]

    with pytest.raises(ValidationError) as refused:
        optout_confirm(mobile=MOBILE, code="111111" if code != "111111" else "222222")
    assert "code" in refused.value.fields
    with pytest.raises(ValidationError):
        optout_confirm(mobile="09351112222", code=code)  # another mobile has no code
    assert not OptOut.objects.exists()


def test_a_code_allows_a_few_tries_only():
    request = optout_code_send(mobile=MOBILE)
    code = Message.objects.get(key=f"code:{request.pk}").params["code"]
    wrong = "111111" if code != "111111" else "222222"
    for _ in range(5):
        with pytest.raises(ValidationError):
            optout_confirm(mobile=MOBILE, code=wrong)

    with pytest.raises(ValidationError):
        optout_confirm(mobile=MOBILE, code=code)  # even the right one, now
    assert not OptOut.objects.exists()


def test_opting_in_again_lifts_the_opt_out():
    _opt_out(MOBILE)
    request = optout_code_send(mobile=MOBILE, opt_in=True)
    code = Message.objects.get(key=f"code:{request.pk}").params["code"]

    assert optout_confirm(mobile=MOBILE, code=code) is False
    assert not OptOut.objects.exists()


def test_every_seeded_template_is_valid_in_both_languages():
    templates = list(MessageTemplate.objects.all())
    codes = {t.code for t in templates}

    assert {"txn_received", "txn_completed", "licence_renewal", "code"} <= codes
    for template in templates:
        template.full_clean()
    assert {(t.code, t.language) for t in templates} == {(c, lang) for c in codes for lang in ("fa", "en")}


def test_a_template_with_an_unknown_placeholder_is_refused():
    template = MessageTemplate.objects.get(code="txn_received", language="fa")
    template.body = "کد {code} برای {citizen}"

    with pytest.raises(DjangoValidationError, match="citizen"):
        template.full_clean()


def test_a_template_too_long_for_three_sms_parts_is_refused():
    template = MessageTemplate.objects.get(code="txn_received", language="fa")
    template.body = "پ" * 202

    with pytest.raises(DjangoValidationError, match="4 SMS parts"):
        template.full_clean()


def test_sms_parts_count_persian_as_ucs2_and_latin_as_gsm():
    assert [sms_parts("پ" * n) for n in (70, 71, 134, 135)] == [1, 2, 2, 3]
    assert [sms_parts("a" * n) for n in (160, 161, 306, 307)] == [1, 2, 2, 3]


def test_a_code_proves_its_purpose_and_subject_only():
    sent = code_send(purpose="booking", subject="0012345679:" + MOBILE, mobile=MOBILE)
    code = Message.objects.get(key=f"code:{sent.pk}").params["code"]

    with pytest.raises(ValidationError):
        code_redeem(purpose="reset", subject="0012345679:" + MOBILE, code=code)  # another purpose
    with pytest.raises(ValidationError):
        code_redeem(purpose="booking", subject="0012345680:" + MOBILE, code=code)  # another subject
    used = code_redeem(purpose="booking", subject="0012345679:" + MOBILE, code=code)

    assert used.pk == sent.pk
    assert used.used_at is not None
    with pytest.raises(ValidationError):
        code_redeem(purpose="booking", subject="0012345679:" + MOBILE, code=code)  # once only


def test_a_code_expires_and_its_subject_is_not_kept_in_clear():
    now = timezone.now()
    sent = code_send(purpose="booking", subject=MOBILE, mobile=MOBILE, now=now)
    code = Message.objects.get(key=f"code:{sent.pk}").params["code"]

    assert MOBILE not in sent.subject_key
    assert code not in sent.code_hash
    with pytest.raises(ValidationError):
        code_redeem(purpose="booking", subject=MOBILE, code=code, now=now + dt.timedelta(minutes=11))


def test_a_subject_is_sent_a_few_codes_an_hour_only():
    now = timezone.now()
    for _ in range(5):
        code_send(purpose="reset", subject="user:7", mobile=MOBILE, now=now)

    with pytest.raises(ValidationError):
        code_send(purpose="reset", subject="user:7", mobile=MOBILE, now=now)
    assert Message.objects.filter(template="code").count() == 5
    code_send(purpose="reset", subject="user:7", mobile=MOBILE, now=now + dt.timedelta(minutes=61))


def test_a_round_reads_and_writes_its_batch_in_a_few_statements(sms_log, django_assert_max_num_queries):
    for number in range(40):
        message_enqueue(key=f"k:batch:{number}", mobile=f"0912{number:07d}", template="txn_received")
    _opt_out("09120000007")  # one of them opted out: withheld, in the same round
    Message.objects.filter(template="code").update(status=MessageStatus.SENT)

    with django_assert_max_num_queries(12):
        sent = messages_send_due(now=timezone.now())

    assert sent == 39
    assert Message.objects.get(key="k:batch:7").status == MessageStatus.WITHHELD
    assert sorted(line["key"] for line in _lines(sms_log)) == sorted(
        f"k:batch:{number}" for number in range(40) if number != 7
    )
    assert not Message.objects.filter(key__startswith="k:batch:").exclude(mobile_sealed="").exists()
