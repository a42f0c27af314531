"""Names and nationality mix for generated applicants.

The mix follows the March 2022 reporting (DESIGN.md): about 31% US, 18% UK,
6.8% Germany, 4.7% Canada, 2.8% India, then a long tail of some fifty countries.
Names in other scripts carry their native form, so duplicate detection meets the
same person written as "Giorgi Beridze" and "გიორგი ბერიძე".
"""

from dataclasses import dataclass

# Share of applications per nationality, in per mille; the long tail adds up to the rest.
NATIONALITY_WEIGHTS: dict[str, float] = {
    "US": 310, "GB": 180, "DE": 68, "CA": 47, "IN": 28,
    "PL": 30, "FR": 28, "LT": 22, "GE": 20, "NO": 20, "AU": 18, "LV": 14, "DK": 14,
    "SE": 14, "NL": 14, "JP": 12, "BY": 12, "EE": 10, "FI": 10, "IE": 10, "IT": 10,
    "ES": 9, "CZ": 9, "IL": 8, "MX": 8, "BR": 7, "NZ": 7, "HR": 6, "BE": 6, "AT": 5,
    "CH": 4, "RO": 4, "KR": 4, "GR": 4, "PT": 4, "SK": 4, "RU": 3, "BG": 3, "RS": 3,
    "CO": 3, "AR": 3, "ZA": 3, "TR": 2, "IS": 1, "HU": 2, "SI": 2, "AZ": 2, "MD": 2,
    "AM": 2, "CL": 1, "PH": 1, "KZ": 1,
}  # fmt: skip

# Which demo mission an applicant of each nationality applies at (where they live).
MISSION_FOR_NATIONALITY: dict[str, str] = {
    "GB": "lon", "IE": "lon", "ZA": "lon",
    "CA": "ott",
    "US": "was", "MX": "was", "BR": "was", "CO": "was", "AR": "was", "CL": "was", "PH": "was",
    "JP": "tyo", "KR": "tyo",
    "LT": "vno", "LV": "vno", "EE": "vno", "BY": "vno",
    "GE": "tbs", "AZ": "tbs", "AM": "tbs", "KZ": "tbs",
    "PL": "waw", "CZ": "waw", "SK": "waw", "HR": "waw", "RO": "waw", "BG": "waw",
    "RS": "waw", "HU": "waw", "SI": "waw", "MD": "waw", "RU": "waw",
    "DE": "ber", "AT": "ber", "CH": "ber", "NL": "ber", "BE": "ber", "IT": "ber",
    "GR": "ber", "TR": "ber", "IL": "ber",
    "NO": "osl", "SE": "osl", "FI": "osl", "IS": "osl",
    "DK": "cph",
    "AU": "cbr", "NZ": "cbr",
    "IN": "del",
    "FR": "par", "ES": "par", "PT": "par",
}  # fmt: skip

# The applicant's own language: what they speak, and their case's language where the
# portal offers it (settings.LANGUAGES).
MOTHER_TONGUE: dict[str, str] = {
    "DE": "de", "AT": "de", "CH": "de", "FR": "fr", "BE": "fr", "PL": "pl", "LT": "lt",
    "LV": "lv", "EE": "et", "GE": "ka", "NO": "no", "DK": "da", "SE": "sv", "FI": "fi",
    "NL": "nl", "JP": "ja", "BY": "be", "IT": "it", "ES": "es", "MX": "es", "CO": "es",
    "AR": "es", "CL": "es", "CZ": "cs", "SK": "sk", "HR": "hr", "RO": "ro", "KR": "ko",
    "GR": "el", "PT": "pt", "BR": "pt", "RU": "ru", "BG": "bg", "RS": "sr", "TR": "tr",
    "HU": "hu", "IL": "he", "IN": "hi",
}  # fmt: skip


@dataclass(frozen=True)
class Name:
    given: str
    surname: str
    # The same name in the applicant's script, in that script's usual order.
    native: str = ""


def _latin(given: str, surnames: str) -> tuple[list[str], list[str]]:
    # "_" joins the words of one name: "van_den_Berg" is "van den Berg".
    return given.split(), [s.replace("_", " ") for s in surnames.split()]


