"""The demo legion's configuration: missions, staff roles and legal advisories.

Advisory texts are our own summaries of what governments said in March 2022, as
reported in the source article; each names its source and review date.
"""

import datetime as dt
from dataclasses import dataclass, field

from legion.missions.models import Role

# code, name, country, city, timezone, interview languages
MISSIONS: list[tuple[str, str, str, str, str, list[str]]] = [
    ("lon", "Embassy of Ukraine in the United Kingdom", "GB", "London", "Europe/London", ["en"]),
    ("ott", "Embassy of Ukraine in Canada", "CA", "Ottawa", "America/Toronto", ["en", "fr"]),
    (
        "was",
        "Embassy of Ukraine in the United States",
        "US",
        "Washington",
        "America/New_York",
        ["en", "es"],
    ),
    ("tyo", "Embassy of Ukraine in Japan", "JP", "Tokyo", "Asia/Tokyo", ["en", "ja"]),
    ("vno", "Embassy of Ukraine in Lithuania", "LT", "Vilnius", "Europe/Vilnius", ["en", "lt"]),
    ("tbs", "Embassy of Ukraine in Georgia", "GE", "Tbilisi", "Asia/Tbilisi", ["en", "ka"]),
    ("waw", "Embassy of Ukraine in Poland", "PL", "Warsaw", "Europe/Warsaw", ["en", "pl"]),
    ("ber", "Embassy of Ukraine in Germany", "DE", "Berlin", "Europe/Berlin", ["en", "de"]),
    ("osl", "Embassy of Ukraine in Norway", "NO", "Oslo", "Europe/Oslo", ["en"]),
    ("cph", "Embassy of Ukraine in Denmark", "DK", "Copenhagen", "Europe/Copenhagen", ["en"]),
    ("par", "Embassy of Ukraine in France", "FR", "Paris", "Europe/Paris", ["en", "fr", "es"]),
    ("cbr", "Embassy of Ukraine in Australia", "AU", "Canberra", "Australia/Sydney", ["en"]),
    ("del", "Embassy of Ukraine in India", "IN", "New Delhi", "Asia/Kolkata", ["en", "hi"]),
]

# Entry points and assembly points offered as defaults in travel instructions.
ENTRY_POINTS = {
    "default": "Krakovets–Korczowa border crossing (Poland–Ukraine)",
    "vno": "Yahodyn–Dorohusk border crossing (Poland–Ukraine)",
    "tbs": "Chișinău, then Palanca–Maiaky crossing (Moldova–Ukraine)",
}
ASSEMBLY_POINT = "Lviv, main railway station, hall 2 — ask for the legion desk"
CONTACTS = "Legion reception, Lviv: +380 32 000 0000 (24h); Signal: +380 67 000 0000"

# The visa the legion's volunteers travel on (code, English label); other languages'
# labels are in legion/locale/*/LC_MESSAGES/content.po.
VISA_TYPES = [("D", "D (long stay, volunteer)")]

# (username suffix, role) for every mission; HQ users are listed apart.
MISSION_STAFF: list[tuple[str, str]] = [
    ("officer", Role.CONSULAR_OFFICER),
    ("officer2", Role.CONSULAR_OFFICER),
    ("attache", Role.DEFENCE_ATTACHE),
    ("consul", Role.CONSUL),
]
HQ_STAFF: list[tuple[str, str, str, str]] = [
    ("hq.security", Role.HQ_SECURITY, "Oksana", "Melnyk"),
    ("hq.analyst", Role.HQ_ANALYST, "Taras", "Bondarenko"),
    ("admin", Role.ADMINISTRATOR, "Iryna", "Shevchenko"),
]
# Ukrainian staff names for the missions' people, picked in order.
STAFF_NAMES = [
    ("Andrii", "Kovalenko"), ("Olena", "Tkachenko"), ("Serhii", "Hrytsenko"),
    ("Mykola", "Kravchenko"), ("Yuliia", "Oliinyk"), ("Dmytro", "Shevchuk"),
    ("Natalia", "Polishchuk"), ("Vasyl", "Lysenko"), ("Kateryna", "Marchenko"),
    ("Bohdan", "Rudenko"), ("Halyna", "Savchenko"), ("Oleh", "Moroz"),
    ("Viktoriia", "Kuzmenko"), ("Yaroslav", "Pavlenko"), ("Larysa", "Petrenko"),
    ("Roman", "Hnatiuk"), ("Sofiia", "Ivanchenko"), ("Ihor", "Zinchenko"),
]  # fmt: skip

