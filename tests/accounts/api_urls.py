"""A URL configuration for the accounts API tests: the router mounted as the project's API mounts it.

The real ``/api/v1/accounts`` mount belongs to ``pishkhan.api``; this one lets the tests drive the
router through Django's full request cycle (sessions, CSRF, authentication, problem bodies).
"""

from django.urls import include, path
from ninja import NinjaAPI

from pishkhan.accounts.api import router
from pishkhan.accounts.auth import api_auth
from pishkhan.api import problems

api = NinjaAPI(auth=api_auth, urls_namespace="accounts-test-api")
problems.install(api)
api.add_router("/accounts", router)

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/", include("pishkhan.accounts.urls")),
]
