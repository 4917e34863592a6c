"""Pages of the site's shell, mounted at the root: the home page and the language switch."""

from django.urls import include, path

from pishkhan.web import dashboards, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("kpis/", dashboards.kpis_home, name="kpis"),
    path("kpis/provinces/<str:code>/", dashboards.kpis_province, name="kpis_province"),
    path("kpis/counties/<str:code>/", dashboards.kpis_county, name="kpis_county"),
    # Django's set_language (POST, CSRF-protected): stores the choice in the pishkhan_language cookie.
    path("i18n/", include("django.conf.urls.i18n")),
]
