from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "legion.dataprotection"
    verbose_name = "Data protection: keys, erasure, retention, backups"
