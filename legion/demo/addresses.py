"""Plausible home addresses for demo applicants, written the way people of each country
write them in Latin letters: the street and number in the country's order, its postcode
format (some leave it out), and the town. A US, Canadian or Australian town carries its
state or province ("Fayetteville, NC"), a Japanese one its ward ("Nerima-ku, Tokyo"):
the address has no separate field for them.

None of these is a real person's address; street names and postcode areas are real
enough to look right on a visa form and to test identity matching with.
"""

import random
import re
from dataclasses import dataclass

from legion.demo.names import name_for


@dataclass(frozen=True)
class Address:
    line_1: str
    line_2: str
    town: str
    postcode: str
    country: str

    def as_fields(self) -> dict[str, str]:
        """The Applicant fields this address fills."""
        return {
            "address_line_1": self.line_1,
            "address_line_2": self.line_2,
            "address_town": self.town,
            "address_postcode": self.postcode,
            "address_country": self.country,
        }


# Per country: how line 1 is written ({n} house number; {a}-{b}-{n} a Japanese block
# number), some streets, and towns with their postcode pattern (# a digit, @ a letter).
STYLES: dict[str, tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "US": ("{n} {street}", ("Maple Avenue", "Oak Street", "Jefferson Boulevard", "Lincoln Drive"),
           (("Fayetteville, NC", "283##"), ("Killeen, TX", "765##"),
            ("Colorado Springs, CO", "809##"), ("Tacoma, WA", "984##"))),
    "GB": ("{n} {street}", ("Church Road", "Victoria Street", "Station Road", "Queens Avenue"),
           (("Aldershot", "GU11 #@@"), ("Colchester", "CO2 #@@"), ("Manchester", "M14 #@@"),
            ("Plymouth", "PL1 #@@"))),
    "DE": ("{street} {n}", ("Hauptstraße", "Bahnhofstraße", "Lindenweg", "Schillerstraße"),
           (("Berlin", "10###"), ("München", "80###"), ("Leipzig", "04###"), ("Koblenz", "56###"))),
    "CA": ("{n} {street}", ("Bank Street", "Rue Saint-Denis", "Elgin Avenue", "Portage Avenue"),
           (("Ottawa, ON", "K1@ #@#"), ("Winnipeg, MB", "R3@ #@#"), ("Edmonton, AB", "T5@ #@#"))),
    "IN": ("{n}, {street}", ("MG Road", "Nehru Nagar", "Sector 15"),
           (("New Delhi", "1100##"), ("Pune", "4110##"), ("Dehradun", "2480##"))),
    "PL": ("ul. {street} {n}", ("Długa", "Grochowska", "Mickiewicza", "Piłsudskiego"),
           (("Warszawa", "0#-###"), ("Kraków", "3#-###"), ("Rzeszów", "35-###"))),
    "FR": ("{n} {street}", ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo"),
           (("Marseille", "130##"), ("Lyon", "6900#"), ("Calvi", "20260"))),
    "LT": ("{street} g. {n}", ("Gedimino", "Savanorių", "Taikos"),
           (("Vilnius", "LT-0####"), ("Kaunas", "LT-4####"), ("Klaipėda", "LT-9####"))),
    "GE": ("{street} {n}", ("Chavchavadze Ave.", "Rustaveli Ave.", "Tsereteli Ave."),
           (("Tbilisi", "01##"), ("Kutaisi", ""), ("Batumi", "60##"))),
    "NO": ("{street} {n}", ("Storgata", "Kongens gate", "Løkkeveien"),
           (("Oslo", "0###"), ("Bergen", "50##"), ("Tromsø", "90##"))),
    "AU": ("{n} {street}", ("George Street", "Bourke Street", "Anzac Parade"),
           (("Townsville, QLD", "48##"), ("Darwin, NT", "08##"), ("Perth, WA", "60##"))),
    "LV": ("{street} iela {n}", ("Brīvības", "Elizabetes", "Lāčplēša"),
           (("Rīga", "LV-10##"), ("Daugavpils", "LV-54##"))),
    "DK": ("{street} {n}", ("Vesterbrogade", "Nørregade", "Strandvejen"),
           (("København V", "1###"), ("Aarhus C", "8000"), ("Odense C", "5000"))),
    "SE": ("{street} {n}", ("Storgatan", "Drottninggatan", "Kungsgatan"),
           (("Stockholm", "1## ##"), ("Göteborg", "41# ##"), ("Boden", "961 ##"))),
    "NL": ("{street} {n}", ("Kerkstraat", "Dorpsstraat", "Stationsweg"),
           (("Amsterdam", "10## @@"), ("Utrecht", "35## @@"))),
    "JP": ("{a}-{b}-{n} {street}", ("Asahigaoka", "Honcho", "Minami-Aoyama"),
           (("Nerima-ku, Tokyo", "176-00##"), ("Naka-ku, Yokohama", "231-00##"),
            ("Chuo-ku, Sapporo", "060-00##"))),
    "BY": ("vul. {street} {n}", ("Kalinoŭskaha", "Surhanava", "Niezaliežnasci"),
           (("Minsk", "2200##"), ("Hrodna", "2300##"))),
    "EE": ("{street} {n}", ("Pärnu mnt", "Narva mnt", "Tartu mnt"),
           (("Tallinn", "10###"), ("Tartu", "50###"))),
    "FI": ("{street} {n}", ("Mannerheimintie", "Hämeenkatu", "Kauppakatu"),
           (("Helsinki", "00###"), ("Tampere", "33###"))),
    "IE": ("{n} {street}", ("Main Street", "Church Road", "Dublin Road"),
           (("Dublin", "D0# @###"), ("Cork", "T12 @###"), ("Athlone", "N37 @###"))),
    "IT": ("{street} {n}", ("Via Roma", "Via Garibaldi", "Corso Italia"),
           (("Roma", "001##"), ("Milano", "201##"), ("Napoli", "801##"))),
    "ES": ("{street} {n}", ("Calle Mayor", "Avenida de la Constitución", "Calle Real"),
           (("Madrid", "280##"), ("Sevilla", "410##"), ("Zaragoza", "500##"))),
    "CZ": ("{street} {n}", ("Vinohradská", "Husova", "Masarykova"),
           (("Praha", "1## ##"), ("Brno", "6## ##"))),
    "IL": ("{street} {n}", ("Herzl Street", "Rothschild Boulevard", "Ben Yehuda Street"),
           (("Tel Aviv", "6######"), ("Haifa", "3######"))),
    "MX": ("{street} {n}", ("Avenida Juárez", "Calle Hidalgo", "Calle Morelos"),
           (("Ciudad de México", "06###"), ("Guadalajara", "44###"))),
    "BR": ("{street}, {n}", ("Rua das Flores", "Avenida Paulista", "Rua XV de Novembro"),
           (("São Paulo", "01###-###"), ("Curitiba", "80###-###"))),
    "NZ": ("{n} {street}", ("Queen Street", "Cuba Street", "Victoria Street"),
           (("Auckland", "10##"), ("Wellington", "60##"))),
    "HR": ("{street} {n}", ("Ilica", "Vukovarska", "Zagrebačka"),
           (("Zagreb", "10000"), ("Split", "21000"))),
    "BE": ("{street} {n}", ("Rue Neuve", "Kerkstraat", "Avenue Louise"),
           (("Bruxelles", "10##"), ("Liège", "4000"), ("Gent", "9000"))),
    "AT": ("{street} {n}", ("Mariahilfer Straße", "Hauptplatz", "Landstraße"),
           (("Wien", "1###"), ("Graz", "80##"))),
    "CH": ("{street} {n}", ("Bahnhofstrasse", "Hauptgasse", "Rue du Marché"),
           (("Zürich", "80##"), ("Bern", "30##"))),
    "RO": ("Strada {street} {n}", ("Victoriei", "Republicii", "Mihai Eminescu"),
           (("București", "0#####"), ("Cluj-Napoca", "400###"))),
    "KR": ("{n} {street}", ("Sejong-daero", "Teheran-ro", "Jungang-ro"),
           (("Seoul", "0####"), ("Busan", "4####"))),
    "GR": ("{street} {n}", ("Ermou", "Leoforos Kifisias", "Patision"),
           (("Athina", "10# ##"), ("Thessaloniki", "54# ##"))),
    "PT": ("{street} {n}", ("Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina"),
           (("Lisboa", "1###-###"), ("Porto", "4###-###"))),
    "SK": ("{street} {n}", ("Obchodná", "Hlavná", "Štúrova"),
           (("Bratislava", "8## ##"), ("Košice", "040 ##"))),
    "RU": ("ul. {street}, d. {n}", ("Lenina", "Sadovaya", "Mira"),
           (("Moskva", "1#####"), ("Sankt-Peterburg", "19####"))),
    "BG": ("ul. {street} {n}", ("Vitosha", "Graf Ignatiev", "Rakovski"),
           (("Sofia", "1000"), ("Plovdiv", "4000"))),
    "RS": ("{street} {n}", ("Knez Mihailova", "Bulevar oslobođenja", "Njegoševa"),
           (("Beograd", "11000"), ("Novi Sad", "21000"))),
    "CO": ("{street} # {a}-{n}", ("Calle 45", "Carrera 7", "Avenida 68"),
           (("Bogotá", "1100##"), ("Medellín", ""))),
    "AR": ("{street} {n}", ("Avenida Corrientes", "Calle Florida", "Avenida Rivadavia"),
           (("Buenos Aires", "C10##@@@"), ("Córdoba", "X5000"))),
    "ZA": ("{n} {street}", ("Long Street", "Jan Smuts Avenue", "Church Street"),
           (("Cape Town", "8001"), ("Johannesburg", "2###"))),
    "TR": ("{street} No: {n}", ("Atatürk Caddesi", "İstiklal Caddesi", "Cumhuriyet Caddesi"),
           (("İstanbul", "34###"), ("Ankara", "06###"))),
    "IS": ("{street} {n}", ("Laugavegur", "Hverfisgata"), (("Reykjavík", "10#"),)),
    "HU": ("{street} {n}", ("Andrássy út", "Kossuth Lajos utca", "Váci utca"),
           (("Budapest", "1###"), ("Debrecen", "40##"))),
    "SI": ("{street} {n}", ("Slovenska cesta", "Trubarjeva cesta"),
           (("Ljubljana", "1000"), ("Maribor", "2000"))),
    "AZ": ("{street} {n}", ("Nizami küçəsi", "Neftçilər prospekti"),
           (("Bakı", "AZ10##"), ("Gəncə", "AZ20##"))),
    "MD": ("str. {street} {n}", ("Ştefan cel Mare", "Mihai Eminescu"),
           (("Chişinău", "MD-20##"),)),
    "AM": ("{street} {n}", ("Abovyan St.", "Tigran Mets Ave."),
           (("Yerevan", "00##"), ("Gyumri", ""))),
    "CL": ("{street} {n}", ("Avenida Providencia", "Calle Moneda"),
           (("Santiago", "75#####"), ("Valparaíso", "2340000"))),
    "PH": ("{n} {street}", ("Rizal Avenue", "Mabini Street"),
           (("Quezon City", "11##"), ("Cebu City", "6000"))),
    "KZ": ("{street} {n}", ("Abay Ave.", "Dostyk Ave."),
           (("Almaty", "0500##"), ("Astana", "0100##"))),
}  # fmt: skip

