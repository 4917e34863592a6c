"""Pages of accounts, mounted at ``/accounts/``."""

from django.urls import path

from pishkhan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("me/", views.account_detail, name="account_detail"),
]
