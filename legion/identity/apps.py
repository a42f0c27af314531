from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "legion.identity"

    def ready(self) -> None:
        from legion.cases.lifecycle import on_case_event
        from legion.cases.policy import case_scope_extend
        from legion.identity.passports import passport_upload_react
        from legion.identity.selectors import hq_security_review_scope
        from legion.missions.models import Role

        # HQ security reaches the cases named in a review item (the policy's scope rule).
        case_scope_extend(role=Role.HQ_SECURITY, extension=hq_security_review_scope)
        # An uploaded passport scan has its machine-readable zone read on the worker.
        on_case_event(passport_upload_react)