# Flats, as each country writes them on the second line.
FLATS = {
    "US": "Apt {n}", "CA": "Apt {n}", "GB": "Flat {n}", "IE": "Apartment {n}", "AU": "Unit {n}",
    "NZ": "Flat {n}", "NO": "H0{n}01", "DE": "{n}. OG", "AT": "Top {n}", "JP": "Room {n}01",
    "FR": "Appartement {n}", "ZA": "Unit {n}",
}  # fmt: skip


def _postcode(rng: random.Random, pattern: str) -> str:
    return re.sub(
        r"[#@]",
        lambda m: str(rng.randint(0, 9)) if m.group() == "#" else rng.choice("ABDEFHJLNPRSTUWXY"),
        pattern,
    )


# Words that open a street name (rue X, Calle X) or close it (X Street, Xstraße, Xvej).
STREET_OPENERS = ("rue", "avenue", "Calle", "Avenida", "Via", "Corso", "Rua", "Rue", "Strada")
STREET_ENDINGS = ("straße", "strasse", "weg", "gasse", "gata", "gatan", "gate", "vej", "katu")


def _street(nationality: str, streets: tuple[str, ...], rng: random.Random) -> str:
    """One of the country's streets, or half the time another street of the same kind
    named after a person: towns have thousands of streets, and a million applicants
    on a handful of them would share street lines by the hundred."""
    street = rng.choice(streets)
    if rng.random() < 0.5:
        return street
    surname = name_for(nationality, rng).surname
    first, *rest = street.split()
    if first in STREET_OPENERS:
        return f"{first} {surname}"
    if rest:
        return f"{surname} {rest[-1]}"
    ending = next((e for e in STREET_ENDINGS if first.endswith(e)), "")
    return f"{surname}{ending}" if ending else surname


def address_random(nationality: str, rng: random.Random) -> Address:
    """A plausible home address in the applicant's country, as they would type it."""
    line, streets, towns = STYLES[nationality]
    town, pattern = rng.choice(towns)
    numbers = {"a": rng.randint(1, 9), "b": rng.randint(1, 30), "n": rng.randint(1, 140)}
    flat = FLATS.get(nationality)
    line_2 = flat.format(n=rng.randint(1, 9)) if flat and rng.random() < 0.25 else ""
    return Address(
        line_1=line.format(street=_street(nationality, streets, rng), **numbers),
        line_2=line_2,
        town=town,
        postcode=_postcode(rng, pattern),
        country=nationality,
    )
