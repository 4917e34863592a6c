"""Links to the site's pages from text messages: absolute when the site's address is set."""

import pytest

from pishkhan.common.links import site_link


def test_a_link_is_absolute_when_the_sites_address_is_set(settings):
    settings.PISHKHAN_SITE_URL = "https://pishkhan.example.ir"
    assert site_link("/rate/?code=ABC") == "https://pishkhan.example.ir/rate/?code=ABC"


def test_a_link_is_the_path_alone_without_an_address(settings):
    settings.PISHKHAN_SITE_URL = ""
    assert site_link("/rate/") == "/rate/"


def test_a_path_that_is_not_the_sites_is_refused(settings):
    with pytest.raises(ValueError, match="starts with '/'"):
        site_link("https://elsewhere.example/")
