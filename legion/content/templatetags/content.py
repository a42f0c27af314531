"""Show a translated data text in the page's language, marking the English fallback.

`{{ case.mission|text:"name" }}` gives the mission's name in the active language; where
that language has no value yet, the English one, wrapped in `<span lang="en">` so that
screen readers pronounce it as English and translators can find it."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


@register.filter
def text(obj: object, field: str) -> str:
    value = getattr(obj, field, "") or ""
    language = (get_language() or "en").split("-")[0]
    if not value or language == "en":
        return value
    if getattr(obj, build_localized_fieldname(field, language), None):
        return value
    return format_html('<span lang="en">{}</span>', value)