REVIEWED_ON = dt.date(2022, 3, 10)

# Where the demo legion's rules differ from the engine's defaults: it works in English
# and Ukrainian, and says so on the languages page (read from this same parameter).
RULE_PARAMETERS: dict[str, dict] = {"working_language": {"languages": ["en", "uk"]}}


@dataclass(frozen=True)
class AdvisoryContent:
    nationality: str  # "" for the risk notice shown to everyone
    stance: str
    source: str
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # language: (title, body)


ADVISORIES: list[AdvisoryContent] = [
    AdvisoryContent(
        "DK",
        "permitted",
        "Prime Minister Mette Frederiksen, press statement, 27 February 2022",
        {
            "en": (
                "Denmark: joining is allowed",
                "Denmark's Prime Minister said publicly that volunteering to fight for "
                "Ukraine is a choice every Dane can make for themselves. As far as we know, "
                "Danish law does not stop you from joining. Danish rules on military service "
                "abroad may still apply to you; check them before you travel.",
            ),
            "uk": (
                "Данія: вступ дозволено",
                "Прем'єр-міністерка Данії публічно заявила, що добровільно воювати за Україну "
                "— це вибір, який кожен данець може зробити сам. Наскільки нам відомо, "
                "данське законодавство не забороняє вступ. Данські правила щодо військової "
                "служби за кордоном можуть усе ж стосуватися вас; перевірте їх перед поїздкою.",
            ),
            "es": (
                "Dinamarca: se permite unirse",
                "La primera ministra de Dinamarca dijo públicamente que ofrecerse como "
                "voluntario para luchar por Ucrania es una decisión que cada danés puede tomar "
                "por sí mismo. Hasta donde sabemos, la ley danesa no le impide unirse. Las "
                "normas danesas sobre el servicio militar en el extranjero pueden aplicarse "
                "igualmente; consúltelas antes de viajar.",
            ),
            "pl": (
                "Dania: wstąpienie jest dozwolone",
                "Premier Danii oświadczyła publicznie, że ochotnicze wstąpienie do walki w "
                "obronie Ukrainy to wybór, którego każdy Duńczyk może dokonać sam. Według "
                "naszej wiedzy duńskie prawo nie zabrania wstąpienia. Mogą Cię jednak dotyczyć "
                "duńskie przepisy o służbie wojskowej za granicą; sprawdź je przed wyjazdem.",
            ),
            "ja": (
                "デンマーク：参加は認められています",
                "デンマークの首相は、ウクライナのために志願して戦うことは、デンマーク人一人ひ"
                "とりが自ら決められる選択であると公に述べました。私たちの知る限り、デンマーク"
                "の法律は参加を禁じていません。ただし、国外での軍務に関するデンマークの規則が"
                "適用される場合がありますので、渡航前に確認してください。",
            ),
            "fr": (
                "Danemark : l'engagement est autorisé",
                "La Première ministre du Danemark a déclaré publiquement que s'engager comme "
                "volontaire pour combattre aux côtés de l'Ukraine est un choix que chaque "
                "Danois peut faire pour lui-même. À notre connaissance, la loi danoise ne vous "
                "empêche pas de vous engager. Les règles danoises sur le service militaire à "
                "l'étranger peuvent toutefois s'appliquer à vous ; vérifiez-les avant de "
                "partir.",
            ),
            "de": (
                "Dänemark: Beitritt erlaubt",
                "Die Ministerpräsidentin Dänemarks hat öffentlich erklärt, dass jede Dänin und "
                "jeder Däne selbst entscheiden kann, freiwillig für die Ukraine zu kämpfen. "
                "Soweit uns bekannt ist, verbietet das dänische Recht den Beitritt nicht. "
                "Dänische Vorschriften zum Militärdienst im Ausland können trotzdem für Sie "
                "gelten; prüfen Sie sie vor der Reise.",
            ),
        },
    ),
    AdvisoryContent(
        "LV",
        "permitted",
        "Saeima (Parliament of Latvia), amendment of 1 March 2022",
        {
            "en": (
                "Latvia: joining is allowed",
                "Latvia's parliament voted to let its citizens serve voluntarily in Ukraine's "
                "defence without criminal liability at home, and the government expressed "
                "support for those who go to defend Ukraine's independence and common "
                "security.",
            ),
            "uk": (
                "Латвія: вступ дозволено",
                "Парламент Латвії проголосував за те, щоб громадяни могли добровільно служити "
                "в обороні України без кримінальної відповідальності вдома, а уряд висловив "
                "підтримку тим, хто їде захищати незалежність України та спільну безпеку.",
            ),
            "es": (
                "Letonia: se permite unirse",
                "El parlamento de Letonia aprobó que sus ciudadanos puedan servir como "
                "voluntarios en la defensa de Ucrania sin responsabilidad penal en su país, "
                "y el gobierno expresó su apoyo a quienes vayan a defender la independencia "
                "de Ucrania y la seguridad común.",
            ),
            "pl": (
                "Łotwa: wstąpienie jest dozwolone",
                "Parlament Łotwy przegłosował, że jej obywatele mogą ochotniczo służyć w "
                "obronie Ukrainy bez odpowiedzialności karnej w kraju, a rząd wyraził poparcie "
                "dla tych, którzy wyjeżdżają bronić niepodległości Ukrainy i wspólnego "
                "bezpieczeństwa.",
            ),
            "ja": (
                "ラトビア：参加は認められています",
                "ラトビア議会は、自国民が自国で刑事責任を問われることなく、志願してウクライナ"
                "の防衛に従事できるとする法改正を可決しました。また政府は、ウクライナの独立と"
                "共通の安全を守るために赴く人々への支持を表明しました。",
            ),
            "fr": (
                "Lettonie : l'engagement est autorisé",
                "Le Parlement letton a voté pour permettre à ses citoyens de servir "
                "volontairement dans la défense de l'Ukraine sans engager leur responsabilité "
                "pénale en Lettonie, et le gouvernement a exprimé son soutien à ceux qui "
                "partent défendre l'indépendance de l'Ukraine et la sécurité commune.",
            ),
            "de": (
                "Lettland: Beitritt erlaubt",
                "Das lettische Parlament hat beschlossen, dass lettische Staatsangehörige "
                "freiwillig in der Verteidigung der Ukraine dienen dürfen, ohne sich in "
                "Lettland strafbar zu machen. Die Regierung hat ihre Unterstützung für alle "
                "ausgesprochen, die die Unabhängigkeit der Ukraine und die gemeinsame "
                "Sicherheit verteidigen.",
            ),
        },
    ),
    AdvisoryContent(
        "CA",
        "individual_decision",
        "Foreign Minister Mélanie Joly, 27 February 2022",
        {
            "en": (
                "Canada: an individual decision",
                "Canada's Foreign Minister said that whether to go is each person's own "
                "decision. The government has not said it will support you, and its travel "
                "advice is still to avoid all travel to Ukraine. You go at your own risk.",
            ),
            "uk": (
                "Канада: індивідуальне рішення",
                "Міністерка закордонних справ Канади заявила, що їхати чи ні — особисте "
                "рішення кожного. Уряд не обіцяв вам підтримки, а його рекомендація для "
                "подорожей і далі — уникати будь-яких поїздок в Україну. Ви їдете на власний "
                "ризик.",
            ),
            "es": (
                "Canadá: una decisión individual",
                "La ministra de Asuntos Exteriores de Canadá dijo que ir o no es una decisión "
                "de cada persona. El gobierno no ha dicho que vaya a apoyarle, y su "
                "recomendación de viaje sigue siendo evitar todo viaje a Ucrania. Usted va "
                "bajo su propio riesgo.",
            ),
            "pl": (
                "Kanada: decyzja indywidualna",
                "Minister spraw zagranicznych Kanady powiedziała, że decyzja o wyjeździe "
                "należy do każdego indywidualnie. Rząd nie zapowiedział żadnego wsparcia, a "
                "jego zalecenie dla podróżnych nadal brzmi: unikać wszelkich podróży na "
                "Ukrainę. Wyjeżdżasz na własne ryzyko.",
            ),
            "ja": (
                "カナダ：個人の判断",
                "カナダの外務大臣は、行くかどうかは各個人が決めることだと述べました。政府はあ"
                "なたを支援するとは表明しておらず、ウクライナへの渡航はすべて控えるようにとい"
                "う渡航勧告も引き続き出ています。渡航は自己責任となります。",
            ),
            "fr": (
                "Canada : une décision individuelle",
                "La ministre des Affaires étrangères du Canada a déclaré que partir ou non est "
                "une décision personnelle. Le gouvernement n'a pas dit qu'il vous soutiendrait, "
                "et ses conseils aux voyageurs recommandent toujours d'éviter tout voyage en "
                "Ukraine. Vous partez à vos propres risques.",
            ),
            "de": (
                "Kanada: eine persönliche Entscheidung",
                "Die kanadische Außenministerin hat erklärt, dass jede Person selbst "
                "entscheidet, ob sie geht. Die Regierung hat keine Unterstützung zugesagt, und "
                "ihre Reisehinweise raten weiterhin von allen Reisen in die Ukraine ab. Sie "
                "reisen auf eigenes Risiko.",
            ),
        },
    ),
    AdvisoryContent(
        "AU",
        "warned",
        "Prime Minister Scott Morrison, 28 February 2022",
        {
            "en": (
                "Australia: legal consequences possible",
                "Australia's Prime Minister warned that Australians who fight in Ukraine may "
                "face consequences under Australian law. Fighting with a foreign force can be "
                "an offence for Australians in some circumstances. Get legal advice before "
                "you decide.",
            ),
            "uk": (
                "Австралія: можливі правові наслідки",
                "Прем'єр-міністр Австралії попередив, що австралійці, які воюватимуть в "
                "Україні, можуть зазнати наслідків за австралійським законодавством. Участь у "
                "бойових діях в іноземних силах за певних обставин може бути злочином для "
                "австралійців. Порадьтеся з юристом, перш ніж вирішувати.",
            ),
            "es": (
                "Australia: posibles consecuencias legales",
                "El primer ministro de Australia advirtió que los australianos que luchen en "
                "Ucrania pueden enfrentar consecuencias según la ley australiana. Combatir con "
                "una fuerza extranjera puede ser delito para los australianos en algunos "
                "casos. Busque asesoramiento jurídico antes de decidir.",
            ),
            "pl": (
                "Australia: możliwe konsekwencje prawne",
                "Premier Australii ostrzegł, że Australijczycy, którzy będą walczyć na "
                "Ukrainie, mogą ponieść konsekwencje na podstawie prawa australijskiego. "
                "Udział w walkach w obcych siłach zbrojnych może w niektórych okolicznościach "
                "być dla Australijczyków przestępstwem. Zanim podejmiesz decyzję, zasięgnij "
                "porady prawnej.",
            ),
            "ja": (
                "オーストラリア：法的責任を問われる可能性があります",
                "オーストラリアの首相は、ウクライナで戦うオーストラリア人は、オーストラリアの"
                "法律に基づいて責任を問われる可能性があると警告しました。状況によっては、外国"
                "の部隊に加わって戦うことがオーストラリア人にとって犯罪となる場合があります。"
                "決める前に、法律の専門家に相談してください。",
            ),
            "fr": (
                "Australie : conséquences juridiques possibles",
                "Le Premier ministre australien a averti que les Australiens qui combattent en "
                "Ukraine peuvent s'exposer à des conséquences au regard du droit australien. "
                "Combattre au sein d'une force étrangère peut, dans certains cas, constituer "
                "une infraction pour un Australien. Consultez un avocat avant de décider.",
            ),
            "de": (
                "Australien: rechtliche Folgen möglich",
                "Der australische Premierminister hat gewarnt, dass Australierinnen und "
                "Australier, die in der Ukraine kämpfen, nach australischem Recht belangt "
                "werden können. Der Kampf in ausländischen Streitkräften kann für Australier "
                "unter bestimmten Umständen eine Straftat sein. Lassen Sie sich rechtlich "
                "beraten, bevor Sie sich entscheiden.",
            ),
        },
    ),
    AdvisoryContent(
        "US",
        "discouraged",
        "Pentagon press secretary John Kirby, 7 March 2022",
        {
            "en": (
                "United States: discouraged",
                "The US government advises its citizens not to travel to Ukraine. Asked about "
                "volunteers, the Pentagon's spokesman said that Americans who want to help "
                "Ukraine should do so through humanitarian organisations instead. The US "
                "cannot help you leave Ukraine if you get into trouble there.",
            ),
            "uk": (
                "США: не рекомендується",
                "Уряд США радить своїм громадянам не їхати в Україну. Відповідаючи на питання "
                "про добровольців, речник Пентагону сказав, що американцям, які хочуть "
                "допомогти Україні, краще робити це через гуманітарні організації. США не "
                "зможуть допомогти вам виїхати з України, якщо ви потрапите в біду.",
            ),
            "es": (
                "Estados Unidos: se desaconseja",
                "El gobierno de EE. UU. aconseja a sus ciudadanos no viajar a Ucrania. "
                "Preguntado por los voluntarios, el portavoz del Pentágono dijo que los "
                "estadounidenses que quieran ayudar a Ucrania deberían hacerlo a través de "
                "organizaciones humanitarias. EE. UU. no podrá ayudarle a salir de Ucrania si "
                "tiene problemas allí.",
            ),
            "pl": (
                "Stany Zjednoczone: odradzane",
                "Rząd USA zaleca swoim obywatelom, aby nie podróżowali na Ukrainę. Zapytany o "
                "ochotników rzecznik Pentagonu powiedział, że Amerykanie, którzy chcą pomóc "
                "Ukrainie, powinni robić to za pośrednictwem organizacji humanitarnych. Jeśli "
                "będziesz mieć kłopoty na Ukrainie, USA nie będą w stanie pomóc Ci jej opuścić.",
            ),
            "ja": (
                "アメリカ合衆国：推奨されていません",
                "米国政府は、自国民に対しウクライナへ渡航しないよう勧告しています。志願者につ"
                "いて問われた国防総省の報道官は、ウクライナを支援したい米国人は、人道支援団体"
                "を通じて支援すべきだと述べました。現地で問題が起きても、米国はあなたのウクラ"
                "イナからの出国を支援できません。",
            ),
            "fr": (
                "États-Unis : déconseillé",
                "Le gouvernement américain recommande à ses citoyens de ne pas se rendre en "
                "Ukraine. Interrogé sur les volontaires, le porte-parole du Pentagone a déclaré "
                "que les Américains qui veulent aider l'Ukraine devraient plutôt passer par des "
                "organisations humanitaires. Les États-Unis ne pourront pas vous aider à "
                "quitter l'Ukraine si vous y rencontrez des difficultés.",
            ),
            "de": (
                "Vereinigte Staaten: abgeraten",
                "Die US-Regierung rät ihren Staatsangehörigen von Reisen in die Ukraine ab. Auf "
                "Freiwillige angesprochen, sagte der Sprecher des Pentagons, Amerikanerinnen "
                "und Amerikaner, die der Ukraine helfen wollen, sollten das besser über "
                "humanitäre Organisationen tun. Die USA können Ihnen nicht helfen, die Ukraine "
                "zu verlassen, wenn Sie dort in Schwierigkeiten geraten.",
            ),
        },
    ),
    AdvisoryContent(
        "GB",
        "conflicting",
        "Foreign Secretary Liz Truss (27 February 2022); Chief of the Defence Staff "
        "Admiral Sir Tony Radakin (6 March 2022)",
        {
            "en": (
                "United Kingdom: conflicting statements",
                "The UK government has spoken with two voices. The Foreign Secretary said she "
                "would support people who chose to go. The head of the armed forces later "
                "called it illegal and pointless, and official travel advice is not to go. "
                "Depending on what you do there, you could be prosecuted on your return.",
            ),
            "uk": (
                "Велика Британія: суперечливі заяви",
                "Уряд Великої Британії висловлювався по-різному. Міністерка закордонних справ "
                "заявила, що підтримає тих, хто вирішить поїхати. Пізніше начальник штабу "
                "оборони назвав це незаконним і марним, а офіційна рекомендація — не їхати. "
                "Залежно від того, що ви там робитимете, після повернення вас можуть "
                "переслідувати.",
            ),
            "es": (
                "Reino Unido: declaraciones contradictorias",
                "El gobierno británico se ha expresado de dos maneras. La ministra de Asuntos "
                "Exteriores dijo que apoyaría a quienes decidieran ir. El jefe de las Fuerzas "
                "Armadas lo calificó después de ilegal e inútil, y la recomendación oficial es "
                "no ir. Según lo que haga allí, podría ser procesado a su regreso.",
            ),
            "pl": (
                "Wielka Brytania: sprzeczne stanowiska",
                "Rząd Wielkiej Brytanii wypowiadał się w tej sprawie niejednoznacznie. "
                "Minister spraw zagranicznych oświadczyła, że poprze osoby, które zdecydują "
                "się wyjechać. Szef sił zbrojnych nazwał to później nielegalnym i bezcelowym, "
                "a oficjalne zalecenie dla podróżnych brzmi: nie jechać. W zależności od tego, "
                "co będziesz tam robić, po powrocie może Ci grozić postępowanie karne.",
            ),
            "ja": (
                "英国：見解が分かれています",
                "英国政府の見解は一致していません。外務大臣は、行くことを選んだ人々を支持する"
                "と述べました。その後、軍のトップは、それは違法で無意味だと述べており、公式の"
                "渡航勧告も渡航しないよう求めています。現地での行動によっては、帰国後に訴追さ"
                "れる可能性があります。",
            ),
            "fr": (
                "Royaume-Uni : déclarations contradictoires",
                "Le gouvernement britannique a tenu deux discours. La ministre des Affaires "
                "étrangères a dit qu'elle soutiendrait ceux qui choisiraient de partir. Le chef "
                "d'état-major des armées a ensuite qualifié cela d'illégal et d'inutile, et les "
                "conseils officiels aux voyageurs recommandent de ne pas partir. Selon ce que "
                "vous y ferez, vous pourriez être poursuivi à votre retour.",
            ),
            "de": (
                "Vereinigtes Königreich: widersprüchliche Aussagen",
                "Die britische Regierung hat sich widersprüchlich geäußert. Die Außenministerin "
                "sagte, sie würde Menschen unterstützen, die sich für die Reise entscheiden. "
                "Der Chef des Verteidigungsstabs nannte es später illegal und sinnlos, und die "
                "offiziellen Reisehinweise raten von der Reise ab. Je nachdem, was Sie dort "
                "tun, könnten Sie nach Ihrer Rückkehr strafrechtlich verfolgt werden.",
            ),
        },
    ),
    AdvisoryContent(
        "",
        "warned",
        "Russian Ministry of Defence spokesman Maj. Gen. Igor Konashenkov, 3 March 2022",
        {
            "en": (
                "Risk notice: you may be denied prisoner-of-war status",
                "Russia's Ministry of Defence has announced that it will not treat captured "
                "foreign volunteers as combatants. It calls them mercenaries, says they have "
                "no right to prisoner-of-war status and that they will be prosecuted as "
                "criminals. If you are captured, you may not receive the protections of the "
                "Geneva Conventions. Think about this, and talk to your family, before you "
                "apply.",
            ),
            "uk": (
                "Попередження: вам можуть відмовити у статусі військовополоненого",
                "Міністерство оборони Росії оголосило, що не вважатиме полонених іноземних "
                "добровольців комбатантами. Воно називає їх найманцями, заявляє, що вони не "
                "мають права на статус військовополоненого і що їх переслідуватимуть як "
                "злочинців. Якщо вас захоплять у полон, ви можете не отримати захисту "
                "Женевських конвенцій. Подумайте про це й поговоріть із родиною, перш ніж "
                "подавати заяву.",
            ),
            "es": (
                "Aviso de riesgo: se le puede negar el estatus de prisionero de guerra",
                "El Ministerio de Defensa de Rusia ha anunciado que no tratará a los "
                "voluntarios extranjeros capturados como combatientes. Los llama mercenarios, "
                "dice que no tienen derecho al estatus de prisionero de guerra y que serán "
                "procesados como delincuentes. Si le capturan, puede que no reciba la "
                "protección de los Convenios de Ginebra. Piénselo, y hable con su familia, "
                "antes de presentar la solicitud.",
            ),
            "pl": (
                "Ostrzeżenie: możesz nie otrzymać statusu jeńca wojennego",
                "Ministerstwo Obrony Rosji ogłosiło, że nie będzie traktować wziętych do "
                "niewoli zagranicznych ochotników jako kombatantów. Nazywa ich najemnikami, "
                "twierdzi, że nie przysługuje im status jeńca wojennego i że będą ścigani jak "
                "przestępcy. Jeśli trafisz do niewoli, możesz nie otrzymać ochrony wynikającej "
                "z konwencji genewskich. Zastanów się nad tym i porozmawiaj z rodziną, zanim "
                "złożysz wniosek.",
            ),
            "ja": (
                "リスクに関するお知らせ：捕虜の地位が認められない可能性があります",
                "ロシア国防省は、捕らえた外国人志願者を戦闘員として扱わないと発表しました。同"
                "省は彼らを傭兵と呼び、捕虜の地位を得る権利はなく、犯罪者として訴追すると述べ"
                "ています。捕らえられた場合、ジュネーブ諸条約による保護を受けられない可能性が"
                "あります。申請する前に、このことをよく考え、ご家族と話し合ってください。",
            ),
            "fr": (
                "Avertissement : le statut de prisonnier de guerre peut vous être refusé",
                "Le ministère russe de la Défense a annoncé qu'il ne traiterait pas les "
                "volontaires étrangers capturés comme des combattants. Il les qualifie de "
                "mercenaires, affirme qu'ils n'ont pas droit au statut de prisonnier de guerre "
                "et qu'ils seront poursuivis comme des criminels. Si vous êtes capturé, vous "
                "risquez de ne pas bénéficier de la protection des Conventions de Genève. "
                "Pensez-y, et parlez-en à votre famille, avant de déposer votre candidature.",
            ),
            "de": (
                "Risikohinweis: Der Kriegsgefangenenstatus kann Ihnen verweigert werden",
                "Das russische Verteidigungsministerium hat angekündigt, gefangene ausländische "
                "Freiwillige nicht als Kombattanten zu behandeln. Es bezeichnet sie als "
                "Söldner, erklärt, sie hätten keinen Anspruch auf den Status als "
                "Kriegsgefangene, und will sie als Straftäter verfolgen. Wenn Sie gefangen "
                "genommen werden, erhalten Sie möglicherweise nicht den Schutz der Genfer "
                "Abkommen. Denken Sie darüber nach und sprechen Sie mit Ihrer Familie, bevor "
                "Sie sich bewerben.",
            ),
        },
    ),
]
