from django.apps import AppConfig


class AdvisoriesConfig(AppConfig):
    name = "legion.advisories"

    def ready(self) -> None:
        from legion.advisories.services import advisory_acknowledged
        from legion.cases.lifecycle import case_guard_provide

        # Submission, booking and eligibility need the current advisories acknowledged.
        case_guard_provide("advisory_acknowledged", advisory_acknowledged)
