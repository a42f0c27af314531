"""Which data an applicant reads, and so needs a value per portal language.

django-modeltranslation adds one column per language to each field named here
(`name_en`, `name_uk`, ...); reading `mission.name` gives the active language's value,
or the English one where it is missing (marked lang="en" on the page, see
templatetags/content.py). Interface strings stay in the gettext catalogues; these
texts are exported and imported as .po files beside them (legion/content/catalogues.py).
"""

from modeltranslation.translator import TranslationOptions, register

from legion.advisories.models import Advisory
from legion.interviews.models import InterviewSlot
from legion.missions.models import Mission


@register(Mission)
class MissionTexts(TranslationOptions):
    fields = (
        "name",
        "city",
        "address",
        "default_entry_point",
        "default_assembly_point",
        "default_contacts",
    )


@register(Advisory)
class AdvisoryTexts(TranslationOptions):
    fields = ("source",)


@register(InterviewSlot)
class InterviewSlotTexts(TranslationOptions):
    fields = ("location",)