# Latin-script names: given names and surnames, split on spaces.
LATIN: dict[str, tuple[list[str], list[str]]] = {
    "US": _latin(
        "James Michael Robert John David William Richard Joseph Thomas Christopher Daniel "
        "Matthew Anthony Joshua Andrew Ryan Tyler Brandon Justin Kevin Sarah Jessica "
        "Ashley Emily Rachel Marcus Darnell Luis Carlos Jamal Dmitri Paul",
        "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
        "Lopez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris "
        "Clark Lewis Walker Hall Young King Wright Kowalczyk Hughes Washington",
    ),
    "GB": _latin(
        "Oliver Harry George Jack Jacob Charlie Thomas James William Daniel Callum Liam "
        "Connor Ben Aiden Rhys Owen Dylan Lewis Jamie Sophie Chloe Megan Hannah Alistair "
        "Gareth Ewan Declan",
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
        "Evans Walker White Roberts Green Hall Wood Jackson Clarke Grant Hughes Edwards "
        "Murphy Campbell MacDonald Pritchard Fletcher Hargreaves",
    ),
    "DE": _latin(
        "Lukas Leon Jonas Felix Maximilian Paul Niklas Tobias Jan Florian Sebastian Jürgen "
        "Matthias Anna Lena Katrin Stefan Dominik",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
        "Koch Bauer Richter Klein Wolf Schröder Neumann Zimmermann Krüger",
    ),
    "CA": _latin(
        "Liam Noah Ethan Logan Lucas Benjamin Owen Nathan Samuel Anthony Connor Mathieu "
        "Étienne Gabriel Olivia Émilie Chantal Tyler",
        "Smith Brown Tremblay Martin Roy Gagnon Lee Wilson Johnson MacDonald Taylor Campbell "
        "Anderson Côté Bouchard Gauthier Morin Walker Fraser Kowalchuk",
    ),
    "IN": _latin(
        "Aarav Vivaan Aditya Arjun Rohan Rahul Vikram Karan Siddharth Amit Rajesh Sanjay "
        "Harpreet Gurpreet Priya",
        "Sharma Verma Gupta Singh Kumar Patel Reddy Iyer Nair Menon Chatterjee Banerjee "
        "Joshi Rao Gill",
    ),
    "PL": _latin(
        "Jakub Kacper Szymon Mateusz Michał Bartosz Piotr Krzysztof Tomasz Paweł Łukasz "
        "Wojciech Agnieszka Katarzyna",
        "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
        "Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur",
    ),
    "FR": _latin(
        "Lucas Hugo Louis Nathan Gabriel Arthur Jules Théo Mathis Antoine Julien Maxime "
        "Camille Léa",
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
        "Lefèvre Michel Garnier Rousseau",
    ),
    "LT": _latin(
        "Lukas Matas Jonas Dominykas Mantas Tomas Paulius Žygimantas Gediminas Vytautas Rūta Aistė",
        "Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus Paulauskas "
        "Urbonas Kavaliauskas Navickas",
    ),
    "LV": _latin(
        "Jānis Andris Mārtiņš Edgars Kristaps Artūrs Raivis Ilze Līga",
        "Bērziņš Kalniņš Ozoliņš Jansons Liepiņš Krūmiņš Balodis Eglītis Zariņš",
    ),
    "EE": _latin(
        "Rasmus Markus Martin Karl Oliver Siim Tõnis Kristjan Kadri",
        "Tamm Saar Sepp Mägi Kask Kukk Rebane Ilves Pärn",
    ),
    "NO": _latin(
        "Jakob Emil Noah Oliver Filip William Lucas Henrik Magnus Sindre Eirik Ingrid",
        "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen "
        "Haugen Bakken",
    ),
    "DK": _latin(
        "William Noah Oscar Lucas Carl Frederik Mads Rasmus Søren Mette",
        "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Mortensen",
    ),
    "SE": _latin(
        "Erik Lars Karl Anders Johan Per Nils Oskar Gustav Björn Elin",
        "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
        "Lindqvist Bergström",
    ),
    "FI": _latin(
        "Juha Timo Mikko Jari Antti Ville Tuomas Sami Aino",
        "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen",
    ),
    "NL": _latin(
        "Daan Sem Lucas Levi Finn Bram Thijs Ruben Jeroen Sanne",
        "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Visser Smit Meijer de_Boer",
    ),
    "AU": _latin(
        "Jack William Oliver Noah Thomas Lachlan Riley Cooper Mitchell Hayden Kylie",
        "Smith Jones Williams Brown Wilson Taylor Johnson White Martin Anderson Nguyen Kelly",
    ),
    "NZ": _latin(
        "Oliver Jack Hunter Mason Ari Nikau Tama Aroha",
        "Smith Wilson Williams Brown Taylor Ngata Parata Walker",
    ),
    "IE": _latin(
        "Jack Seán Conor Darragh Cian Oisín Pádraig Eoin Aoife Niamh",
        "Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor Doyle McCarthy",
    ),
    "IT": _latin(
        "Francesco Alessandro Lorenzo Matteo Andrea Marco Luca Giuseppe Giulia",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino",
    ),
    "ES": _latin(
        "Hugo Martín Lucas Daniel Pablo Alejandro Javier Sergio Lucía",
        "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez",
    ),
    "MX": _latin(
        "José Juan Luis Carlos Jorge Miguel Alejandro Fernanda",
        "Hernández García Martínez López González Pérez Rodríguez Ramírez",
    ),
    "BR": _latin(
        "João Pedro Gabriel Lucas Matheus Rafael Felipe Ana",
        "Silva Santos Oliveira Souza Pereira Costa Ferreira Almeida",
    ),
    "CZ": _latin(
        "Jakub Jan Tomáš Lukáš Matěj Ondřej Petr Tereza",
        "Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý",
    ),
    "SK": _latin("Marek Peter Martin Jozef Michal Ján", "Horváth Kováč Varga Tóth Nagy Baláž"),
    "HR": _latin("Luka Ivan Marko Ante Josip Petra", "Horvat Kovačević Babić Marić Jurić Novak"),
    "BE": _latin(
        "Arthur Louis Noah Lucas Jules Wout", "Peeters Janssens Maes Jacobs Mertens Dubois"
    ),
    "AT": _latin("Lukas Tobias Florian Maximilian Elias", "Gruber Huber Bauer Wagner Pichler"),
    "CH": _latin("Noah Luca Leon Matteo Nico", "Müller Meier Schmid Keller Weber"),
    "RO": _latin("Andrei Alexandru Mihai Ionuț Ștefan", "Popescu Ionescu Popa Stan Dumitru"),
    "PT": _latin("João Rodrigo Tiago Diogo Afonso", "Silva Santos Ferreira Pereira Oliveira"),
    "CO": _latin("Santiago Sebastián Andrés Camilo", "Rodríguez Gómez Martínez Restrepo"),
    "AR": _latin("Santiago Mateo Joaquín Facundo", "González Rodríguez Fernández Giménez"),
    "CL": _latin("Benjamín Vicente Matías", "González Muñoz Rojas"),
    "ZA": _latin("Pieter Johan Sipho Thabo Ruan", "van_der_Merwe Botha Nkosi Dlamini Pretorius"),
    "TR": _latin("Yusuf Mehmet Emre Can", "Yılmaz Kaya Demir Şahin"),
    "IS": _latin("Jón Sigurður Guðmundur", "Jónsson Sigurðsson Guðmundsson"),
    "HU": _latin("Bence Máté Levente Dániel", "Nagy Kovács Tóth Szabó"),
    "SI": _latin("Luka Nejc Žiga Jan", "Novak Horvat Kranjc Zupančič"),
    "MD": _latin("Ion Vasile Andrei Mihai", "Rusu Ceban Ciobanu Lungu"),
    "AZ": _latin("Elvin Rashad Tural Orkhan", "Mammadov Aliyev Huseynov Hasanov"),
    "AM": _latin("Davit Narek Arman Tigran", "Grigoryan Hakobyan Sargsyan Petrosyan"),
    "PH": _latin("Juan Mark Jose Paolo", "Santos Reyes Cruz Bautista"),
    "KZ": _latin("Nursultan Arman Yerlan Daniyar", "Akhmetov Nurpeisov Seitkali Zhakupov"),
}

