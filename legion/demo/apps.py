from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "legion.demo"
    verbose_name = "Demo data"
