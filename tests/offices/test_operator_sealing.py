"""An operator's national ID (or company ID) and mobile: sealed, keyed and masked, never in clear."""

from __future__ import annotations

from django.db import connection

from pishkhan.audit.models import AuditEntry
from pishkhan.common import sealing
from pishkhan.offices.models import Operator, operator_key
from pishkhan.offices.selectors import operator_mobile
from pishkhan.offices.services import office_update, operators_reseal
from tests.offices.factories import make_office, operator_draft

KEY_A = "dGVzdC1vbmx5LXNlYWxpbmcta2V5LTMyLWJ5dGVzLSE="
KEY_B = sealing.key_new()


def _row_text(operator: Operator) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM offices_operator WHERE id = %s", [operator.pk])
        return " ".join(str(value) for value in cursor.fetchone())


def test_a_registered_operator_is_stored_sealed_keyed_and_masked(geo_loaded):
    draft = operator_draft(3)
    office = make_office(3, operator=draft)
    operator = Operator.objects.get(office=office)
    stored = _row_text(operator)
    assert draft.national_id not in stored
    assert draft.mobile not in stored
    assert (operator.national_id, operator.company_id, operator.mobile) == (
        draft.national_id,
        "",
        draft.mobile,
    )
    assert operator.identifier_key == operator_key("person", draft.national_id)
    assert operator.identifier_masked == draft.national_id[:3] + "*****" + draft.national_id[-2:]
    assert operator.mobile_masked == draft.mobile[:4] + "***" + draft.mobile[-4:]
    assert operator_mobile(office_id=office.pk) == draft.mobile


def test_a_company_operator_shows_its_id_masked(geo_loaded):
    office = make_office(
        4, operator=operator_draft(4, kind="company", national_id="", company_id="10380284790")
    )
    operator = Operator.objects.get(office=office)
    assert (operator.company_id, operator.national_id) == ("10380284790", "")
    assert operator.identifier_masked == "103******90"
    assert "10380284790" not in _row_text(operator)


def test_changing_only_the_mobile_updates_it_and_audits_masked_ids(geo_loaded):
    office = make_office(5, operator=operator_draft(5))
    before = Operator.objects.get(office=office).identifier_sealed
    office_update(office=office, operator=operator_draft(5, mobile="09127778888"), actor=None, reason="x")
    operator = Operator.objects.get(office=office)
    assert operator.mobile == "09127778888"
    assert operator.mobile_masked == "0912***8888"
    entry = AuditEntry.objects.filter(action="office.update").latest("seq")
    assert "09127778888" not in str(entry.before) + str(entry.after)
    assert operator.identifier_sealed != before  # stored freshly sealed; the same ID within
    assert operator.national_id == operator_draft(5).national_id


def test_an_unchanged_operator_is_not_rewritten(geo_loaded):
    office = make_office(6, operator=operator_draft(6))
    before = Operator.objects.get(office=office).mobile_sealed
    office_update(office=office, operator=operator_draft(6), actor=None, reason="x")
    assert Operator.objects.get(office=office).mobile_sealed == before


def test_rotation_reseals_operators_so_the_old_key_can_go(geo_loaded, settings):
    settings.PISHKHAN_SEALING_KEYS = [KEY_A]
    office = make_office(7, operator=operator_draft(7))
    settings.PISHKHAN_SEALING_KEYS = [KEY_B, KEY_A]
    assert operators_reseal(chunk=1) == Operator.objects.count()
    settings.PISHKHAN_SEALING_KEYS = [KEY_B]
    operator = Operator.objects.get(office=office)
    assert (operator.national_id, operator.mobile) == (
        operator_draft(7).national_id,
        operator_draft(7).mobile,
    )
    assert AuditEntry.objects.filter(action="offices.operators_resealed").exists()
