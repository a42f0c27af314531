"""The message catalogues: complete, compiled, and covering every string marked in code.

Completeness is required of every message an applicant can meet: the portal, case
e-mails and documents, eligibility, advisories, interview invitations. Staff-only
messages elsewhere are translated when `make messages` is next run, but a new one
does not fail the suite.
"""

import gettext
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "legion" / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
APPLICANT_FACING = (
    "legion/portal/",
    "legion/cases/",
    "legion/advisories/",
    "legion/interviews/",
    "legion/conversation/",
    "legion/missions/models.py",
    "legion/templates/",
)


def applicant_facing(entry: polib.POEntry) -> bool:
    return any(path.startswith(APPLICANT_FACING) for path, _line in entry.occurrences)


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_an_applicant_can_see_is_translated(language):
    po = catalogue(language)
    untranslated = [e.msgid for e in po if applicant_facing(e) and not e.translated()]
    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    wrong = []
    for entry in catalogue(language):
        if entry.msgid_plural:
            wanted = set(PLACEHOLDER.findall(entry.msgid_plural))
            forms = entry.msgstr_plural.values()
        else:
            wanted = set(PLACEHOLDER.findall(entry.msgid))
            forms = [entry.msgstr]
        wrong += [entry.msgid for form in forms if set(PLACEHOLDER.findall(form)) != wanted]
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_matches_the_source(language):
    """The committed .mo says what the .po says (run `make messages` after editing)."""
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for entry in catalogue(language):
        if entry.msgid_plural:
            if compiled.ngettext(entry.msgid, entry.msgid_plural, 1) != entry.msgstr_plural[0]:
                stale.append(entry.msgid)
        elif entry.msgctxt:
            if compiled.pgettext(entry.msgctxt, entry.msgid) != entry.msgstr:
                stale.append(entry.msgid)
        elif compiled.gettext(entry.msgid) != entry.msgstr:
            stale.append(entry.msgid)
    assert stale == []


def test_every_catalogue_holds_every_applicant_facing_string_marked_in_the_code(
    tmp_path, settings, monkeypatch
):
    """Extract the strings afresh and compare: a new {% translate %} or _() that
    applicants see, without a `make messages`, fails here instead of reaching them in
    English."""
    # The copy is extracted from its own folder; its paths start "legion/" like the real ones.
    if shutil.which("xgettext") is None:
        pytest.skip("gettext tools are not installed (scripts/install-system-packages.sh)")
    # Extract from a copy of the code, so that the real catalogues are never touched.
    source = tmp_path / "src"
    shutil.copytree(
        Path(settings.BASE_DIR) / "legion",
        source / "legion",
        ignore=shutil.ignore_patterns("locale", "tests", "migrations", "static", "__pycache__"),
    )
    settings.LOCALE_PATHS = [tmp_path / "out"]
    monkeypatch.chdir(source)
    call_command(
        "makemessages",
        locale=["uk"],
        extensions=["html", "txt", "py"],
        keep_pot=True,
        verbosity=0,
    )
    pot = polib.pofile(str(tmp_path / "out" / "django.pot"))
    fresh = {(e.msgctxt, e.msgid) for e in pot if applicant_facing(e)}
    missing = {
        language: sorted(m for _c, m in fresh - {(e.msgctxt, e.msgid) for e in catalogue(language)})
        for language in TRANSLATED
    }
    assert missing == {language: [] for language in TRANSLATED}


@pytest.mark.django_db
def test_the_demo_legion_has_every_data_text_in_every_language():
    """The demo's mission names, places, contacts and advisory sources come from the
    content catalogues beside these (legion/locale/*/LC_MESSAGES/content.po)."""
    from legion.content.catalogues import SOURCE_LANGUAGE, translated_fields
    from legion.demo.setup import demo_configure

    demo_configure()
    missing = []
    for tf in translated_fields():
        for record in tf.model._default_manager.exclude(**{tf.column(SOURCE_LANGUAGE): ""}):
            missing += [
                (tf.context, record.pk, language)
                for language in TRANSLATED
                if not getattr(record, tf.column(language))
            ]
    assert missing == []
