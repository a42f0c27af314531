"""Admin for interview slots, including a whole series at once ("weekdays 09:00–17:00
every 45 minutes for two weeks"). Who booked a slot is not shown here: bookings are
personal data and belong to the workspace."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from modeltranslation.admin import TranslationAdmin

from legion.interviews.models import InterviewSlot
from legion.interviews.selectors import LIVE
from legion.interviews.services import slot_series_create
from legion.missions.models import Mission

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class SlotSeriesForm(forms.Form):
    mission = forms.ModelChoiceField(queryset=Mission.objects.filter(is_active=True))
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        initial=[0, 1, 2, 3, 4],
        widget=forms.CheckboxSelectMultiple,
    )
    day_starts = forms.TimeField(initial=dt.time(9), widget=forms.TimeInput(attrs={"type": "time"}))
    day_ends = forms.TimeField(initial=dt.time(17), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(initial=45, min_value=5, max_value=480, label="Minutes per slot")
    location = forms.CharField(max_length=200, help_text="Room and address at the mission.")
    capacity = forms.IntegerField(initial=1, min_value=1, max_value=50)
    languages = forms.CharField(
        required=False,
        help_text="Interview languages as codes separated by commas (e.g. en, ja); "
        "empty means the mission's languages.",
    )

    def clean_languages(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["languages"].split(",") if c.strip()]

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", "The last day must not be before the first day.")
            elif (last - first).days > 366:
                self.add_error("last_day", "A series can cover at most one year.")
            if first < timezone.localdate():
                self.add_error("first_day", "Slots cannot be created in the past.")
        starts, ends = data.get("day_starts"), data.get("day_ends")
        if starts and ends and ends <= starts:
            self.add_error("day_ends", "The day must end after it starts.")
        return data


@admin.register(InterviewSlot)
class InterviewSlotAdmin(TranslationAdmin):
    list_display = [
        "starts_at",
        "ends_at",
        "mission",
        "location",
        "capacity",
        "booked",
        "is_cancelled",
    ]
    list_filter = ["mission", "is_cancelled"]
    date_hierarchy = "starts_at"
    fields = [
        "mission",
        "starts_at",
        "ends_at",
        "location",
        "capacity",
        "languages",
        "is_cancelled",
    ]
    change_list_template = "admin/interviews/interviewslot/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("mission")
            .annotate(booked_count=Count("interviews", filter=Q(interviews__status__in=LIVE)))
        )

    @admin.display(description="booked", ordering="booked_count")
    def booked(self, slot: InterviewSlot) -> int:
        return slot.booked_count

    def has_delete_permission(self, request, obj=None) -> bool:
        # A booked slot is part of a case's history: cancel it instead.
        if obj is not None and obj.interviews.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        return [
            path(
                "series/",
                self.admin_site.admin_view(self.series_view),
                name="interviews_interviewslot_series",
            ),
            *super().get_urls(),
        ]

    def series_view(self, request):
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = SlotSeriesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            created = slot_series_create(
                mission_id=data["mission"].pk,
                first_day=data["first_day"],
                last_day=data["last_day"],
                day_starts=data["day_starts"],
                day_ends=data["day_ends"],
                minutes=data["minutes"],
                location=data["location"],
                weekdays=frozenset(data["weekdays"]),
                capacity=data["capacity"],
                languages=data["languages"],
            )
            messages.success(request, f"{len(created)} slots created at {data['mission']}.")
            return HttpResponseRedirect(reverse("admin:interviews_interviewslot_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Create a series of interview slots",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/interviews/interviewslot/series.html", context)
