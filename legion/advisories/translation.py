"""Which texts of an advisory an applicant reads, and so need a value per portal language
(django-modeltranslation: one column per language, English the fallback; see
legion/content for the .po export and import and the page filter). Its title and body
are AdvisoryText rows, one per language already."""

from modeltranslation.translator import TranslationOptions, register

from legion.advisories.models import Advisory


@register(Advisory)
class AdvisoryTexts(TranslationOptions):
    fields = ("source",)
