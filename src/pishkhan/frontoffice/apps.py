from django.apps import AppConfig


class FrontofficeConfig(AppConfig):
    name = "pishkhan.frontoffice"
    label = "frontoffice"
    verbose_name = "Front office"

    def ready(self) -> None:
        # The office's public page (offices, below us) shows its ratings in aggregate, and its queue:
        # how many wait now, and the usual wait at this hour.
        from pishkhan.frontoffice.selectors import (
            office_queue_length,
            office_rating_summary,
            office_wait_usual,
        )
        from pishkhan.offices.public_panels import Panel, public_panel_register

        def ratings_panel(office):
            summary = office_rating_summary(office_id=office.pk)
            return Panel("frontoffice/_office_ratings.html", {"count": summary.count, "mean": summary.mean})

        public_panel_register("ratings", ratings_panel)

        def waits_panel(office):
            return Panel(
                "frontoffice/_office_waits.html",
                {
                    "waiting": office_queue_length(office_id=office.pk),
                    "usual_minutes": office_wait_usual(office_id=office.pk),
                },
            )

        public_panel_register("waits", waits_panel)
