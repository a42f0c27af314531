"""Admin for missions, and for staff with their roles (Membership inline on the user)."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from modeltranslation.admin import TranslationAdmin

from legion.missions.models import HQ_ROLES, MISSION_ROLES, Membership, Mission


@admin.register(Mission)
class MissionAdmin(TranslationAdmin):
    list_display = ["code", "name", "kind", "country", "city", "timezone", "is_active"]
    list_filter = ["kind", "is_active", "country"]
    search_fields = ["code", "name", "city"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "is_active"]}),
        ("Where", {"fields": ["country", "city", "timezone", "address", "email", "phone"]}),
        ("Interviews", {"fields": ["interview_languages"]}),
        (
            "Travel instruction defaults",
            {"fields": ["default_entry_point", "default_assembly_point", "default_contacts"]},
        ),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Missions own cases and history; deactivate them instead.
        return False


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "mission"]

    def clean(self):
        data = super().clean()
        role, mission = data.get("role"), data.get("mission")
        if role in MISSION_ROLES and mission is None:
            self.add_error("mission", "This role is held at a mission: choose which one.")
        if role in HQ_ROLES and mission is not None:
            self.add_error("mission", "HQ roles are not tied to a mission: leave this empty.")
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 1
    fields = ["role", "mission", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = "role"
    verbose_name_plural = "roles (what this person may do, and where)"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "roles", "is_active"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__mission"]

    @admin.display(description="roles")
    def roles(self, user) -> str:
        return ", ".join(str(m).split(" – ", 1)[-1] for m in user.memberships.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__mission")
