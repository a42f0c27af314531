"""Names of countries and languages come from CLDR: in the page's language, sorted the
way that language sorts, with nationalities only (no uninhabited territories)."""

import re

import pytest
from django.conf import settings

from legion import cldr

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def options(client, url, language, select):
    client.cookies["django_language"] = language
    html = client.get(url).content.decode()
    block = html[html.index(f'name="{select}"') :]
    block = block[: block.index("</select>")]
    return re.findall(r'<option value="(\w*)"[^>]*>([^<]*)</option>', block)


def before(names, first, second):
    return names.index(first) < names.index(second)


@pytest.mark.parametrize("language", LANGUAGES)
def test_nationality_list_has_no_territories_without_people(applicant_client, language):
    codes = {
        code
        for code, _ in options(applicant_client, "/apply/nationality/", language, "nationality")
    }
    assert {"GB", "JP", "UA", "GE", "NO"} <= codes
    assert not codes & {"AQ", "BV", "HM", "GS", "TF", "UM", "IO"}


@pytest.mark.parametrize(
    ("language", "first", "second", "third"),
    [
        # English order would put Afghanistan before Iceland.
        ("ja", "アイスランド", "アフガニスタン", "アルバニア"),
        # Ukrainian: А before І (English transliteration order would not be this).
        ("uk", "Австралія", "Ірландія", "Японія"),
        ("es", "Afganistán", "España", "Zimbabue"),
        ("fr", "Danemark", "Égypte", "Espagne"),
        ("de", "Oman", "Österreich", "Pakistan"),
        ("pl", "Litwa", "Luksemburg", "Łotwa"),
        ("en", "Afghanistan", "Åland Islands", "Albania"),
    ],
)
def test_countries_are_named_and_sorted_in_the_page_language(
    applicant_client, language, first, second, third
):
    names = [
        n for _c, n in options(applicant_client, "/apply/nationality/", language, "nationality")
    ]
    assert before(names, first, second) and before(names, second, third)


def test_japanese_list_sorts_kanji_names_by_reading_and_calls_georgia_georgia(applicant_client):
    names = [n for _c, n in options(applicant_client, "/apply/nationality/", "ja", "nationality")]
    assert "ジョージア" in names and "グルジア" not in names
    # 日本 (にほん) between ナイジェリア and ニュージーランド, 中国 (ちゅうごく) after チャド.
    assert before(names, "ナイジェリア", "日本") and before(names, "日本", "ニュージーランド")
    assert before(names, "チャド", "中国") and before(names, "中国", "チリ")
    # Names with a parenthesis sort in their place, not after every other name.
    assert before(names, "マレーシア", "ミャンマー (ビルマ)")
    assert before(names, "ミャンマー (ビルマ)", "メキシコ")


def test_ukrainian_language_list_is_in_ukrainian_order(applicant_client):
    names = [n for _c, n in options(applicant_client, "/apply/languages/", "uk", "code")]
    assert before(names, "Англійська", "Іврит") and before(names, "Іврит", "Іспанська")
    assert before(names, "Іспанська", "Італійська") and before(names, "Італійська", "Японська")


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_list_offers_norwegian_once_and_english_without_a_region(
    applicant_client, language
):
    entries = dict(options(applicant_client, "/apply/languages/", language, "code"))
    assert "nb" not in entries and "no" in entries
    assert entries["en"] == cldr.language_name("en", language=language)
    assert "(" not in entries["en"] and "（" not in entries["en"]
    assert "Bokmal" not in " ".join(entries.values())


@pytest.mark.parametrize(
    ("language", "english", "norwegian", "japanese"),
    [
        ("ja", "英語", "ノルウェー語", "日本語"),
        ("uk", "Англійська", "Норвезька", "Японська"),
        ("es", "Inglés", "Noruego", "Japonés"),
        ("fr", "Anglais", "Norvégien", "Japonais"),
        ("de", "Englisch", "Norwegisch", "Japanisch"),
        ("pl", "Angielski", "Norweski", "Japoński"),
        ("en", "English", "Norwegian", "Japanese"),
    ],
)
def test_language_names_are_cldrs_in_the_page_language(
    applicant_client, language, english, norwegian, japanese
):
    entries = dict(options(applicant_client, "/apply/languages/", language, "code"))
    assert (entries["en"], entries["no"], entries["ja"]) == (english, norwegian, japanese)


@pytest.mark.parametrize(
    ("language", "name"), [("ja", "ジョージア"), ("uk", "Грузія"), ("en", "Georgia")]
)
def test_advice_page_names_the_country_in_the_page_language(client, risk_notice, language, name):
    client.cookies["django_language"] = language
    html = client.get("/advice/ge/").content.decode()
    assert f'<h1 class="heading-xl">{name}</h1>' in html
