from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "legion.interviews"

    def ready(self) -> None:
        from legion.cases.lifecycle import case_guard_provide
        from legion.interviews.guards import GUARDS

        # The booked interview and the two signed assessments, for the transition table.
        for name, check in GUARDS.items():
            case_guard_provide(name, check)
