"""The project's URLs: every app mounts its own; the API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from pishkhan.api.api import api

urlpatterns = [
    path("", include("pishkhan.web.urls")),
    path("", include("pishkhan.catalogue.urls")),
    path("", include("pishkhan.offices.urls")),
    path("", include("pishkhan.transactions.urls")),
    path("", include("pishkhan.frontoffice.urls")),
    path("", include("pishkhan.notifications.urls")),
    path("", include("pishkhan.supervision.urls")),
    path("", include("pishkhan.licensing.urls")),
    path("", include("pishkhan.planning.urls")),
    path("", include("pishkhan.privacy.urls")),
    path("accounts/", include("pishkhan.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "pishkhan.web.views.bad_request"
handler403 = "pishkhan.web.views.permission_denied"
handler404 = "pishkhan.web.views.page_not_found"
handler500 = "pishkhan.web.views.server_error"
