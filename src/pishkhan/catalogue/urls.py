"""Pages of the catalogue, mounted at the site's root: /services/ and /agencies/."""

from django.urls import path

from pishkhan.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("services/", views.service_list, name="service_list"),
    path("services/<str:code>/", views.service_detail, name="service_detail"),
    path("services/<str:code>/edit/", views.service_edit, name="service_edit"),
    path("services/<str:code>/tariffs/new/", views.tariff_new, name="tariff_new"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
]
