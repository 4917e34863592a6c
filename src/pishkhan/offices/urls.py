"""Pages of the office registry, mounted at the site's root: /offices/… and the public /find/."""

from django.urls import path

from pishkhan.offices import views

app_name = "offices"
urlpatterns = [
    path("offices/", views.office_list, name="office_list"),
    path("offices/conversions/", views.conversion_board, name="conversion_board"),
    path("offices/conversions/<int:pk>/", views.conversion_detail, name="conversion_detail"),
    path("offices/<str:code>/", views.office_detail, name="office_detail"),
    path("offices/<str:code>/manage/", views.office_manage, name="office_manage"),
    path("offices/<str:code>/rates/", views.rate_board, name="rate_board"),
    path("find/", views.office_find, name="find"),
    path("find/counties/", views.county_options, name="county_options"),
]
