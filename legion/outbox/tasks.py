"""The outbox's task: thin, it loads by id, calls the delivery service and, after a
failure, queues itself again for the back-off time."""

from django.tasks import task

from legion.outbox.delivery import outbox_message_deliver


@task
def outbox_deliver(message_id: int) -> str:
    """Deliver one outbox message; on failure, try again later with back-off."""
    delivery = outbox_message_deliver(message_id=message_id)
    if delivery.retry_at is not None and outbox_deliver.get_backend().supports_defer:
        outbox_deliver.using(run_after=delivery.retry_at).enqueue(message_id)
    return delivery.outcome
