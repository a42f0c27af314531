"""Which texts of an interview slot an applicant reads, and so need a value per portal language
(django-modeltranslation: one column per language, English the fallback; see
legion/content for the .po export and import and the page filter)."""

from modeltranslation.translator import TranslationOptions, register

from legion.interviews.models import InterviewSlot


@register(InterviewSlot)
class InterviewSlotTexts(TranslationOptions):
    fields = ("location",)
