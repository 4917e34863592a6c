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
    path("supervision/alerts/", views.alert_list, name="alert_list"),
    path("supervision/alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("supervision/alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("supervision/alerts/<int:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("supervision/alerts/<int:pk>/dismiss/", views.alert_dismiss, name="alert_dismiss"),
    path("supervision/rules/", views.rule_list, name="rule_list"),
    path("supervision/rules/<str:code>/", views.rule_update, name="rule_update"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/sent/", views.complaint_sent, name="complaint_sent"),
]
