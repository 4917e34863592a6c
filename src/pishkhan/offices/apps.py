from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "pishkhan.offices"
    label = "offices"

    def ready(self) -> None:
        # Accounts (below us) checks an office's jurisdiction code, and an office key's holder, against
        # the registry.
        from pishkhan.accounts.jurisdictions import resolver_register
        from pishkhan.offices.selectors import office_codes_existing

        resolver_register("office", office_codes_existing)
