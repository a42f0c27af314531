from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "legion.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        # The statistics follow every case event in the event's own transaction.
        from legion.cases.lifecycle import on_case_event
        from legion.dashboard.figures import case_figures_follow

        on_case_event(case_figures_follow)
