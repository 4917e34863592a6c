from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "pishkhan.gateway"
    label = "gateway"
