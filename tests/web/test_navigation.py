"""The header: menu per principal, sign-in / sign-out, skip link and landmarks."""

import re

import pytest

from pishkhan.accounts.roles import Role
from pishkhan.web.navigation import MENU, MenuEntry, navigation_for
from tests.accounts.factories import UserFactory


def _menu(html: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.django_db
def test_stranger_sees_the_public_menu_and_a_sign_in_link(client):
    html = client.get("/no-such-page/").content.decode()

    assert _menu(html) == [
        "/",
        "/services/",
        "/find/",
        "/track/",
        "/licences/check/",
        "/complaints/track/",
        "/api/v1/docs",
    ]
    assert 'href="/accounts/login/?next=/no-such-page/"' in html
    assert "/accounts/logout/" not in html


@pytest.mark.django_db
def test_signed_in_user_sees_role_and_a_sign_out_form(client):
    user = UserFactory(username="negar", role=Role.INSPECTOR)
    client.force_login(user)

    html = client.get("/no-such-page/").content.decode()

    assert re.search(
        r'<form action="/accounts/logout/" method="post">\s*<input type="hidden" name="csrfmiddlewaretoken"',
        html,
    )
    assert '<span class="account__name">negar</span> · ' in html
    assert 'href="/accounts/login/' not in html


@pytest.mark.django_db
def test_only_staff_see_the_administration_entry(client):
    clerk = UserFactory(role=Role.OFFICE_OPERATOR, jurisdiction_code="12345")
    admin = UserFactory(role=Role.REGULATOR, is_staff=True)

    client.force_login(clerk)
    clerk_menu = _menu(client.get("/no-such-page/").content.decode())
    client.force_login(admin)
    admin_menu = _menu(client.get("/no-such-page/").content.decode())

    assert "/admin/" not in clerk_menu
    assert admin_menu == [
        "/",
        "/services/",
        "/find/",
        "/track/",
        "/licences/check/",
        "/complaints/track/",
        "/api/v1/docs",
        "/offices/",
        "/offices/conversions/",
        "/transactions/",
        "/kpis/",
        "/planning/",
        "/planning/working-groups/",
        "/licensing/",
        "/supervision/board/",
        "/supervision/alerts/",
        "/supervision/complaints/",
        "/supervision/inspections/",
        "/supervision/sanctions/",
        "/supervision/scores/",
        "/supervision/inactive-licences/",
        "/supervision/rules/",
        "/accounts/me/",
        "/accounts/me/password/",
        "/accounts/staff/",
        "/privacy/",
        "/admin/",
    ]


@pytest.mark.django_db
def test_a_licensee_sees_my_licences_and_licensing_staff_the_licences(client):
    applicant = UserFactory(role=Role.LICENSEE)
    directorate = UserFactory(role=Role.DIRECTORATE, jurisdiction_code="23")
    clerk = UserFactory(role=Role.OFFICE_OPERATOR, jurisdiction_code="P23-0001")

    menus = {}
    for name, user in {"applicant": applicant, "directorate": directorate, "clerk": clerk}.items():
        client.force_login(user)
        menus[name] = _menu(client.get("/no-such-page/").content.decode())

    assert "/my-licences/" in menus["applicant"]
    assert "/licensing/" not in menus["applicant"]
    assert "/licensing/" in menus["directorate"]
    assert "/my-licences/" not in menus["directorate"]
    assert "/licensing/" in menus["clerk"]  # an office's people see their own licence
    assert all("/licences/check/" in menu for menu in menus.values())


@pytest.mark.django_db
def test_menu_entry_guarded_by_a_permission_shows_only_to_its_holders(rf):
    # A page that later issues add (an audit log page, say) appears only to roles holding its permission.
    menu = [*MENU, MenuEntry("Audit log", "web:home", audience="audit.view")]
    directorate = rf.get("/x/")
    directorate.user = UserFactory(role=Role.DIRECTORATE, jurisdiction_code="23")
    clerk = rf.get("/x/")
    clerk.user = UserFactory(role=Role.OFFICE_OPERATOR, jurisdiction_code="12345")

    assert [item.label for item in navigation_for(directorate, menu=menu).items][-1] == "Audit log"
    assert "Audit log" not in [item.label for item in navigation_for(clerk, menu=menu).items]


@pytest.mark.django_db
def test_current_page_is_marked_for_assistive_technology(client):
    home = client.get("/").content.decode()
    elsewhere = client.get("/no-such-page/").content.decode()

    assert re.findall(r'<a href="([^"]+)" aria-current="page">', home) == ["/"]
    assert "aria-current" not in elsewhere


@pytest.mark.django_db
def test_layout_has_a_skip_link_to_the_main_landmark(client):
    html = client.get("/no-such-page/").content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main" tabindex="-1">' in html
    assert re.search(r'<nav class="site-nav" aria-label="[^"]+">', html)
    assert '<header class="site-header">' in html
    assert '<footer class="site-footer">' in html


def _bar(html: str) -> list[tuple[str, list[str]]]:
    """The bar as drawn: (menu label, its links) for a menu, ("", [link]) for an entry on its own."""
    bar = re.search(r'<ul class="site-nav__bar">(.*)</ul>\s*</details>', html, re.S).group(1)
    drawn = []
    for entry in re.findall(
        r'<li class="site-nav__entry">(.*?)</li>\s*(?=<li class="site-nav__entry">|$)', bar, re.S
    ):
        summary = re.search(r"<summary[^>]*>([^<]+)</summary>", entry)
        drawn.append((summary.group(1) if summary else "", re.findall(r'<a href="([^"]+)"', entry)))
    return drawn


@pytest.mark.django_db
def test_the_bar_groups_a_regulators_entries_into_a_few_menus(english):
    regulator = UserFactory(role=Role.REGULATOR, is_staff=True)
    english.force_login(regulator)

    html = english.get("/no-such-page/").content.decode()

    assert _bar(html) == [
        ("", ["/"]),
        (
            "Public services",
            ["/services/", "/find/", "/track/", "/licences/check/", "/complaints/track/", "/api/v1/docs"],
        ),
        (
            "Office network",
            [
                "/offices/",
                "/offices/conversions/",
                "/transactions/",
                "/kpis/",
                "/planning/",
                "/planning/working-groups/",
            ],
        ),
        ("", ["/licensing/"]),  # a menu of which one sees a single entry is that entry alone
        (
            "Supervision",
            [
                "/supervision/board/",
                "/supervision/alerts/",
                "/supervision/complaints/",
                "/supervision/inspections/",
                "/supervision/sanctions/",
                "/supervision/scores/",
                "/supervision/inactive-licences/",
                "/supervision/rules/",
            ],
        ),
        (
            "Account",
            ["/accounts/me/", "/accounts/me/password/", "/accounts/staff/", "/privacy/", "/admin/"],
        ),
    ]
    # Disclosures that work without JavaScript, one open at a time, all inside the phone's "Menu".
    assert html.count('<details class="site-nav__group" name="site-nav">') == 4
    assert re.search(
        r'<details class="site-nav__menu">\s*<summary class="site-nav__toggle">Menu</summary>', html
    )


@pytest.mark.django_db
def test_a_stranger_sees_the_home_page_and_the_public_services_menu(english):
    assert _bar(english.get("/no-such-page/").content.decode()) == [
        ("", ["/"]),
        (
            "Public services",
            ["/services/", "/find/", "/track/", "/licences/check/", "/complaints/track/", "/api/v1/docs"],
        ),
    ]


@pytest.mark.django_db
def test_only_the_closest_entry_is_current_and_its_menu_is_marked(client):
    client.force_login(UserFactory(role=Role.REGULATOR))

    html = client.get("/offices/conversions/").content.decode()

    assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == ["/offices/conversions/"]
    assert html.count('class="site-nav__summary--current"') == 1
