from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "legion.missions"
