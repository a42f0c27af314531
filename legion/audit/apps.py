from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "legion.audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from legion.audit import signals  # noqa: F401  (connects the receivers)
        from legion.audit.services import audit_case_event
        from legion.cases.lifecycle import on_case_event

        # Every case event joins the audit chain, in the event's transaction.
        on_case_event(audit_case_event)
