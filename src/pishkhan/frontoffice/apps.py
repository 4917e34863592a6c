from django.apps import AppConfig


class FrontofficeConfig(AppConfig):
    name = "pishkhan.frontoffice"
    label = "frontoffice"
    verbose_name = "Front office"

    def ready(self) -> None:
        # The office's public page (offices, below us) shows its ratings in aggregate.
        from pishkhan.frontoffice.selectors import office_rating_summary
        from pishkhan.offices.public_panels import Panel, public_panel_register

        def ratings_panel(office):
            summary = office_rating_summary(office_id=office.pk)
            return Panel("frontoffice/_office_ratings.html", {"count": summary.count, "mean": summary.mean})

        public_panel_register("ratings", ratings_panel)
