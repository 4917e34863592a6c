"""The front office's public pages, mounted at the site's root."""

from django.urls import path

from pishkhan.frontoffice import queue_views, views

app_name = "frontoffice"

urlpatterns = [
    path("rate/", views.rating_submit, name="rate"),
    path("frontoffice/kiosk/", queue_views.kiosk, name="kiosk"),
    path("frontoffice/queue/", queue_views.queue, name="queue"),
    path("frontoffice/display/<str:code>/", queue_views.display, name="display"),
    path("frontoffice/display/<str:code>/live/", queue_views.display_live, name="display_live"),
]
