from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "legion.idempotency"
    verbose_name = "Safe retries"
