from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "pishkhan.supervision"
    label = "supervision"

    def ready(self) -> None:
        # The inactivity criteria are a pure core (no Django): they speak the active language through
        # the gettext we give them.
        from django.utils.translation import gettext

        from pishkhan.supervision import criteria

        criteria.translator_register(gettext)

        # The score's components supervision computes today; the others register where they are built.
        from pishkhan.supervision.scores import score_components_builtin_register

        score_components_builtin_register()
