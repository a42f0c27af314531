"""Synthetic applicants for training, tests and benchmarks: no real person's data.

People are drawn with the 2022 nationality mix (US 31%, UK 18%, Germany 6.8%, Canada
4.7%, India 2.8%, then a long tail including Ukraine, Georgia, Greece, the Arab world),
names from Faker's per-country lists in the country's own script, and a passport
spelling. Duplicate records of the same person are rendered the way they arrive at
different embassies: native script or another romanisation, the Russian form of a
Ukrainian name, a nickname, swapped name order, typos, day/month swaps, a new
passport, a move to another home. Hard negatives are different people sharing a
common name and birth year.

Home addresses are drawn from a second random stream, so that adding them left every
name, date and passport of a seed as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import itertools
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

NATIONALITY_MIX = (
    ("US", 31.0),
    ("GB", 18.0),
    ("DE", 6.8),
    ("CA", 4.7),
    ("IN", 2.8),
    ("UA", 4.0),
    ("GE", 3.0),
    ("GR", 2.5),
    ("JO", 2.5),
    ("LT", 2.5),
    ("NO", 2.0),
    ("FR", 3.0),
    ("DK", 2.0),
    ("LV", 2.0),
    ("RU", 2.0),
    ("JP", 1.5),
    ("AU", 3.0),
    ("IL", 1.0),
)
LOCALES = {
    "US": "en_US",
    "GB": "en_GB",
    "DE": "de_DE",
    "CA": "en_US",
    "IN": "en_IN",
    "UA": "uk_UA",
    "GE": "ka_GE",
    "GR": "el_GR",
    "LT": "lt_LT",
    "NO": "no_NO",
    "FR": "fr_FR",
    "DK": "da_DK",
    "LV": "lv_LV",
    "RU": "ru_RU",
    "AU": "en_GB",
}
# How each country's passports romanise the native script (ICU rule ids).
PASSPORT_ROMANISATION = {
    "UA": "Ukrainian-Latin/BGN",
    "RU": "Russian-Latin/BGN",
    "GE": "Georgian-Latin/BGN",
    "GR": "Greek-Latin/UNGEGN",
}
# Arabic names are written without vowels; passports spell them several ways.
ARABIC_GIVEN = {
    "محمد": ("Muhammad", "Mohammed", "Mohamed", "Mohammad"),
    "أحمد": ("Ahmed", "Ahmad"),
    "علي": ("Ali",),
    "حسن": ("Hassan", "Hasan"),
    "خالد": ("Khalid", "Khaled"),
    "عمر": ("Omar", "Umar"),
    "يوسف": ("Yousef", "Youssef", "Yusuf"),
    "إبراهيم": ("Ibrahim", "Ebrahim"),
    "مصطفى": ("Mustafa", "Moustafa"),
    "سعيد": ("Said", "Saeed"),
    "كريم": ("Karim", "Kareem"),
    "طارق": ("Tariq", "Tarek"),
}
ARABIC_SURNAMES = {
    "حداد": ("Haddad",),
    "نصر": ("Nasr", "Nassar"),
    "خوري": ("Khoury", "Khouri"),
    "منصور": ("Mansour", "Mansur"),
    "سليمان": ("Suleiman", "Sulayman", "Soliman"),
    "حمدان": ("Hamdan",),
    "شريف": ("Sharif", "Sherif"),
    "عثمان": ("Othman", "Osman", "Uthman"),
    "جابر": ("Jaber", "Jabir"),
    "رحمن": ("Rahman",),
    "قاسم": ("Qasim", "Kassem", "Kasim"),
    "صالح": ("Saleh", "Salih"),
}
HEBREW_GIVEN = {"דוד": ("David",), "יוסף": ("Yosef", "Joseph"), "משה": ("Moshe",)}
HEBREW_SURNAMES = {"כהן": ("Cohen", "Kohen"), "לוי": ("Levi", "Levy"), "מזרחי": ("Mizrahi",)}
# Ukrainian given names and the Russian form the same person is often registered under.
UKRAINIAN_RUSSIAN = {
    "Володимир": "Владимир",
    "Олександр": "Александр",
    "Дмитро": "Дмитрий",
    "Микола": "Николай",
    "Сергій": "Сергей",
    "Олексій": "Алексей",
    "Андрій": "Андрей",
    "Юрій": "Юрий",
    "Михайло": "Михаил",
    "Петро": "Пётр",
    "Павло": "Павел",
    "Григорій": "Григорий",
    "Євген": "Евгений",
    "Василь": "Василий",
    "Іван": "Иван",
    "Віктор": "Виктор",
}
NICKNAMES = {
    "William": ("Bill", "Will"),
    "Robert": ("Bob", "Rob"),
    "James": ("Jim", "Jamie"),
    "Michael": ("Mike",),
    "Alexander": ("Alex",),
    "Elizabeth": ("Liz", "Beth"),
    "Katherine": ("Kate",),
    "Richard": ("Rick", "Dick"),
    "Thomas": ("Tom",),
    "Christopher": ("Chris",),
    "Daniel": ("Dan",),
    "Joseph": ("Joe",),
    "Anthony": ("Tony",),
    "Matthew": ("Matt",),
    "Benjamin": ("Ben",),
    "Nicholas": ("Nick",),
    "Edward": ("Ed", "Ted"),
    "Jonathan": ("Jon",),
    "Samuel": ("Sam",),
    "Andrew": ("Andy",),
    "Steven": ("Steve",),
    "Timothy": ("Tim",),
    "David": ("Dave",),
    "Peter": ("Pete",),
}
GEORGIAN_ENGLISH = {"გიორგი": "George", "დავით": "David", "ნიკოლოზ": "Nicholas"}
PLACES = {
    "US": ("New York", "Chicago", "San Antonio", "Fort Worth", "Columbus"),
    "GB": ("Aldershot", "Manchester", "Leeds", "Glasgow", "Plymouth"),
    "DE": ("München", "Köln", "Nürnberg", "Düsseldorf", "Leipzig"),
    "CA": ("Toronto", "Montréal", "Ottawa", "Calgary"),
    "IN": ("Mumbai", "Delhi", "Bengaluru", "Chennai"),
    "UA": ("Київ", "Харків", "Львів", "Одеса", "Дніпро"),
    "GE": ("თბილისი", "ბათუმი", "ქუთაისი"),
    "GR": ("Αθήνα", "Θεσσαλονίκη", "Πάτρα"),
    "RU": ("Москва", "Санкт-Петербург", "Новосибирск"),
}
# Spellings of the same place that arrive in practice.
PLACE_VARIANTS = {
    "Київ": ("Kyiv", "Kiev", "Kyjiw"),
    "Харків": ("Kharkiv", "Kharkov", "Charkiw"),
    "Львів": ("Lviv", "Lvov", "Lemberg"),
    "Одеса": ("Odesa", "Odessa"),
    "Дніпро": ("Dnipro", "Dnepr"),
    "München": ("Munich", "Muenchen"),
    "Köln": ("Cologne", "Koeln"),
    "Montréal": ("Montreal",),
    "Mumbai": ("Bombay",),
    "Bengaluru": ("Bangalore",),
}

# Towns people live in (native spelling), a dozen or so per country: a few large cities
# most people live in, then smaller towns.
TOWNS = {
    "US": (
        "New York",
        "Los Angeles",
        "Chicago",
        "Houston",
        "Phoenix",
        "San Antonio",
        "Fort Worth",
        "Columbus",
        "Austin",
        "Denver",
        "Boise",
        "Tulsa",
        "Fayetteville",
        "Killeen",
        "Clarksville",
        "Jacksonville",
    ),
    "GB": (
        "London",
        "Aldershot",
        "Manchester",
        "Leeds",
        "Glasgow",
        "Plymouth",
        "Bristol",
        "Colchester",
        "Catterick",
        "Tidworth",
        "Cardiff",
        "Belfast",
        "Portsmouth",
    ),
    "DE": (
        "Berlin",
        "Hamburg",
        "München",
        "Köln",
        "Nürnberg",
        "Düsseldorf",
        "Leipzig",
        "Koblenz",
        "Munster",
        "Ulm",
    ),
    "CA": (
        "Toronto",
        "Montréal",
        "Ottawa",
        "Calgary",
        "Edmonton",
        "Winnipeg",
        "Halifax",
        "Kingston",
        "Petawawa",
    ),
    "IN": ("Mumbai", "Delhi", "Bengaluru", "Chennai", "Pune", "Jaipur", "Lucknow"),
    "UA": ("Київ", "Харків", "Львів", "Одеса", "Дніпро", "Житомир", "Ужгород"),
    "GE": ("თბილისი", "ბათუმი", "ქუთაისი", "რუსთავი", "გორი"),
    "GR": ("Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο", "Λάρισα"),
    "JO": ("Amman", "Zarqa", "Irbid", "Aqaba"),
    "LT": ("Vilnius", "Kaunas", "Klaipėda", "Šiauliai"),
    "NO": ("Oslo", "Bergen", "Trondheim", "Stavanger", "Bodø"),
    "FR": ("Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Lille"),
    "DK": ("København", "Aarhus", "Odense", "Aalborg"),
    "LV": ("Rīga", "Daugavpils", "Liepāja", "Jelgava"),
    "RU": ("Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург"),
    "JP": ("Tokyo", "Osaka", "Yokohama", "Sapporo", "Fukuoka"),
    "AU": ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Darwin", "Townsville"),
    "IL": ("Tel Aviv", "Jerusalem", "Haifa", "Beersheba"),
}
# A postcode per country: "#" a digit, "@" a letter; the first `district` characters are
# the same for a whole town (postcodes are hierarchical), the rest vary by street, so
# that a town has about a thousand postcodes or more: two applicants share one about
# as rarely as two residents of the real country do.
POSTCODES = {
    "US": ("#####", 2),
    "GB": ("@@# #@@", 3),
    "DE": ("#####", 2),
    "CA": ("@#@ #@#", 3),
    "IN": ("######", 3),
    "UA": ("#####", 2),
    "GE": ("####", 1),
    "GR": ("### ##", 2),
    "JO": ("#####", 2),
    "LT": ("LT-#####", 5),
    "NO": ("####", 1),
    "FR": ("#####", 2),
    "DK": ("####", 1),
    "LV": ("LV-####", 4),
    "RU": ("######", 3),
    "JP": ("###-####", 3),
    "AU": ("####", 1),
    "IL": ("#######", 3),
}
# How a street line is written per country, and the words that get abbreviated.
STREET_FORMATS = {
    "DE": ("{name}straße {number}", "{name}weg {number}"),
    "FR": ("{number} rue {name}", "{number} avenue {name}"),
    "UA": ("вул. {name}, {number}", "вулиця {name}, {number}"),
    "RU": ("ул. {name}, {number}", "улица {name}, {number}"),
    "DK": ("{name}vej {number}",),
    "NO": ("{name}s gate {number}",),
    "LT": ("{name} g. {number}",),
    "LV": ("{name} iela {number}",),
    "GE": ("{name} ქუჩა {number}",),
    "GR": ("{name} {number}",),
    "JP": ("{number}-{unit} {name}",),
}
ENGLISH_STREETS = ("Street", "Road", "Avenue", "Lane", "Drive", "Close", "Way", "Court")
ABBREVIATIONS = {
    "Street": "St",
    "Road": "Rd",
    "Avenue": "Ave",
    "Lane": "Ln",
    "Drive": "Dr",
    "Court": "Ct",
    "straße": "str.",
    "вулиця": "вул.",
    "улица": "ул.",
}


@dataclass(frozen=True)
class Record:
    id: str
    cluster: int  # the true person; never shown to the matcher
    given_name: str
    surname: str
    date_of_birth: str
    sex: str
    nationality: str
    passport_number: str
    place_of_birth: str
    address: str = ""
    town: str = ""
    postcode: str = ""

    def row(self) -> dict[str, str]:
        return {
            "id": self.id,
            "given_name": self.given_name,
            "surname": self.surname,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "nationality": self.nationality,
            "passport_number": self.passport_number,
            "place_of_birth": self.place_of_birth,
            "address": self.address,
            "town": self.town,
            "postcode": self.postcode,
        }


CSV_COLUMNS = (
    "id",
    "given_name",
    "surname",
    "date_of_birth",
    "sex",
    "nationality",
    "passport_number",
    "place_of_birth",
    "address",
    "town",
    "postcode",
)


@cache
def _icu(rule: str):
    import icu

    return icu.Transliterator.createInstance(f"{rule}; Latin-ASCII")


def romanise(text: str, rule: str) -> str:
    return _icu(rule).transliterate(text).replace("ʹ", "").replace("'", "").title()


@cache
def _name_lists(
    locale: str, sex: str
) -> tuple[tuple[str, ...], tuple[float, ...], tuple[str, ...], tuple[float, ...]]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    given = getattr(provider, "first_names_male" if sex == "M" else "first_names_female", None)
    given = given or provider.first_names
    surnames = getattr(provider, "last_names_male" if sex == "M" else "last_names_female", None)
    surnames = surnames or provider.last_names

    def weighted(values) -> tuple[tuple[str, ...], tuple[float, ...]]:
        """Names and their cumulative weights (for random.choices(cum_weights=...))."""
        if isinstance(values, dict):
            names, weights = tuple(values), [float(w) for w in values.values()]
        else:
            # Zipf-like skew: a few names are common, most are rare.
            names = tuple(values)
            weights = [1.0 / (i + 1) ** 0.8 for i in range(len(names))]
        return names, tuple(itertools.accumulate(weights))

    g, gw = weighted(given)
    s, sw = weighted(surnames)
    return g, gw, s, sw


class PeopleGenerator:
    """Draws people and renders records of them; deterministic for a seed."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
        self.homes = random.Random(f"homes-{seed}")  # noqa: S311
        self.countries = [c for c, _ in NATIONALITY_MIX]
        self.country_weights = list(itertools.accumulate(w for _, w in NATIONALITY_MIX))

    # -- the true person ---------------------------------------------------------------
    def person(self, *, nationality: str | None = None) -> dict[str, str]:
        rng = self.rng
        country = nationality or rng.choices(self.countries, cum_weights=self.country_weights)[0]
        sex = "M" if rng.random() < 0.88 else "F"
        if country == "JO":
            native_given = rng.choice(list(ARABIC_GIVEN))
            native_surname = rng.choice(list(ARABIC_SURNAMES))
            given = rng.choice(ARABIC_GIVEN[native_given])
            surname = rng.choice(ARABIC_SURNAMES[native_surname])
            sex = "M"
        elif country == "IL":
            native_given = rng.choice(list(HEBREW_GIVEN))
            native_surname = rng.choice(list(HEBREW_SURNAMES))
            given = HEBREW_GIVEN[native_given][0]
            surname = HEBREW_SURNAMES[native_surname][0]
            sex = "M"
        elif country == "JP":
            provider = importlib.import_module("faker.providers.person.ja_JP").Provider
            given = rng.choice(provider.first_romanized_names_male)
            surname = rng.choice(provider.last_romanized_names)
            native_given, native_surname = given, surname
            sex = "M"
        else:
            names, weights, surnames, surname_weights = _name_lists(LOCALES[country], sex)
            native_given = rng.choices(names, cum_weights=weights)[0]
            native_surname = rng.choices(surnames, cum_weights=surname_weights)[0]
            rule = PASSPORT_ROMANISATION.get(country)
            given = romanise(native_given, rule) if rule else native_given
            surname = romanise(native_surname, rule) if rule else native_surname
        born = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(0, 42 * 365))
        places = PLACES.get(country, ("",))
        return {
            "nationality": country,
            "sex": sex,
            "native_given": native_given,
            "native_surname": native_surname,
            "given": given,
            "surname": surname,
            "dob": born.isoformat(),
            "passport": self._passport(country),
            "place": rng.choice(places),
            **self.home(country),
        }

    def home(self, country: str) -> dict[str, str]:
        """A home address in `country`: street line, town, postcode (5% have none)."""
        rng = self.homes
        if rng.random() < 0.05:
            return {"address": "", "town": "", "postcode": ""}
        towns = TOWNS[country]
        # Zipf-like: most people live in the first few towns of the list.
        town = rng.choices(towns, weights=[1 / (i + 1) for i in range(len(towns))])[0]
        street = self._street_name(country)
        number = str(rng.choice((rng.randint(1, 30), rng.randint(1, 200))))
        formats = STREET_FORMATS.get(country) or tuple(
            f"{{number}} {{name}} {word}" for word in ENGLISH_STREETS
        )
        line = rng.choice(formats).format(name=street, number=number, unit=rng.randint(1, 20))
        return {"address": line, "town": town, "postcode": self._postcode(country, town)}

    def _street_name(self, country: str) -> str:
        rng = self.homes
        if country == "JO":
            return rng.choice([v[0] for v in ARABIC_SURNAMES.values()])
        if country == "IL":
            return rng.choice([v[0] for v in HEBREW_SURNAMES.values()])
        if country == "JP":
            return rng.choice(TOWNS["JP"])
        # Streets are named after all sorts of people, not mostly after the commonest.
        return rng.choice(_name_lists(LOCALES[country], "M")[2])

    def household_member(self, p: dict[str, str]) -> dict[str, str]:
        """Another person from the same home (a hard negative): a brother, father or son
        (same surname; rarely a twin, with the same date of birth), or a flatmate (own
        surname)."""
        rng = self.homes
        member = dict(p)
        r = rng.random()
        country = p["nationality"]
        spellings = {"JO": ARABIC_GIVEN, "IL": HEBREW_GIVEN}.get(country)
        if spellings or country == "JP":
            if spellings:
                choices = [(native, spelt[0]) for native, spelt in spellings.items()]
            else:
                provider = importlib.import_module("faker.providers.person.ja_JP").Provider
                choices = [(name, name) for name in provider.first_romanized_names_male]
            choices = [c for c in choices if c[0] != p["native_given"]]
            member["native_given"], member["given"] = rng.choice(choices)
        else:
            names, weights, surnames, surname_weights = _name_lists(LOCALES[country], "M")
            while member["native_given"] == p["native_given"]:
                member["native_given"] = rng.choices(names, cum_weights=weights)[0]
            if r < 0.2:
                member["native_surname"] = rng.choices(surnames, cum_weights=surname_weights)[0]
            rule = PASSPORT_ROMANISATION.get(country)
            for key in ("given", "surname"):
                native = member[f"native_{key}"]
                member[key] = romanise(native, rule) if rule else native
        born = dt.date.fromisoformat(p["dob"])
        if 0.2 <= r < 0.22:
            pass  # a twin (rare: both twins volunteering)
        elif r < 0.8:
            born += dt.timedelta(days=rng.choice((-1, 1)) * rng.randrange(300, 12 * 365))
        else:
            born += dt.timedelta(days=rng.choice((-1, 1)) * rng.randrange(18 * 365, 32 * 365))
        member["dob"] = born.isoformat()
        member["passport"] = self._passport(p["nationality"], rng=rng)
        member["sex"] = "M"  # the names above are men's
        if rng.random() < 0.3:
            member["place"] = rng.choice(PLACES.get(p["nationality"], ("",)))
        return member

    def _postcode(self, country: str, town: str) -> str:
        pattern, district = POSTCODES[country]
        # The town's district part is fixed by the town's name; the rest is random.
        fixed = random.Random(zlib.crc32(f"{country}{town}".encode()))  # noqa: S311
        chars = []
        for i, char in enumerate(pattern):
            source = fixed if i < district else self.homes
            if char == "#":
                chars.append(source.choice("0123456789"))
            elif char == "@":
                chars.append(source.choice("ABCDEFGHJKLMNPRSTUWXYZ"))
            else:
                chars.append(char)
        return "".join(chars)

    def _home_variant(self, p: dict[str, str]) -> dict[str, str]:
        """The home as another record of the same person gives it: moved (15%), left out
        (10%), or the same home written another way (abbreviations, another script for
        the town, a typo)."""
        rng = self.homes
        r = rng.random()
        if r < 0.15:
            return self.home(p["nationality"])
        if r < 0.25 or not p["address"]:
            return {"address": "", "town": "", "postcode": ""}
        address, town, postcode = p["address"], p["town"], p["postcode"]
        if rng.random() < 0.3:
            for word, short in ABBREVIATIONS.items():
                address = address.replace(word, short)
        if not address.isascii() and rng.random() < 0.5:
            address = romanise(address, PASSPORT_ROMANISATION.get(p["nationality"], "Any-Latin"))
        address = self._typo(address, 0.1, rng=rng)
        if not town.isascii() and rng.random() < 0.6:
            town = rng.choice(PLACE_VARIANTS.get(town, (romanise(town, "Any-Latin"),)))
        elif rng.random() < 0.05:
            town = ""
        postcode = self._typo(postcode, 0.03, digits=True, rng=rng)
        if rng.random() < 0.1:
            postcode = ""
        return {"address": address, "town": town, "postcode": postcode}

    def _passport(self, country: str, rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        if country in ("US", "GB", "CA", "AU", "NO", "DK"):
            return "".join(rng.choice("0123456789") for _ in range(9))
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
        return letters + "".join(rng.choice("0123456789") for _ in range(7))

    # -- how one record of that person arrives ------------------------------------------
    def render(
        self,
        p: dict[str, str],
        *,
        record_id: str,
        cluster: int,
        noisy: bool,
        rng: random.Random | None = None,
    ) -> Record:
        """One record of person `p`; `rng` draws the spelling of a clean record's place
        (household members come from the homes stream, which leaves the main one as it
        was)."""
        rng = rng or self.rng
        given, surname, dob, passport, place = (
            p["given"],
            p["surname"],
            p["dob"],
            p["passport"],
            p["place"],
        )
        sex, nationality = p["sex"], p["nationality"]
        home = {k: p[k] for k in ("address", "town", "postcode")}
        if place and not place.isascii() and rng.random() < 0.8:
            place = rng.choice(PLACE_VARIANTS.get(place, (place,)))
        if noisy:
            given, surname = self._name_variant(p)
            if rng.random() < 0.05:
                given, surname = surname, given
            given = self._typo(self._typo(given, 0.2), 0.05)
            surname = self._typo(self._typo(surname, 0.2), 0.05)
            dob = self._dob_variant(dob)
            r = rng.random()
            if r < 0.15:
                passport = self._passport(p["nationality"])  # renewed passport
            elif r < 0.25:
                passport = self._typo(passport, 1.0, digits=True)
            elif r < 0.35:
                passport = ""
            if rng.random() < 0.3:
                place = rng.choice(PLACE_VARIANTS.get(place, (place,)))
            elif rng.random() < 0.2:
                place = ""
            if rng.random() < 0.1:
                sex = ""
            if rng.random() < 0.03:
                nationality = rng.choice(self.countries)  # applied on a second passport
            if rng.random() < 0.03:
                given = ""
            if rng.random() < 0.02:
                dob = ""
            home = self._home_variant(p)
        return Record(
            id=record_id,
            cluster=cluster,
            given_name=given,
            surname=surname,
            date_of_birth=dob,
            sex=sex,
            nationality=nationality,
            passport_number=passport,
            place_of_birth=place,
            **home,
        )

    def _name_variant(self, p: dict[str, str]) -> tuple[str, str]:
        rng = self.rng
        given, surname = p["given"], p["surname"]
        native_given, native_surname = p["native_given"], p["native_surname"]
        country = p["nationality"]
        r = rng.random()
        if country == "UA" and native_given in UKRAINIAN_RUSSIAN and r < 0.3:
            russian = UKRAINIAN_RUSSIAN[native_given]
            return rng.choice((russian, romanise(russian, "Russian-Latin/BGN"))), surname
        if native_given != given and r < 0.5:
            if country == "JO":
                return (
                    rng.choice((native_given, *ARABIC_GIVEN[native_given])),
                    rng.choice((native_surname, *ARABIC_SURNAMES[native_surname])),
                )
            if rng.random() < 0.5:
                return native_given, native_surname  # written in the native script
            return romanise(native_given, "Any-Latin"), romanise(native_surname, "Any-Latin")
        if given in NICKNAMES and r < 0.6:
            return rng.choice(NICKNAMES[given]), surname
        if native_given in GEORGIAN_ENGLISH and r < 0.6:
            return GEORGIAN_ENGLISH[native_given], surname
        if r < 0.7 and given.isascii():
            return self._respell(given), self._respell(surname)
        return given, surname

    def _respell(self, name: str) -> str:
        """Another plausible Latin spelling (German, French or English conventions)."""
        swaps = (("y", "i"), ("v", "w"), ("kh", "h"), ("ts", "z"), ("j", "y"), ("ou", "u"))
        old, new = self.rng.choice(swaps)
        return name.replace(old, new)

    def _typo(
        self,
        text: str,
        probability: float,
        *,
        digits: bool = False,
        rng: random.Random | None = None,
    ) -> str:
        rng = rng or self.rng
        if not text or rng.random() >= probability:
            return text
        alphabet = "0123456789" if digits else "abcdefghijklmnopqrstuvwxyz"
        i = rng.randrange(len(text))
        kind = rng.random()
        if kind < 0.35:
            return text[:i] + rng.choice(alphabet) + text[i + 1 :]
        if kind < 0.6:
            return text[:i] + text[i + 1 :] if len(text) > 2 else text
        if kind < 0.8:
            return text[:i] + rng.choice(alphabet) + text[i:]
        if i + 1 < len(text):
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text

    def _dob_variant(self, dob: str) -> str:
        rng = self.rng
        r = rng.random()
        year, month, day = dob.split("-")
        if r < 0.06 and int(day) <= 12:
            return f"{year}-{day}-{month}"
        if r < 0.2:
            digits = list(year + month + day)
            for i in rng.sample(range(8), 1 if r < 0.15 else 2):
                digits[i] = rng.choice("0123456789")
            s = "".join(digits)
            return f"{s[:4]}-{s[4:6]}-{s[6:]}"
        if r < 0.23:  # a different date altogether: another person's, or a form filled wrongly
            return f"{int(year) + rng.choice((-1, 0, 1))}-{rng.randrange(1, 13):02d}-{day}"
        return dob


@dataclass(frozen=True)
class LabelledSet:
    records: list[Record]

    def true_pairs(self) -> set[tuple[str, str]]:
        by_cluster: dict[int, list[str]] = {}
        for r in self.records:
            by_cluster.setdefault(r.cluster, []).append(r.id)
        pairs = set()
        for ids in by_cluster.values():
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    pairs.add((min(a, b), max(a, b)))
        return pairs


def people(
    n_people: int,
    *,
    seed: int = 0,
    duplicate_share: float = 0.3,
    hard_negative_share: float = 0.05,
    household_share: float = 0.03,
    prefix: str = "r",
) -> LabelledSet:
    """A deduplication set: each person appears once, a share of them two or three
    times (at different embassies, rendered differently), and a share of records are
    other people with the same common name and birth year or from the same home
    (hard negatives)."""
    gen = PeopleGenerator(seed)
    records: list[Record] = []
    cluster = 0
    for _ in range(n_people):
        p = gen.person()
        copies = 1
        if gen.rng.random() < duplicate_share:
            copies = 2 if gen.rng.random() < 0.85 else 3
        for copy in range(copies):
            records.append(
                gen.render(p, record_id=f"{prefix}{len(records)}", cluster=cluster, noisy=copy > 0)
            )
        cluster += 1
        if gen.rng.random() < hard_negative_share:
            twin = gen.person(nationality=p["nationality"])
            year = p["dob"][:4]
            twin = {**twin, "given": p["given"], "surname": p["surname"]}
            twin["native_given"], twin["native_surname"] = p["native_given"], p["native_surname"]
            twin["dob"] = year + twin["dob"][4:]
            records.append(
                gen.render(twin, record_id=f"{prefix}{len(records)}", cluster=cluster, noisy=False)
            )
            cluster += 1
        if gen.homes.random() < household_share:
            member = gen.household_member(p)
            records.append(
                gen.render(
                    member,
                    record_id=f"{prefix}{len(records)}",
                    cluster=cluster,
                    noisy=False,
                    rng=gen.homes,
                )
            )
            cluster += 1
    gen.rng.shuffle(records)
    return LabelledSet(records)


def split_for_linking(data: LabelledSet) -> tuple[list[Record], list[Record]]:
    """Two files to link (as two missions' exports): one record of each person in A,
    the other records in B."""
    seen: set[int] = set()
    a, b = [], []
    for record in data.records:
        (b if record.cluster in seen else a).append(record)
        seen.add(record.cluster)
    return a, b


def write_csv(records: list[Record], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow(record.row())


def iter_records(records: list[Record]) -> Iterator[dict[str, str]]:
    for record in records:
        yield record.row()


def with_id(record: Record, new_id: str) -> Record:
    return replace(record, id=new_id)
