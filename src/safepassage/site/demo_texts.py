"""The words of the demo documentation (site.demo_documentation): invented
names, units, sources, accounts and officials' statements, in Russian,
English and French. Every surname, unit and publication is made up from
words that say so (Вымыслов: "made up", Примеров: "example", Demo), so
that nobody mistakes the demo for a record of real people."""

from __future__ import annotations

GIVEN_MEN = [
    "Магомед", "Ислам", "Аслан", "Руслан", "Адам", "Зелимхан", "Ибрагим", "Тимур",
    "Мовсар", "Хамзат", "Ахмед", "Беслан", "Саид", "Умар", "Шамиль", "Иса",
]  # fmt: skip
GIVEN_WOMEN = ["Хеда", "Зарема", "Амина", "Малика", "Лейла", "Петимат", "Марьям"]
# Surnames of the demo, in Cyrillic (men's form) and as partners write them in Latin.
SURNAMES = [
    ("Демоев", "Demoev"),
    ("Вымыслов", "Vymyslov"),
    ("Примеров", "Primerov"),
    ("Выдумкин", "Vydumkin"),
    ("Небылицын", "Nebylitsyn"),
    ("Сказкин", "Skazkin"),
    ("Фантазиев", "Fantaziev"),
    ("Образцов", "Obraztsov"),
    ("Шаблонов", "Shablonov"),
    ("Макетов", "Maketov"),
    ("Тестоев", "Testoev"),
    ("Черновиков", "Chernovikov"),
    ("Пробаев", "Probaev"),
    ("Условнов", "Uslovnov"),
]
LATIN_GIVEN = {
    "Магомед": "Magomed", "Ислам": "Islam", "Аслан": "Aslan", "Руслан": "Ruslan",
    "Адам": "Adam", "Зелимхан": "Zelimkhan", "Ибрагим": "Ibragim", "Тимур": "Timur",
    "Мовсар": "Movsar", "Хамзат": "Khamzat", "Ахмед": "Akhmed", "Беслан": "Beslan",
    "Саид": "Said", "Умар": "Umar", "Шамиль": "Shamil", "Иса": "Isa", "Хеда": "Kheda",
    "Зарема": "Zarema", "Амина": "Amina", "Малика": "Malika", "Лейла": "Leila",
    "Петимат": "Petimat", "Марьям": "Mariam",
}  # fmt: skip

# Units and ranks of the perpetrators, all invented.
UNITS = [
    "Полк ППС «Демо-Север» (вымышленный)",
    "ОМОН «Пример» (вымышленный)",
    "Demo rapid-response unit “Terek-D” (fictional)",
    "ОМВД по Условному району (вымышленный)",
    "Batallion « Exemple » (fictif)",
    "Отдел уголовного розыска «Шаблон» (вымышленный)",
]
RANKS = ["лейтенант", "старший лейтенант", "капитан", "майор", "сержант", "подполковник"]
OFFICERS = [
    "Майор Вымыслов Р. (вымышленный)",
    "Капитан Демоев А. (вымышленный)",
    "Captain Obraztsov (fictional)",
    "Подполковник Шаблонов М. (вымышленный)",
]

# Sources: organisations (name, connection code, language code).
ORGANISATIONS = [
    ("The Demo Courier (fictional newspaper)", "030100000000", "en"),
    ("Вымышленная газета «Пример»", "030100000000", "ru"),
    ("Le Courrier fictif", "030100000000", "fr"),
    ("Demo Rights Network (fictional NGO)", "040401000000", "en"),
    ("Сеть «Образец» (вымышленная НКО)", "040401000000", "ru"),
    ("Прокуратура Условного района (вымышленная)", "L-OFFICIAL-RECORD", "ru"),
]
# Individual sources other than the victims: (label, connection code).
WITNESSES = [
    ("Свидетель С-{n} (демо)", "010200000000"),
    ("Witness W-{n} (demo)", "010200000000"),
    ("Сокамерник К-{n} (демо)", "L-FELLOW-DETAINEE"),
    ("Родственник Р-{n} (демо)", "020101000000"),
    ("Ami·e A-{n} (démo)", "L-FRIEND-OF-VICTIM"),
    ("Адвокат Л-{n} (демо)", "040100000000"),
    ("Médecin M-{n} (démo)", "040200000000"),
]

TITLES = {
    "ru": [
        "(Демо) Задержания на посту у въезда в {place}",
        "(Демо) Ночные задержания в {place}",
        "(Демо) Задержание после переписки в мессенджере, {place}",
        "(Демо) Облава в {place}",
    ],
    "en": [
        "(Demo) Detentions at a checkpoint near {place}",
        "(Demo) Night-time arrests in {place}",
        "(Demo) Man lured to a meeting and detained, {place}",
    ],
    "fr": [
        "(Démo) Arrestations à un poste de contrôle près de {place}",
        "(Démo) Interpellations nocturnes à {place}",
    ],
}
DESCRIPTIONS = {
    "ru": "Вымышленное событие для демонстрации. Людей забирали по одному и увозили в {place}.",
    "en": "An invented event for the demo. People were taken one by one and driven to {place}.",
    "fr": "Un événement inventé pour la démo. Les personnes ont été emmenées une à une à {place}.",
}
METHODS = {
    "detention": "Удерживали в подвале без оформления задержания (демо).",
    "torture": "Били и применяли электрошок, требуя назвать знакомых (демо).",
    "outing": "Вызвали родственников и сообщили им о причине задержания (демо).",
    "extortion": "Требовали деньги за освобождение, угрожая рассказать семье (демо).",
    "phone": "Отобрали телефон и просмотрели переписку (демо).",
    "threat": "Угрожали семье, если он расскажет о задержании (демо).",
}
REASONS = [
    "«Вы позорите республику» (демо)",
    "“For a check of documents” (demo)",
    "« Pour vérification » (démo)",
]
ACCOUNTS = {
    "ru": "(Демо) Он рассказал, что его продержали {days} дней и отпустили к родственникам.",
    "ce": "(Демо) Рассказ на чеченском языке, переведённый волонтёром.",
    "en": "(Demo) He said he was held for {days} days and released to his relatives.",
    "fr": "(Démo) Il a raconté avoir été retenu {days} jours puis remis à sa famille.",
}

