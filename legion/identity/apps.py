from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "legion.identity"
