from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "pishkhan.kpis"
    label = "kpis"
