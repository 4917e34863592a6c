"""Pages of the counter, mounted at the site's root: /counter/…, /transactions/ and the public /track/."""

from django.urls import path

from pishkhan.transactions import views

app_name = "transactions"
urlpatterns = [
    path("counter/", views.counter_day, name="counter"),
    path("counter/new/", views.transaction_record, name="record"),
    path("counter/<str:code>/", views.transaction_detail, name="transaction_detail"),
    path("counter/<str:code>/receipt/", views.transaction_receipt, {"layout": "a5"}, name="receipt"),
    path(
        "counter/<str:code>/receipt/thermal/",
        views.transaction_receipt,
        {"layout": "thermal"},
        name="receipt_thermal",
    ),
    path("transactions/", views.transaction_list, name="transaction_list"),
    path("track/", views.transaction_track, name="track"),
]
