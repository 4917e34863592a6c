"""Planning's pages under /planning/."""

from django.urls import path

from pishkhan.planning import views

app_name = "planning"
urlpatterns = [
    path("planning/", views.planning_home, name="home"),
    path("planning/provinces/<str:code>/", views.planning_province, name="province"),
]
