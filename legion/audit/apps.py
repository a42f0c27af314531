from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "legion.audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from legion.audit import signals  # noqa: F401  (connects the receivers)
        from legion.audit.break_glass import break_glass_scope
        from legion.audit.services import audit_case_event
        from legion.cases.lifecycle import on_case_event
        from legion.cases.policy import case_scope_extend
        from legion.missions.models import Role

        # Every case event joins the audit chain, in the event's transaction.
        on_case_event(audit_case_event)
        # HQ security reaches a case it broke the glass for, while the grant lasts.
        case_scope_extend(role=Role.HQ_SECURITY, extension=break_glass_scope)
