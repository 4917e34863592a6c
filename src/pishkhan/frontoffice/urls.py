"""The front office's public pages, mounted at the site's root."""

from django.urls import path

from pishkhan.frontoffice import booking_views, queue_views, views

app_name = "frontoffice"

urlpatterns = [
    path("rate/", views.rating_submit, name="rate"),
    path("appointments/", booking_views.book_find, name="book"),
    path("appointments/manage/", booking_views.booking_manage, name="booking_manage"),
    path("appointments/<str:code>/", booking_views.book_slot, name="book_slot"),
    path("frontoffice/kiosk/", queue_views.kiosk, name="kiosk"),
    path("frontoffice/queue/", queue_views.queue, name="queue"),
    path("frontoffice/appointments/", queue_views.office_day, name="office_day"),
    path("frontoffice/display/<str:code>/", queue_views.display, name="display"),
    path("frontoffice/display/<str:code>/live/", queue_views.display_live, name="display_live"),
]
