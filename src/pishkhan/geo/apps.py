from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "pishkhan.geo"
    label = "geo"
