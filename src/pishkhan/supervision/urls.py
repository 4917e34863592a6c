"""Pages of supervision: the inactivity campaigns and complaints under /supervision/, and the public
complaint form at /complaints/new/ (linked from a licence's verification page)."""

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
    path("supervision/complaints/", views.complaint_list, name="complaint_list"),
    path("supervision/complaints/<str:number>/", views.complaint_detail, name="complaint_detail"),
    path("supervision/complaints/<str:number>/review/", views.complaint_review, name="complaint_review"),
    path("supervision/complaints/<str:number>/close/", views.complaint_close, name="complaint_close"),
    path("supervision/scores/", views.score_list, name="score_list"),
    path("supervision/scores/weights/", views.score_weights, name="score_weights"),
    path("supervision/scores/offices/<str:code>/", views.score_office, name="score_office"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/sent/", views.complaint_sent, name="complaint_sent"),
]
