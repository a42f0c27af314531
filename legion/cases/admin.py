"""Admin for eligibility rules. Applicants, cases and documents are deliberately absent:
personal data is need-to-know and cases are worked in the staff workspace."""

from django import forms
from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from legion.cases.eligibility import DEFAULT_PARAMETERS
from legion.cases.models import EligibilityRule, VisaType
from legion.cases.rule_parameters import rule_parameter_errors


class EligibilityRuleForm(forms.ModelForm):
    class Meta:
        model = EligibilityRule
        fields = ["code", "enabled", "parameters"]

    def clean(self):
        data = super().clean()
        code = data.get("code") or getattr(self.instance, "code", "")
        if "parameters" in data and code:
            for message in rule_parameter_errors(code, data["parameters"]):
                self.add_error("parameters", message)
        return data


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    form = EligibilityRuleForm
    list_display = ["__str__", "code", "enabled", "parameters", "updated_at"]
    list_editable = ["enabled"]
    readonly_fields = ["defaults"]

    @admin.display(description="defaults (used for any parameter left out)")
    def defaults(self, rule: EligibilityRule) -> str:
        return str(DEFAULT_PARAMETERS.get(rule.code, {}))

    def get_readonly_fields(self, request, obj=None):
        # The code names the check in the engine; change parameters, not the code.
        return ["code", "defaults"] if obj else ["defaults"]


@admin.register(VisaType)
class VisaTypeAdmin(TranslationAdmin):
    """The visa types staff pick from, with the label applicants read per language."""

    list_display = ["code", "label", "is_active"]
    list_filter = ["is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Decisions keep the label; retire a type instead.
        return False
