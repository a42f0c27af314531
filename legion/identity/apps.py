from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "legion.identity"

    def ready(self) -> None:
        from legion.cases.policy import case_scope_extend
        from legion.identity.selectors import hq_security_review_scope
        from legion.missions.models import Role

        # HQ security reaches the cases named in a review item (the policy's scope rule).
        case_scope_extend(role=Role.HQ_SECURITY, extension=hq_security_review_scope)