# Officials' statements: (speaker, office, language, stance, quote, translation).
STATEMENTS = [
    (
        "Иван Вымыслов (вымышленный)",
        "Пресс-секретарь главы вымышленной республики",
        "ru",
        "L-DENIES",
        "Ничего подобного в республике не происходило и происходить не может. (демо)",
        "Nothing of the kind has happened in the republic, nor could it. (demo)",
    ),
    (
        "Иван Вымыслов (вымышленный)",
        "Пресс-секретарь главы вымышленной республики",
        "ru",
        "L-DISCREDITS",
        "Эти публикации — провокация, их авторы никого не назвали. (демо)",
        "These articles are a provocation; their authors have named nobody. (demo)",
    ),
    (
        "Руслан Примеров (вымышленный)",
        "Министр внутренних дел вымышленной республики",
        "ru",
        "L-DENIES",
        "Сотрудники полиции никого не задерживали без оснований. (демо)",
        "Police officers detained nobody without grounds. (demo)",
    ),
    (
        "Jane Example (fictional)",
        "Spokesperson of a fictional federal ministry",
        "en",
        "L-CONFIRMS",
        "We have received complaints about detentions in the region and forwarded them. (demo)",
        "Мы получили жалобы о задержаниях в регионе и передали их дальше. (демо)",
    ),
    (
        "Анна Образцова (вымышленная)",
        "Уполномоченный по правам человека (вымышленный)",
        "ru",
        "L-PROMISES",
        "Мы проведём проверку, чтобы установить всю правду. (демо)",
        "We will hold an inquiry to establish the whole truth. (demo)",
    ),
    (
        "Pierre Fictif (fictif)",
        "Porte-parole d'un ministère fictif",
        "fr",
        "L-PROMISES",
        "Nous suivrons de très près la situation dans la région. (démo)",
        "We will follow the situation in the region very closely. (demo)",
    ),
    (
        "Руслан Примеров (вымышленный)",
        "Министр внутренних дел вымышленной республики",
        "ru",
        "L-BLAMES-VICTIMS",
        "Если кто-то и пострадал, то по вине собственных родственников. (демо)",
        "If anyone was harmed, it was their own relatives' doing. (demo)",
    ),
    (
        "Иван Вымыслов (вымышленный)",
        "Пресс-секретарь главы вымышленной республики",
        "ru",
        "L-PROMISES",
        "Все, кого задержали, будут отпущены к семьям. (демо)",
        "Everyone who was detained will be released to their families. (demo)",
    ),
]
PUBLISHED = [
    "Вымышленное агентство «Пример», интервью (демо)",
    "Fictional wire service, press briefing (demo)",
    "Journal fictif, entretien (démo)",
]
# Promises followed up: (statement index, promised to, promise, changes
# as (status, days after, reference)).
COMMITMENTS = [
    (
        4,
        "Родственникам задержанных (демо)",
        "Проверка, чтобы установить всю правду (демо)",
        [
            ("unknown", 30, "Ответ уполномоченного: проверка идёт (демо)"),
            ("not_kept", 400, "Отказ в возбуждении уголовного дела (демо)"),
        ],
    ),
    (
        5,
        "Aux organisations internationales (démo)",
        "Un suivi très régulier de la situation dans la région (démo)",
        [("partly_kept", 200, "Rapport d'une mission fictive (démo)")],
    ),
    (
        7,
        "Journalists (demo)",
        "Everyone detained released to their families (demo)",
        [
            ("partly_kept", 20, "The Demo Courier, follow-up article (demo)"),
            ("kept", 90, "Demo Rights Network, monitoring note (demo)"),
        ],
    ),
]
INTERVENTION_PARTIES = [
    "Юрист вымышленной НКО «Образец» (демо)",
    "Demo Rights Network's lawyer (demo)",
    "Avocate d'une ONG fictive (démo)",
]
ADDRESSEES = {
    "L-PROSECUTOR": "Прокуратура вымышленной республики (демо)",
    "L-INVESTIGATIVE-COMMITTEE": "Следственный комитет, вымышленное управление (демо)",
    "L-OMBUDSMAN": "Уполномоченный по правам человека (демо)",
    "L-ECHR": "European Court of Human Rights (demo application)",
    "L-UN-BODY": "A United Nations body (demo communication)",
    "L-OSCE": "OSCE participating States (demo appeal)",
}
OUTCOMES = [
    "Ответ: «факты не подтвердились» (демо)",
    "No reply within the legal time limit (demo)",
    "Demande de compléments d'information (démo)",
]
