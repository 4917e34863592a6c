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
        from pishkhan.supervision import liveness, scores, selectors
        from pishkhan.supervision.models import ScoreComponent

        scores.score_components_builtin_register()
        scores.score_component_register(
            ScoreComponent.COMPLAINTS_UPHELD,
            lambda *, start, end: scores.complaints_upheld_weighted(
                selectors.complaints_for_score(start=start, end=end)
            ),
        )
        scores.score_component_register(
            ScoreComponent.ALERTS,
            lambda *, start, end: scores.alerts_weighted(selectors.alerts_for_score(start=start, end=end)),
        )
        scores.score_component_register(ScoreComponent.INSPECTIONS, selectors.inspections_for_score)
        scores.score_component_register(ScoreComponent.AVAILABILITY, liveness.availability_for_score)
        # Citizens' ratings of completed transactions (the front office, below us): mean stars.
        from pishkhan.frontoffice.selectors import ratings_for_score

        scores.score_component_register(ScoreComponent.RATINGS, ratings_for_score)
