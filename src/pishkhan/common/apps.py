from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "pishkhan.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from pishkhan.common import checks  # noqa: F401 (registers the deploy checks)
