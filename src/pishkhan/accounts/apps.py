from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pishkhan.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Provinces are geo's, a layer below us: we ask it ourselves. Agencies and offices belong to
        # domains above us, which register their own resolvers (catalogue/apps.py, offices/apps.py).
        from pishkhan.accounts.jurisdictions import resolver_register
        from pishkhan.geo.selectors import province_codes_existing

        resolver_register("province", province_codes_existing)
