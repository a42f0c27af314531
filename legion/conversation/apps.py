from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "legion.conversation"
    verbose_name = "Conversation on a case"
    default_auto_field = "django.db.models.BigAutoField"
