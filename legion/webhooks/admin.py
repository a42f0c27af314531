"""Admin for webhook subscriptions and their delivery log (with replay)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from legion.outbox.models import OutboxAttempt
from legion.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from legion.webhooks.services import WebhookError, webhook_delivery_replay, webhook_secret_rotate


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked: every event.",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "mission", "token", "url", "events", "is_active"]

    def clean_url(self) -> str:
        from legion.webhooks.delivery import endpoint_allowed

        url = self.cleaned_data["url"]
        if not endpoint_allowed(url):
            raise forms.ValidationError("Webhook endpoints must use https://.")
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "mission", "url", "is_active", "created_at"]
    list_filter = ["is_active", "mission"]
    readonly_fields = ["signing_secret", "created_at", "created_by"]
    actions = ["rotate_secret"]

    @admin.display(description="signing secret (give it to the receiver)")
    def signing_secret(self, obj: WebhookSubscription) -> str:
        return obj.secret if obj.pk else "made when saved"

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Give the chosen subscriptions a new signing secret")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet) -> None:
        for subscription in queryset:
            webhook_secret_rotate(subscription_id=subscription.pk)
        self.message_user(request, f"{queryset.count()} secret(s) replaced.")


class AttemptInline(admin.TabularInline):
    model = OutboxAttempt
    fk_name = "message"
    fields = ["number", "started_at", "outcome", "response_status", "response_body", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subscription", "event_type", "case", "status", "attempts"]
    list_filter = ["event_type", "subscription"]
    list_select_related = ["subscription", "case", "message"]
    readonly_fields = [
        "subscription",
        "case",
        "event_type",
        "webhook_id",
        "body",
        "replay_of",
        "requested_by",
        "created_at",
        "status",
        "attempt_log",
    ]
    exclude = ["message"]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="status")
    def status(self, obj: WebhookDelivery) -> str:
        return obj.message.get_status_display() if obj.message else "erased"

    @admin.display(description="attempts")
    def attempts(self, obj: WebhookDelivery) -> int:
        return obj.message.attempts if obj.message else 0

    @admin.display(description="attempts and answers")
    def attempt_log(self, obj: WebhookDelivery) -> str:
        if obj.message is None:
            return "—"
        return "\n".join(
            f"{t.number}. {t.started_at:%Y-%m-%d %H:%M:%S} {t.get_outcome_display()}"
            f" {t.response_status or ''} {t.error} {t.response_body[:120]}"
            for t in obj.message.tries.all()
        )

    @admin.action(description="Send the chosen deliveries again (same body and webhook-id)")
    def replay(self, request: HttpRequest, queryset: QuerySet) -> None:
        for delivery in queryset:
            try:
                webhook_delivery_replay(delivery_id=delivery.pk, user=request.user)
            except WebhookError as exc:
                self.message_user(request, f"{delivery}: {exc}", messages.WARNING)
            else:
                self.message_user(request, f"{delivery}: queued again.")
