from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "legion.cases"

    def ready(self) -> None:
        from legion.cases.lifecycle import on_case_event
        from legion.cases.notices import case_event_notify

        on_case_event(case_event_notify)
