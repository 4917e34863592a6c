from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pishkhan.audit"
    label = "audit"
