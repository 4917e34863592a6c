from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "pishkhan.backups"
    label = "backups"
    verbose_name = "Backups"
