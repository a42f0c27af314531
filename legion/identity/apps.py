from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "legion.identity"

    def ready(self) -> None:
        from legion.cases.lifecycle import case_guard_provide, on_case_event
        from legion.cases.policy import case_scope_extend
        from legion.identity.passports import passport_upload_react
        from legion.identity.screening import case_screen_on_submit
        from legion.identity.selectors import hq_security_review_scope, no_open_review
        from legion.missions.models import Role

        # HQ security reaches the cases named in a review item (the policy's scope rule).
        case_scope_extend(role=Role.HQ_SECURITY, extension=hq_security_review_scope)
        # No interview while a duplicate or watch-list review is open.
        case_guard_provide("no_open_identity_review", no_open_review)
        # Screening at intake, in the submission's transaction.
        on_case_event(case_screen_on_submit)
        # An uploaded passport scan has its machine-readable zone read on the worker.
        on_case_event(passport_upload_react)
