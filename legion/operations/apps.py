from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operations team runs Legion by: health and readiness, metrics, logs,
    scheduled jobs."""

    name = "legion.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from legion.operations import logs, metrics

        metrics.connect()
        logs.connect()
