"""Pages of supervision under /supervision/ (the network board, inactivity campaigns, complaints,
inspections, alerts and rules), and the public complaint form at /complaints/new/ (linked from a
licence's verification page) and tracking page at /complaints/track/."""

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
    path("supervision/complaints/<str:number>/answer/", views.complaint_answer, name="complaint_answer"),
    path("supervision/complaints/<str:number>/close/", views.complaint_close, name="complaint_close"),
    path("supervision/inspections/", views.inspection_list, name="inspection_list"),
    path("supervision/inspections/plan/", views.inspection_plan, name="inspection_plan"),
    path("supervision/inspections/draw/", views.inspection_draw, name="inspection_draw"),
    path("supervision/inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("supervision/inspections/<int:pk>/conduct/", views.inspection_conduct, name="inspection_conduct"),
    path("supervision/inspections/<int:pk>/cancel/", views.inspection_cancel, name="inspection_cancel"),
    path("supervision/inspections/<int:pk>/review/", views.inspection_review, name="inspection_review"),
    path(
        "supervision/inspections/<int:pk>/photos/<int:photo_id>/",
        views.inspection_photo,
        name="inspection_photo",
    ),
    path("supervision/alerts/", views.alert_list, name="alert_list"),
    path("supervision/alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("supervision/alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("supervision/alerts/<int:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("supervision/alerts/<int:pk>/dismiss/", views.alert_dismiss, name="alert_dismiss"),
    path("supervision/rules/", views.rule_list, name="rule_list"),
    path("supervision/rules/<str:code>/", views.rule_update, name="rule_update"),
    path("supervision/office-complaints/", views.office_complaints, name="office_complaints"),
    path(
        "supervision/office-complaints/<str:number>/",
        views.office_complaint_detail,
        name="office_complaint_detail",
    ),
    path(
        "supervision/office-complaints/<str:number>/refund/",
        views.office_refund_confirm,
        name="office_refund_confirm",
    ),
    path("supervision/board/", views.board, name="board"),
    path("supervision/board/live/", views.board_live, name="board_live"),
    path("supervision/board/offices/<str:code>/", views.board_office, name="board_office"),
    path("supervision/sanctions/", views.sanction_list, name="sanction_list"),
    path("supervision/sanctions/new/", views.sanction_new, name="sanction_new"),
    path("supervision/sanctions/<str:number>/", views.sanction_detail, name="sanction_detail"),
    path("supervision/sanctions/<str:number>/<slug:step>/", views.sanction_step, name="sanction_step"),
    path("supervision/my-cases/", views.my_cases, name="my_cases"),
    path("supervision/my-cases/<str:number>/", views.my_case, name="my_case"),
    path("supervision/my-cases/<str:number>/<slug:step>/", views.my_case_step, name="my_case_step"),
    path("supervision/scores/", views.score_list, name="score_list"),
    path("supervision/scores/weights/", views.score_weights, name="score_weights"),
    path("supervision/scores/offices/<str:code>/", views.score_office, name="score_office"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/sent/", views.complaint_sent, name="complaint_sent"),
    path("complaints/track/", views.complaint_track, name="complaint_track"),
]
