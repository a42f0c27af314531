"""The dashboard's filters: date range, mission, nationality; checked, with clear errors."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from legion.cldr import sorted_by_name
from legion.dashboard.access import StatisticsScope
from legion.dashboard.selectors import StatisticsFilter

DEFAULT_DAYS = 30
LONGEST_RANGE_DAYS = 731


class DashboardFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    mission = forms.ChoiceField(label=_("Mission"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)

    def __init__(self, *args, scope: StatisticsScope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        missions = [(m.code, m.name) for m in scope.missions]
        self.fields["mission"].choices = (
            [("", _("All missions")), *missions] if scope.all_missions else missions
        )
        names = sorted_by_name([(code, str(name)) for code, name in countries])
        self.fields["nationality"].choices = [("", _("All nationalities")), *names]
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.now().astimezone(dt.UTC).date()
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
        if date_from > date_to:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (date_to - date_from).days >= LONGEST_RANGE_DAYS:
            raise forms.ValidationError(
                _("Choose a range of at most %(n)d days.") % {"n": LONGEST_RANGE_DAYS - 1}
            )
        data["date_from"], data["date_to"] = date_from, date_to
        # Show the range in effect in the form, also when it was left to the defaults.
        self.data = self.data.copy()
        self.data.update({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()})
        return data

    def statistics_filter(self) -> StatisticsFilter:
        """The validated choice as the selectors' filter, privacy threshold included."""
        data = self.cleaned_data
        mission = self.scope.mission(data.get("mission") or "")
        if mission is not None:
            mission_ids: tuple[int, ...] | None = (mission.pk,)
        elif self.scope.all_missions:
            mission_ids = None
        else:
            mission_ids = tuple(m.pk for m in self.scope.missions)
        return StatisticsFilter(
            date_from=data["date_from"],
            date_to=data["date_to"],
            mission_ids=mission_ids,
            nationality=data.get("nationality") or "",
            threshold=self.scope.threshold(mission_ids),
        )
