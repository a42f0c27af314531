"""Languages applicants speak (not the portal's interface languages)."""

from django.utils.translation import get_language_info

# Working and interview languages offered in forms; codes Django knows names for.
SPOKEN_LANGUAGES = (
    "en", "uk", "es", "fr", "de", "pl", "ja", "ka", "lt", "lv", "et", "no", "nb", "da",
    "sv", "fi", "nl", "it", "pt", "cs", "sk", "hu", "ro", "bg", "hr", "sr", "el", "tr",
    "ar", "he", "hi", "ko", "zh-hans", "ru", "be",
)  # fmt: skip


def language_name(code: str) -> str:
    """The language's name in the active interface language, e.g. "Japanese"."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
