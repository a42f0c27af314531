from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "legion.content"
    verbose_name = "Translated content"
