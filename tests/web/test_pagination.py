"""The one pager of every list: previous / next, first and last, a window of page numbers and a jump
box, each keeping the list's other query parameters; Persian digits on Persian pages."""

import re
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

import pishkhan
from pishkhan.accounts.roles import Role
from tests.accounts.factories import UserFactory


def _pager(url: str, number: int, *, rows: int = 2600, language: str = "en") -> str:
    request = RequestFactory().get(url)
    page = Paginator(range(rows), 10).get_page(number)
    with translation.override(language):
        return Template('{% include "web/_pager.html" %}').render(Context({"request": request, "page": page}))


def _links(html: str) -> list[str]:
    return re.findall(r'class="pager__page" href="\?([^"]+)"', html)


def test_the_pager_offers_first_last_and_a_window_around_the_current_page():
    html = _pager("/offices/?province=23&page=130", 130)

    assert _links(html) == [f"province=23&amp;page={n}" for n in (1, 128, 129, 130, 131, 132, 260)]
    assert html.count('class="pager__gap"') == 2
    assert 'href="?province=23&amp;page=130" aria-current="page">130<' in html
    assert 'rel="prev" href="?province=23&amp;page=129"' in html
    assert 'rel="next" href="?province=23&amp;page=131"' in html


def test_the_first_page_has_no_previous_and_the_last_no_next():
    first = _pager("/offices/", 1)
    last = _pager("/offices/?page=260", 260)

    assert 'rel="prev"' not in first
    assert 'rel="next" href="?page=2"' in first
    assert 'rel="next"' not in last
    assert 'rel="prev" href="?page=259"' in last


def test_the_jump_box_keeps_every_other_parameter_and_asks_for_a_page():
    html = _pager("/transactions/?service=a.b&status=completed&status=failed&page=3", 3)

    jump = re.search(r'<form class="pager__jump" method="get">(.*?)</form>', html, re.S).group(1)
    assert re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)">', jump) == [
        ("service", "a.b"),
        ("status", "completed"),
        ("status", "failed"),
    ]
    assert 'name="page" type="text" inputmode="numeric"' in jump
    assert "?service=a.b&amp;status=completed&amp;status=failed&amp;page=4" in html


def test_a_single_page_shows_no_pager():
    assert _pager("/offices/", 1, rows=10).strip() == ""


def test_persian_pages_number_the_pages_in_persian_digits_and_keep_latin_urls():
    html = _pager("/offices/?page=12", 12, language="fa")

    assert 'href="?page=12" aria-current="page">۱۲<' in html
    assert re.search(r'class="pager__status">[^<0-9]*۱۲[^<0-9]*۲۶۰[^<0-9]*<', html)
    assert re.search(r"<span class=\"visually-hidden\">[^<]+</span>۲۶۰</a>", html)


def test_every_paginated_list_uses_the_one_pager():
    root = Path(pishkhan.__file__).parent
    # A page's template (partials start with "_") that lists a page of rows.
    pages = [path for path in root.glob("*/templates/**/*.html") if not path.name.startswith("_")]
    listing = [path for path in pages if "page.object_list" in path.read_text()]
    hand_made = [path.name for path in listing if "has_next" in path.read_text()]
    without = [path.name for path in listing if 'include "web/_pager.html"' not in path.read_text()]

    assert len(listing) >= 10
    assert hand_made == []
    assert without == []


LISTS = [
    "/services/",
    "/offices/",
    "/offices/conversions/",
    "/licensing/",
    "/licensing/applications/",
    "/transactions/",
    "/supervision/inactive-licences/",
    "/supervision/campaigns/",
    "/supervision/complaints/",
    "/supervision/alerts/",
    "/supervision/sanctions/",
    "/supervision/scores/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
def test_a_page_number_alone_is_no_filter_every_list_answers_it(client, geo_loaded, url):
    # The first page's links carry only ?page= when the list was opened from the menu.
    client.force_login(UserFactory(role=Role.REGULATOR))

    assert client.get(url, {"page": "2"}).status_code == 200