# Names in other scripts: (romanised, native) pairs; native order per script's custom.
NativePairs = list[tuple[str, str]]
NON_LATIN: dict[str, tuple[NativePairs, NativePairs, bool]] = {
    # Georgian: given name first.
    "GE": (
        [
            ("Giorgi", "გიორგი"),
            ("Davit", "დავით"),
            ("Levan", "ლევან"),
            ("Irakli", "ირაკლი"),
            ("Zurab", "ზურაბ"),
            ("Nika", "ნიკა"),
            ("Lasha", "ლაშა"),
            ("Tamar", "თამარ"),
        ],
        [
            ("Beridze", "ბერიძე"),
            ("Kapanadze", "კაპანაძე"),
            ("Gelashvili", "გელაშვილი"),
            ("Maisuradze", "მაისურაძე"),
            ("Lomidze", "ლომიძე"),
            ("Tsiklauri", "წიკლაური"),
            ("Kvaratskhelia", "კვარაცხელია"),
        ],
        False,
    ),
    # Japanese: native name is surname first (山田 太郎), romanised given-first.
    "JP": (
        [
            ("Haruto", "陽翔"),
            ("Takumi", "拓海"),
            ("Kenji", "健二"),
            ("Hiroshi", "浩"),
            ("Daiki", "大輝"),
            ("Shota", "翔太"),
            ("Yuki", "勇樹"),
            ("Kaito", "海斗"),
        ],
        [
            ("Sato", "佐藤"),
            ("Suzuki", "鈴木"),
            ("Takahashi", "高橋"),
            ("Tanaka", "田中"),
            ("Watanabe", "渡辺"),
            ("Ito", "伊藤"),
            ("Yamamoto", "山本"),
            ("Nakamura", "中村"),
        ],
        True,
    ),
    "BY": (
        [
            ("Aliaksandr", "Аляксандр"),
            ("Siarhei", "Сяргей"),
            ("Andrei", "Андрэй"),
            ("Pavel", "Павел"),
            ("Dzmitry", "Дзмітрый"),
            ("Vadzim", "Вадзім"),
        ],
        [
            ("Kavaliou", "Кавалёў"),
            ("Navumchyk", "Навумчык"),
            ("Lukashevich", "Лукашэвіч"),
            ("Bialiatski", "Бяляцкі"),
            ("Shushkevich", "Шушкевіч"),
        ],
        False,
    ),
    "RU": (
        [("Alexei", "Алексей"), ("Ivan", "Иван"), ("Sergei", "Сергей"), ("Vladimir", "Владимир")],
        [("Ivanov", "Иванов"), ("Smirnov", "Смирнов"), ("Volkov", "Волков"), ("Popov", "Попов")],
        False,
    ),
    "BG": (
        [("Georgi", "Георги"), ("Ivan", "Иван"), ("Dimitar", "Димитър"), ("Nikolay", "Николай")],
        [("Ivanov", "Иванов"), ("Georgiev", "Георгиев"), ("Dimitrov", "Димитров")],
        False,
    ),
    "RS": (
        [("Nikola", "Никола"), ("Marko", "Марко"), ("Stefan", "Стефан"), ("Luka", "Лука")],
        [("Jovanović", "Јовановић"), ("Petrović", "Петровић"), ("Nikolić", "Николић")],
        False,
    ),
    "GR": (
        [("Georgios", "Γεώργιος"), ("Dimitrios", "Δημήτριος"), ("Nikolaos", "Νικόλαος")],
        [("Papadopoulos", "Παπαδόπουλος"), ("Nikolaidis", "Νικολαΐδης"), ("Georgiou", "Γεωργίου")],
        False,
    ),
    "KR": (
        [("Min-jun", "민준"), ("Seo-jun", "서준"), ("Ji-ho", "지호"), ("Joon", "준")],
        [("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최")],
        True,
    ),
    "IL": (
        [("David", "דוד"), ("Yosef", "יוסף"), ("Noam", "נועם"), ("Itai", "איתי")],
        [("Cohen", "כהן"), ("Levi", "לוי"), ("Mizrahi", "מזרחי"), ("Peretz", "פרץ")],
        False,
    ),
}


def name_for(nationality: str, rng) -> Name:
    """A plausible name for this nationality, with its native form when the script differs."""
    if nationality in NON_LATIN:
        given_names, surnames, surname_first = NON_LATIN[nationality]
        given, given_native = rng.choice(given_names)
        surname, surname_native = rng.choice(surnames)
        native = (
            f"{surname_native} {given_native}"
            if surname_first
            else f"{given_native} {surname_native}"
        )
        return Name(given, surname, native)
    given_names, surnames = LATIN.get(nationality, LATIN["US"])
    return Name(rng.choice(given_names), rng.choice(surnames))
