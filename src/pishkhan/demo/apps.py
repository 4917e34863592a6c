from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "pishkhan.demo"
    label = "demo"
