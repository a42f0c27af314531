from django.apps import AppConfig


class AssistedConfig(AppConfig):
    name = "legion.assisted"
    verbose_name = "Applications taken by staff"
