from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "pishkhan.licensing"
    label = "licensing"
