"""Translated data: shown in the page's language with the English fallback marked,
carried to new interview slots, and round-tripped through .po catalogues."""

import datetime as dt
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from legion.cases.instructions import instructions_defaults
from legion.cases.states import CaseState
from legion.content.catalogues import CatalogueError, catalogue_build, catalogue_import
from legion.interviews.services import slot_series_create
from legion.missions.models import Mission
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


def entry(catalogue: polib.POFile, context: str, english: str) -> polib.POEntry:
    return next(e for e in catalogue if e.msgctxt == context and e.msgid == english)


def test_a_text_reads_in_the_active_language_or_in_english(london):
    london.name_uk = "Посольство України у Сполученому Королівстві"
    london.save()
    with translation.override("uk"):
        assert Mission.objects.get(pk=london.pk).name.startswith("Посольство")
    with translation.override("ja"):
        assert Mission.objects.get(pk=london.pk).name == "Embassy of Ukraine in London"


def test_the_status_page_marks_the_english_fallback_and_not_a_translation(client, case):
    set_state(case, CaseState.SUBMITTED)
    sign_in(client, case)
    client.cookies["django_language"] = "uk"
    page = client.get("/my-application/").content.decode()
    assert '<span lang="en">Embassy of Ukraine in London</span>' in page
    case.mission.name_uk = "Посольство України в Лондоні"
    case.mission.save()
    page = client.get("/my-application/").content.decode()
    assert "Посольство України в Лондоні" in page
    assert '<span lang="en">Embassy of Ukraine in London</span>' not in page


def test_the_export_offers_each_english_text_once_with_its_translation(london):
    london.city_uk = "Лондон"
    london.save()
    f.MissionFactory(code="man", name="Consulate in Manchester", city="London")
    catalogue = catalogue_build("uk")
    london_city = [e for e in catalogue if e.msgctxt == "missions.mission.city"]
    assert [(e.msgid, e.msgstr) for e in london_city] == [("London", "Лондон")]
    assert entry(catalogue, "missions.mission.name", "Consulate in Manchester").msgstr == ""
    assert ("mission:man", "") in london_city[0].occurrences


def test_an_import_applies_a_translation_to_every_record_with_that_text_and_reports(
    london, tmp_path
):
    other = f.MissionFactory(code="man", name="Consulate in Manchester", city="London")
    catalogue = catalogue_build("de")
    entry(catalogue, "missions.mission.city", "London").msgstr = "London (Stadt)"
    entry(catalogue, "missions.mission.name", "Consulate in Manchester").msgstr = "Konsulat"
    catalogue.append(
        polib.POEntry(msgctxt="missions.mission.name", msgid="Embassy in Atlantis", msgstr="X")
    )
    path = tmp_path / "de.po"
    catalogue.save(str(path))
    report = catalogue_import(path)
    assert report.language == "de"
    assert {(c, e) for c, e, _before, _now in report.changed} == {
        ("missions.mission.city", "London"),
        ("missions.mission.name", "Consulate in Manchester"),
    }
    assert report.missing == [("missions.mission.name", "Embassy in Atlantis")]
    london.refresh_from_db()
    other.refresh_from_db()
    assert london.city_de == other.city_de == "London (Stadt)"
    assert catalogue_import(path).changed == []  # a second import changes nothing


def test_a_dry_run_reports_and_changes_nothing(london, tmp_path):
    catalogue = catalogue_build("fr")
    entry(catalogue, "missions.mission.city", "London").msgstr = "Londres"
    path = tmp_path / "fr.po"
    catalogue.save(str(path))
    assert len(catalogue_import(path, dry_run=True).changed) == 1
    london.refresh_from_db()
    assert london.city_fr is None


@pytest.mark.parametrize(
    ("content", "language", "message"),
    [
        (b"\xff\xfe not text", None, "not UTF-8"),
        ('msgid "a"\nmsgstr "b"\n', "uk", "not translated data: “a” \\(no context\\)"),
        ('msgctxt "missions.mission.city"\nmsgid "London"\nmsgstr "Londres"\n', None, "language"),
        ('msgctxt "missions.mission.city"\nmsgid "London"\nmsgstr "x"\n', "xx", "“xx”"),
        ("this is a letter, not a catalogue\n", "uk", "not a gettext catalogue"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_changes_nothing(
    london, tmp_path, content, language, message
):
    path = tmp_path / "bad.po"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CatalogueError, match=message):
        catalogue_import(path, language)
    london.refresh_from_db()
    assert london.city_fr is None and london.city_uk is None


def test_the_command_exports_and_imports_and_fails_clearly(london, tmp_path, capsys):
    out = tmp_path / "pl.po"
    call_command("content", "export", "--language", "pl", "--out", str(out))
    catalogue = polib.pofile(str(out))
    entry(catalogue, "missions.mission.city", "London").msgstr = "Londyn"
    catalogue.save(str(out))
    call_command("content", "import", str(out))
    assert "changed  missions.mission.city: “London”: “” → “Londyn”" in capsys.readouterr().out
    london.refresh_from_db()
    assert london.city_pl == "Londyn"
    with pytest.raises(CommandError, match="no such file"):
        call_command("content", "import", str(tmp_path / "missing.po"))
    with pytest.raises(CommandError, match="exactly one --language"):
        call_command("content", "export", "--out", str(out))


def test_a_new_slot_series_reads_like_the_last_one(london):
    first = timezone.localdate() + dt.timedelta(days=1)
    series = {
        "mission_id": london.pk,
        "day_starts": dt.time(9),
        "day_ends": dt.time(10),
        "minutes": 60,
        "location": "London: room 1",
    }
    [slot] = slot_series_create(first_day=first, last_day=first, **series)
    slot.location_ja = "ロンドン：1号室"
    slot.save()
    later = first + dt.timedelta(days=7)
    [new] = slot_series_create(first_day=later, last_day=later, **series)
    new.refresh_from_db()
    assert new.location_ja == "ロンドン：1号室"


def test_instructions_start_from_the_missions_texts_in_the_applicants_language(case):
    case.mission.default_entry_point_uk = "Пункт пропуску Краковець"
    case.mission.save()
    case.language = "uk"
    assert instructions_defaults(case)["entry_point"] == "Пункт пропуску Краковець"
    case.language = "ja"
    assert instructions_defaults(case)["entry_point"] == case.mission.default_entry_point_en


def test_catalogues_sit_beside_the_interface_catalogues():
    for language in ("uk", "ja"):
        assert Path(f"legion/locale/{language}/LC_MESSAGES/content.po").exists()


def test_the_visa_type_reads_in_the_applicants_language_and_staff_pick_from_the_list(case):
    from legion.cases.models import VisaDecision, VisaType
    from legion.workspace.forms import VisaIssueForm

    VisaType.objects.create(
        code="D", label="D (long stay, volunteer)", label_uk="D (довгострокова)"
    )
    visa = VisaDecision(case=case, decision="issued", visa_type="D (long stay, volunteer)")
    with translation.override("uk"):
        assert visa.visa_type_label == "D (довгострокова)"
    with translation.override("ja"):
        assert visa.visa_type_label == "D (long stay, volunteer)"
    assert VisaDecision(case=case, visa_type="Z (other)").visa_type_label == "Z (other)"
    html = str(VisaIssueForm()["visa_type"])
    assert 'list="id_visa_type-options"' in html
    assert '<datalist id="id_visa_type-options"><option value="D (long stay, volunteer)">' in html
