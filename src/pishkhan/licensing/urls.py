"""Pages of licensing, mounted at the site's root: the staff's /licensing/…, the applicant's and
holder's /my-licences/…, and the public /licences/… (the check, a licence's verification page and
its signboard)."""

from django.urls import path

from pishkhan.licensing import views

app_name = "licensing"
urlpatterns = [
    path("licensing/", views.licence_list, name="licence_list"),
    path("licensing/licences/<str:number>/", views.licence_detail, name="licence_detail"),
    path("licensing/applications/", views.application_list, name="application_list"),
    path("licensing/applications/<str:number>/", views.application_detail, name="application_detail"),
    path(
        "licensing/applications/<str:number>/documents/<int:document_id>/",
        views.application_document,
        name="application_document",
    ),
    path("my-licences/", views.my_licences, name="my_licences"),
    path("my-licences/apply/", views.application_new, name="application_new"),
    path("my-licences/applications/<str:number>/", views.my_application, name="my_application"),
    path("my-licences/<str:number>/", views.my_licence, name="my_licence"),
    path("licences/check/", views.licence_check, name="licence_check"),
    path("licences/<str:number>/", views.licence_verify, name="licence_verify"),
    path("licences/<str:number>/signboard/", views.licence_signboard, name="licence_signboard"),
]
