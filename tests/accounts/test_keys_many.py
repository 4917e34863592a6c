"""Keys issued to many offices at once: each code checked, each key audited, none shown."""

import pytest

from pishkhan.accounts import jurisdictions
from pishkhan.accounts.models import ApiKey
from pishkhan.accounts.selectors import apikey_exists_for_office
from pishkhan.accounts.services import _prefixes_free, apikeys_create_many
from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ValidationError

pytestmark = pytest.mark.django_db

OFFICES = {"P23-0001", "P23-0002", "R10-0001"}


@pytest.fixture(autouse=True)
def three_offices(jurisdictions_standing_in):
    """The registry (a layer above) knows three offices (after the accounts tests' stand-ins)."""
    jurisdictions.resolver_register("office", lambda codes: set(codes) & OFFICES, replace=True)


def test_many_offices_get_a_key_each_audited():
    count = apikeys_create_many(
        holder_kind="office",
        holder_codes=["P23-0001", "P۲۳-۰۰۰۲"],
        name="equipped",
        actor="demo",
    )

    assert count == 2
    assert set(ApiKey.objects.values_list("holder_code", "name")) == {
        ("P23-0001", "equipped"),
        ("P23-0002", "equipped"),
    }
    assert apikey_exists_for_office(office_code="P23-0002")
    assert not apikey_exists_for_office(office_code="R10-0001")
    assert AuditEntry.objects.filter(action="apikey.create", actor_label="demo").count() == 2


def test_one_unknown_office_refuses_the_whole_batch():
    with pytest.raises(ValidationError) as refused:
        apikeys_create_many(holder_kind="office", holder_codes=["P23-0001", "P99-0009"], actor="demo")

    assert "holder_codes" in refused.value.fields
    assert not ApiKey.objects.exists()


def test_keys_for_users_are_not_issued_in_bulk():
    with pytest.raises(ValidationError) as refused:
        apikeys_create_many(holder_kind="user", holder_codes=["someone"], actor="demo")

    assert "holder_kind" in refused.value.fields


def test_prefixes_drawn_for_a_batch_differ_and_none_is_taken():
    # given keys already stored (their prefixes taken)
    apikeys_create_many(holder_kind="office", holder_codes=sorted(OFFICES), actor="demo")
    taken = set(ApiKey.objects.values_list("prefix", flat=True))

    # when prefixes for a batch larger than the demo's are drawn (two alike among 20,000 draws of
    # 8 hex digits happen in about one run of twenty)
    drawn = _prefixes_free(20_000)

    # then they are all distinct, well formed and free
    assert len(drawn) == len(set(drawn)) == 20_000
    assert all(len(prefix) == 8 and int(prefix, 16) >= 0 for prefix in drawn)
    assert not taken & set(drawn)
