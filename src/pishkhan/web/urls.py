"""Pages of the site's shell, mounted at the root: the home page and the language switch."""

from django.urls import include, path

from pishkhan.web import dashboards, reports, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("kpis/", dashboards.kpis_home, name="kpis"),
    path("kpis/provinces/<str:code>/", dashboards.kpis_province, name="kpis_province"),
    path("kpis/counties/<str:code>/", dashboards.kpis_county, name="kpis_county"),
    path("kpis/offices/<str:code>/", dashboards.kpis_office, name="kpis_office"),
    path("kpis/provinces/<str:code>/report/", reports.kpis_province_report, name="kpis_province_report"),
    # Django's set_language (POST, CSRF-protected): stores the choice in the pishkhan_language cookie.
    path("i18n/", include("django.conf.urls.i18n")),
]
