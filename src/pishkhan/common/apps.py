from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "pishkhan.common"
    label = "common"
    verbose_name = "Common"
