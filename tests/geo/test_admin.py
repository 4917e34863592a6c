"""The geo admin: staff can browse and search the geography but not change it."""

import pytest

from pishkhan.geo.models import Place


@pytest.mark.parametrize("model", ["province", "county", "district", "place"])
def test_admin_lists_and_searches_each_table(geo_loaded, admin_client, model):
    response = admin_client.get(f"/admin/geo/{model}/", {"q": "تهران"})

    assert response.status_code == 200
    assert "تهران" in response.content.decode()


@pytest.mark.parametrize("model", ["province", "county", "district", "place"])
def test_admin_cannot_add_geography(geo_loaded, admin_client, model):
    assert admin_client.get(f"/admin/geo/{model}/add/").status_code == 403


def test_admin_shows_a_place_read_only(geo_loaded, admin_client):
    tehran = Place.objects.get(city_code="1576")

    response = admin_client.get(f"/admin/geo/place/{tehran.pk}/change/")

    assert response.status_code == 200
    assert 'name="name_fa"' not in response.content.decode()  # no input: read-only
    assert admin_client.post(f"/admin/geo/place/{tehran.pk}/delete/").status_code == 403
