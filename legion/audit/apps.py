from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "legion.audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from legion.audit import signals  # noqa: F401  (connects the receivers)
