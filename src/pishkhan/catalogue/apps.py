from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "pishkhan.catalogue"
    label = "catalogue"

    def ready(self) -> None:
        # Accounts (below us) checks an agency's jurisdiction code against our agencies.
        from pishkhan.accounts.jurisdictions import resolver_register
        from pishkhan.catalogue.selectors import agency_codes_existing

        resolver_register("agency", agency_codes_existing)
