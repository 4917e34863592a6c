from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "pishkhan.offices"
    label = "offices"
