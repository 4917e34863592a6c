from django.apps import AppConfig


class FrontofficeConfig(AppConfig):
    name = "pishkhan.frontoffice"
    label = "frontoffice"
    verbose_name = "Front office"
