from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "pishkhan.planning"
    label = "planning"
