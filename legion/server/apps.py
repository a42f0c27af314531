from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "legion.server"
    label = "server"
    verbose_name = "Production web server and task worker"
