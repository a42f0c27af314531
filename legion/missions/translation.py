"""Which texts of a mission an applicant reads, and so need a value per portal language
(django-modeltranslation: one column per language, English the fallback; see
legion/content for the .po export and import and the page filter)."""

from modeltranslation.translator import TranslationOptions, register

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
