from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "legion.webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Webhooks hang off the two fan-out points below them: every case event, and
        # the outbox's delivery of a message on the webhook channel.
        from legion.cases.lifecycle import on_case_event
        from legion.outbox.delivery import outbox_sender_register
        from legion.outbox.models import OutboxMessage
        from legion.webhooks.delivery import webhook_send
        from legion.webhooks.services import webhooks_case_event

        on_case_event(webhooks_case_event)
        outbox_sender_register(OutboxMessage.Channel.WEBHOOK, webhook_send)
