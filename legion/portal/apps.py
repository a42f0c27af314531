from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "legion.portal"
