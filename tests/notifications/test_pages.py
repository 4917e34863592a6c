"""The public opt-out page: a code texted to the mobile, then confirmed."""

from __future__ import annotations

import pytest

from pishkhan.notifications.models import Message, OptOut

pytestmark = pytest.mark.django_db
MOBILE = "09121234567"


def test_a_citizen_opts_out_with_the_code_texted_to_the_mobile(client):
    asked = client.post("/messages/opt-out/", {"mobile": MOBILE})
    code = Message.objects.get(template="code").params["code"]
    wrong = client.post("/messages/opt-out/", {"mobile": MOBILE, "code": "x" + code[1:]})
    confirmed = client.post("/messages/opt-out/", {"mobile": MOBILE, "code": code})

    assert asked.status_code == 200
    assert 'id="outcome"' in asked.content.decode()
    assert wrong.status_code == 422
    assert confirmed.status_code == 200
    assert OptOut.objects.count() == 1


def test_a_bad_mobile_is_a_form_error(client):
    answer = client.post("/messages/opt-out/", {"mobile": "123"})

    assert answer.status_code == 422
    assert not Message.objects.exists()
