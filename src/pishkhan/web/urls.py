"""Pages of the site's shell, mounted at the root: the home page, the dashboards, sign-up and the
forgotten-password page, and the language switch."""

from django.urls import include, path

from pishkhan.web import dashboards, reports, self_service, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("kpis/", dashboards.kpis_home, name="kpis"),
    # Self-service accounts (they text one-time codes, so the shell holds them): docs/accounts.md.
    path("accounts/signup/", self_service.signup, name="signup"),
    path("accounts/password-reset/", self_service.password_reset, name="password_reset"),
    path("accounts/me/identity/", self_service.identity_verify, name="identity_verify"),
    path("kpis/provinces/<str:code>/", dashboards.kpis_province, name="kpis_province"),
    path("kpis/counties/<str:code>/", dashboards.kpis_county, name="kpis_county"),
    path("kpis/offices/<str:code>/", dashboards.kpis_office, name="kpis_office"),
    path("kpis/provinces/<str:code>/report/", reports.kpis_province_report, name="kpis_province_report"),
    # Django's set_language (POST, CSRF-protected): stores the choice in the pishkhan_language cookie.
    path("i18n/", include("django.conf.urls.i18n")),
]
