"""The front office's public pages, mounted at the site's root."""

from django.urls import path

from pishkhan.frontoffice import views

app_name = "frontoffice"

urlpatterns = [
    path("rate/", views.rating_submit, name="rate"),
]
