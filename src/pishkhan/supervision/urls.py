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
    path("supervision/sanctions/", views.sanction_list, name="sanction_list"),
    path("supervision/sanctions/new/", views.sanction_new, name="sanction_new"),
    path("supervision/sanctions/<str:number>/", views.sanction_detail, name="sanction_detail"),
    path("supervision/sanctions/<str:number>/<slug:step>/", views.sanction_step, name="sanction_step"),
    path("supervision/my-cases/", views.my_cases, name="my_cases"),
    path("supervision/my-cases/<str:number>/", views.my_case, name="my_case"),
    path("supervision/my-cases/<str:number>/<slug:step>/", views.my_case_step, name="my_case_step"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/sent/", views.complaint_sent, name="complaint_sent"),
]
