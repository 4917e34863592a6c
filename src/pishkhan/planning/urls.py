"""Planning's pages under /planning/."""

from django.urls import path

from pishkhan.planning import group_views, views

app_name = "planning"
urlpatterns = [
    path("planning/", views.planning_home, name="home"),
    path("planning/provinces/<str:code>/", views.planning_province, name="province"),
    path("planning/working-groups/", group_views.groups_home, name="groups"),
    path("planning/working-groups/<str:code>/", group_views.group_detail, name="group"),
    path(
        "planning/working-groups/<str:code>/sessions/<int:number>/",
        group_views.session_detail,
        name="session",
    ),
    path(
        "planning/working-groups/<str:code>/sessions/<int:number>/report/",
        group_views.session_report,
        name="session_report",
    ),
]
