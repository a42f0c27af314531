from django.contrib import admin

from legion.dashboard.models import StageTarget


@admin.register(StageTarget)
class StageTargetAdmin(admin.ModelAdmin):
    list_display = ("stage", "mission", "warning_days", "target_days")
    list_filter = ("stage", "mission")
