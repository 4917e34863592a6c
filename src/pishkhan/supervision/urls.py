"""Pages of supervision's inactivity campaigns, under /supervision/."""

from django.urls import path

from pishkhan.supervision import views

app_name = "supervision"
urlpatterns = [
    path("supervision/inactive-licences/", views.candidates, name="candidates"),
    path("supervision/campaigns/", views.campaign_list, name="campaign_list"),
    path("supervision/campaigns/start/", views.campaign_start, name="campaign_start"),
    path("supervision/campaigns/<str:number>/", views.campaign_detail, name="campaign_detail"),
    path("supervision/campaigns/<str:number>/conclude/", views.campaign_conclude, name="campaign_conclude"),
    path("supervision/campaigns/<str:number>/cases/<int:pk>/", views.case_detail, name="case_detail"),
]
