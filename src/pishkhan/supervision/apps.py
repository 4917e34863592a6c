from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "pishkhan.supervision"
    label = "supervision"
