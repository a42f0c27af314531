"""Languages applicants speak (not the portal's interface languages)."""

from legion import cldr

# Working and interview languages offered in forms. Norwegian is one spoken language
# (Bokmål and Nynorsk are its two written standards), so it is offered once.
SPOKEN_LANGUAGES = (
    "en", "uk", "es", "fr", "de", "pl", "ja", "ka", "lt", "lv", "et", "no", "da",
    "sv", "fi", "nl", "it", "pt", "cs", "sk", "hu", "ro", "bg", "hr", "sr", "el", "tr",
    "ar", "he", "hi", "ko", "zh-hans", "ru", "be",
)  # fmt: skip


def language_name(code: str, *, in_sentence: bool = False) -> str:
    """The language's name in the active interface language, from CLDR: "日本語" for
    "ja" in Japanese, "Англійська" for "en" in Ukrainian ("англійська" `in_sentence`)."""
    return cldr.language_name(code, in_sentence=in_sentence)
