"""The privacy officer's pages under /privacy/."""

from django.urls import path

from pishkhan.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.privacy_home, name="home"),
    path("privacy/export/", views.privacy_export, name="export"),
]
