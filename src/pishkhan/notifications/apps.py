from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pishkhan.notifications"
    label = "notifications"
    verbose_name = "Notifications"
