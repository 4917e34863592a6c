"""The outbox's public page, mounted at the site's root."""

from django.urls import path

from pishkhan.notifications import views

app_name = "notifications"

urlpatterns = [
    path("messages/opt-out/", views.optout, name="optout"),
]
