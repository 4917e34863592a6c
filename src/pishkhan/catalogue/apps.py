from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "pishkhan.catalogue"
    label = "catalogue"
