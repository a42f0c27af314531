"""Which texts of a visa type an applicant reads, and so need a value per portal language
(django-modeltranslation: one column per language, English the fallback; see
legion/content for the .po export and import and the page filter)."""

from modeltranslation.translator import TranslationOptions, register

from legion.cases.models import VisaType


@register(VisaType)
class VisaTypeTexts(TranslationOptions):
    fields = ("label",)
