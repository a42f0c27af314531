from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "legion.accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from legion.accounts import signals  # noqa: F401  (connects the receivers)
