from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "legion.conversation"
    verbose_name = "Conversation on a case"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from legion.cases.lifecycle import on_case_event
        from legion.conversation.services import document_upload_answers_request

        on_case_event(document_upload_answers_request)
