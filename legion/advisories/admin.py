"""Admin for legal advisories: stance, source, review date and a text per language.

The version is never typed in: it goes up by itself whenever a text or the stance
changes, so applicants acknowledge again what they are actually shown.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from legion.advisories.models import Advisory, AdvisoryText
from legion.advisories.services import advisory_version_bump


class AdvisoryTextForm(forms.ModelForm):
    # Applicants read advisories in the portal's languages.
    language = forms.ChoiceField(choices=settings.LANGUAGES)

    class Meta:
        model = AdvisoryText
        fields = ["language", "title", "body"]
        widgets = {"title": forms.TextInput(attrs={"size": 80})}


class AdvisoryTextInline(admin.StackedInline):
    model = AdvisoryText
    form = AdvisoryTextForm
    extra = 0


@admin.register(Advisory)
class AdvisoryAdmin(TranslationAdmin):
    inlines = [AdvisoryTextInline]
    list_display = ["__str__", "stance", "reviewed_on", "version", "languages"]
    list_filter = ["stance"]
    fields = ["nationality", "stance", "source", "source_url", "reviewed_on", "version"]
    readonly_fields = ["version"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("source", "source_url"):
            kwargs["widget"] = forms.TextInput(attrs={"size": 100})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="languages")
    def languages(self, advisory: Advisory) -> str:
        return ", ".join(sorted(t.language for t in advisory.texts.all()))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        texts_changed = any(
            formset.model is AdvisoryText
            and (
                formset.new_objects
                or formset.deleted_objects
                or any({"title", "body", "language"} & set(f) for _, f in formset.changed_objects)
            )
            for formset in formsets
        )
        if change and (texts_changed or "stance" in form.changed_data):
            version = advisory_version_bump(advisory=form.instance)
            self.message_user(
                request,
                f"The text changed: this advisory is now version {version}; applicants will "
                "be asked to acknowledge it again.",
            )
