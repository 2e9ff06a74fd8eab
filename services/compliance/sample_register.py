"""Deterministic generator of a synthetic asset-freeze register in the DG Trésor JSON format,
for development and tests: ``python -m services.compliance.sample_register OUTPUT.json``."""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

SAMPLE_REGISTER_PATH: Final = Path(__file__).parent / "data" / "freeze_register_sample.json"

PUBLICATION_DATE: Final = "2026-11-20T09:00:00"
SEED: Final = 20261120
RANDOM_PEOPLE: Final = 250
RANDOM_ENTITIES: Final = 40
RANDOM_VESSELS: Final = 8

Detail = dict[str, Any]

# --- name pools: (Latin spelling, native spelling or "") -----------------------------------

RUSSIAN_MEN = [
    ("Aleksandr", "Александр"), ("Dmitriy", "Дмитрий"), ("Sergey", "Сергей"),
    ("Andrey", "Андрей"), ("Aleksey", "Алексей"), ("Mikhail", "Михаил"), ("Nikolay", "Николай"),
    ("Vladimir", "Владимир"), ("Yevgeniy", "Евгений"), ("Yuriy", "Юрий"), ("Igor", "Игорь"),
    ("Oleg", "Олег"), ("Viktor", "Виктор"), ("Pavel", "Павел"), ("Konstantin", "Константин"),
    ("Gennadiy", "Геннадий"), ("Arkadiy", "Аркадий"), ("Vyacheslav", "Вячеслав"),
    ("Boris", "Борис"), ("Roman", "Роман"), ("Stanislav", "Станислав"), ("Timur", "Тимур"),
    ("Anatoliy", "Анатолий"), ("Grigoriy", "Григорий"), ("Fyodor", "Фёдор"),
]  # fmt: skip
RUSSIAN_WOMEN = [
    ("Olga", "Ольга"), ("Natalya", "Наталья"), ("Yelena", "Елена"), ("Irina", "Ирина"),
    ("Tatyana", "Татьяна"), ("Svetlana", "Светлана"), ("Yuliya", "Юлия"), ("Marina", "Марина"),
    ("Lyudmila", "Людмила"), ("Galina", "Галина"), ("Valentina", "Валентина"),
    ("Yekaterina", "Екатерина"), ("Oksana", "Оксана"), ("Larisa", "Лариса"),
]  # fmt: skip
# (male, female, Cyrillic male, Cyrillic female)
PATRONYMICS = [
    ("Aleksandrovich", "Aleksandrovna", "Александрович", "Александровна"),
    ("Sergeyevich", "Sergeyevna", "Сергеевич", "Сергеевна"),
    ("Viktorovich", "Viktorovna", "Викторович", "Викторовна"),
    ("Nikolayevich", "Nikolayevna", "Николаевич", "Николаевна"),
    ("Vladimirovich", "Vladimirovna", "Владимирович", "Владимировна"),
    ("Mikhaylovich", "Mikhaylovna", "Михайлович", "Михайловна"),
    ("Borisovich", "Borisovna", "Борисович", "Борисовна"),
    ("Yuryevich", "Yuryevna", "Юрьевич", "Юрьевна"),
    ("Igorevich", "Igorevna", "Игоревич", "Игоревна"),
    ("Anatolyevich", "Anatolyevna", "Анатольевич", "Анатольевна"),
    ("Pavlovich", "Pavlovna", "Павлович", "Павловна"),
    ("Gennadyevich", "Gennadyevna", "Геннадьевич", "Геннадьевна"),
]
# (male, female, Cyrillic male, Cyrillic female)
RUSSIAN_SURNAMES = [
    ("SMIRNOV", "SMIRNOVA", "Смирнов", "Смирнова"),
    ("VOLKOV", "VOLKOVA", "Волков", "Волкова"),
    ("SOKOLOV", "SOKOLOVA", "Соколов", "Соколова"),
    ("LEBEDEV", "LEBEDEVA", "Лебедев", "Лебедева"),
    ("KOZLOV", "KOZLOVA", "Козлов", "Козлова"),
    ("NOVIKOV", "NOVIKOVA", "Новиков", "Новикова"),
    ("MOROZOV", "MOROZOVA", "Морозов", "Морозова"),
    ("ZAKHAROV", "ZAKHAROVA", "Захаров", "Захарова"),
    ("ZAYTSEV", "ZAYTSEVA", "Зайцев", "Зайцева"),
    ("SOLOVYOV", "SOLOVYOVA", "Соловьёв", "Соловьёва"),
    ("VASILYEV", "VASILYEVA", "Васильев", "Васильева"),
    ("BELOUSOV", "BELOUSOVA", "Белоусов", "Белоусова"),
    ("ORLOV", "ORLOVA", "Орлов", "Орлова"),
    ("KISELYOV", "KISELYOVA", "Киселёв", "Киселёва"),
    ("TARASOV", "TARASOVA", "Тарасов", "Тарасова"),
    ("GROMOV", "GROMOVA", "Громов", "Громова"),
    ("FILIPPOV", "FILIPPOVA", "Филиппов", "Филиппова"),
    ("BOGDANOV", "BOGDANOVA", "Богданов", "Богданова"),
    ("KUZNETSOV", "KUZNETSOVA", "Кузнецов", "Кузнецова"),
    ("YAKOVLEV", "YAKOVLEVA", "Яковлев", "Яковлева"),
    ("SHCHERBAKOV", "SHCHERBAKOVA", "Щербаков", "Щербакова"),
    ("ZHUKOV", "ZHUKOVA", "Жуков", "Жукова"),
    ("TIMOFEYEV", "TIMOFEYEVA", "Тимофеев", "Тимофеева"),
    ("OVCHINNIKOV", "OVCHINNIKOVA", "Овчинников", "Овчинникова"),
    ("ZOLOTARYOV", "ZOLOTARYOVA", "Золотарёв", "Золотарёва"),
    ("KARPOV", "KARPOVA", "Карпов", "Карпова"),
    ("MELNIKOV", "MELNIKOVA", "Мельников", "Мельникова"),
    ("DANILOV", "DANILOVA", "Данилов", "Данилова"),
    ("ROMANOVSKIY", "ROMANOVSKAYA", "Романовский", "Романовская"),
    ("KRASNOV", "KRASNOVA", "Краснов", "Краснова"),
    ("ANTONOV", "ANTONOVA", "Антонов", "Антонова"),
    ("GUSEV", "GUSEVA", "Гусев", "Гусева"),
]
BELARUSIAN_MEN = [
    ("Aliaksandr", "Аляксандр"), ("Uladzimir", "Уладзімір"), ("Siarhei", "Сяргей"),
    ("Andrei", "Андрэй"), ("Dzmitry", "Дзмітрый"), ("Viktar", "Віктар"), ("Mikalai", "Мікалай"),
    ("Ihar", "Ігар"), ("Yury", "Юрый"), ("Pavel", "Павел"),
]  # fmt: skip
BELARUSIAN_WOMEN = [
    ("Volha", "Вольга"), ("Natallia", "Наталля"), ("Alena", "Алена"), ("Iryna", "Ірына"),
    ("Tatsiana", "Таццяна"), ("Liudmila", "Людміла"),
]  # fmt: skip
BELARUSIAN_SURNAMES = [
    ("KAVALIOU", "KAVALIOVA", "Кавалёў", "Кавалёва"),
    ("KARPENKA", "KARPENKA", "Карпенка", "Карпенка"),
    ("BAHDANOVICH", "BAHDANOVICH", "Багдановіч", "Багдановіч"),
    ("TSIKHANOUSKI", "TSIKHANOUSKAYA", "Ціханоўскі", "Ціханоўская"),
    ("MAKEI", "MAKEI", "Макей", "Макей"),
    ("SHAUTSOU", "SHAUTSOVA", "Шаўцоў", "Шаўцова"),
    ("LUKASHEVICH", "LUKASHEVICH", "Лукашэвіч", "Лукашэвіч"),
    ("HAIDUKEVICH", "HAIDUKEVICH", "Гайдукевіч", "Гайдукевіч"),
    ("VAKULCHYK", "VAKULCHYK", "Вакульчык", "Вакульчык"),
    ("ZHADOBIN", "ZHADOBINA", "Жадобін", "Жадобіна"),
    ("PAULICHENKA", "PAULICHENKA", "Паўлічэнка", "Паўлічэнка"),
]
UKRAINIAN_MEN = [
    ("Oleksandr", "Олександр"), ("Volodymyr", "Володимир"), ("Serhiy", "Сергій"),
    ("Andriy", "Андрій"), ("Mykola", "Микола"), ("Viktor", "Віктор"), ("Yuriy", "Юрій"),
]  # fmt: skip
UKRAINIAN_WOMEN = [("Nataliya", "Наталія"), ("Oksana", "Оксана"), ("Iryna", "Ірина")]
UKRAINIAN_SURNAMES = [
    ("MELNYCHENKO", "Мельниченко"), ("BONDARENKO", "Бондаренко"), ("TKACHENKO", "Ткаченко"),
    ("SHEVCHUK", "Шевчук"), ("KRAVCHUK", "Кравчук"), ("MARCHENKO", "Марченко"),
    ("HONCHARUK", "Гончарук"), ("SYDORENKO", "Сидоренко"),
]  # fmt: skip
ARABIC_MEN = [
    ("Mohammed", "محمد"), ("Ahmad", "أحمد"), ("Khaled", "خالد"), ("Youssef", "يوسف"),
    ("Omar", "عمر"), ("Hassan", "حسن"), ("Ali", "علي"), ("Ibrahim", "إبراهيم"),
    ("Samir", "سمير"), ("Fadi", "فادي"), ("Rami", "رامي"), ("Tarek", "طارق"),
    ("Walid", "وليد"), ("Nizar", "نزار"), ("Maher", "ماهر"), ("Mahmoud", "محمود"),
    ("Abdelkader", "عبد القادر"), ("Abd al-Karim", "عبد الكريم"), ("Mu'ammar", "معمر"),
    ("Sa'id", "سعيد"), ("Ra'ed", "رائد"), ("Hussein", "حسين"), ("Jamil", "جميل"),
    ("Bassam", "بسام"), ("Ziad", "زياد"), ("Mazen", "مازن"), ("Ghassan", "غسان"),
    ("Hisham", "هشام"), ("Nabil", "نبيل"), ("Kamal", "كمال"),
]  # fmt: skip
ARABIC_WOMEN = [
    ("Fatima", "فاطمة"), ("Rania", "رانيا"), ("Lina", "لينا"), ("Huda", "هدى"),
    ("Asma", "أسماء"), ("Buthaina", "بثينة"), ("Su'ad", "سعاد"), ("Amal", "أمل"),
    ("Aïcha", "عائشة"), ("Hénia", "هنية"),
]  # fmt: skip
ARABIC_SURNAMES = [
    ("AL-HASSAN", "الحسن"), ("HADDAD", "حداد"), ("KHOURY", "خوري"), ("AL-MASRI", "المصري"),
    ("NASSER", "ناصر"), ("SABBAGH", "صباغ"), ("AL-ZOUBI", "الزعبي"), ("JABER", "جابر"),
    ("ISSA", "عيسى"), ("AL-AHMAD", "الأحمد"), ("HAMDAN", "حمدان"), ("QASSEM", "قاسم"),
    ("AL-SHA'ER", "الشاعر"), ("DARWISH", "درويش"), ("MANSOUR", "منصور"), ("SALEH", "صالح"),
    ("AL-TIKRITI", "التكريتي"), ("SHALISH", "شاليش"), ("AL-JAZAIRI", "الجزائري"),
    ("AL-BAGHDADI", "البغدادي"), ("YAZBEK", "يزبك"), ("OTHMAN", "عثمان"), ("FAYAD", "فياض"),
    ("AL-OBEIDI", "العبيدي"), ("KANJ", "كنج"), ("ABOU SALEH", "أبو صالح"),
    ("BEN AMMAR", "بن عمار"), ("EL-SHARIF", "الشريف"), ("HAMWI", "حموي"),
    ("MAKDISSI", "مقدسي"), ("TLASS", "طلاس"), ("SHAWKAT", "شوكت"), ("BENAÏSSA", "بن عيسى"),
    ("EL-HÉDI", "الهادي"), ("ZAÏM", "زعيم"),
]  # fmt: skip
# Other romanisations found in UN/EU lists, used for aliases.
ARABIC_SPELLINGS = {
    "Mohammed": "Muhammad", "Youssef": "Yusuf", "Khaled": "Khalid", "Omar": "Umar",
    "Hussein": "Husayn", "Tarek": "Tariq", "Mahmoud": "Mahmud", "Sa'id": "Said",
    "Walid": "Waleed", "Nabil": "Nabeel", "Jamil": "Jameel", "Hisham": "Hicham",
    "Abdelkader": "Abd al-Qadir", "Ziad": "Ziyad", "HADDAD": "HADAD", "KHOURY": "EL KHOURI",
    "NASSER": "NASIR", "QASSEM": "KASSEM", "MANSOUR": "MANSUR", "SALEH": "SALIH",
    "OTHMAN": "OSMAN", "DARWISH": "DARWICH", "JABER": "JABIR", "HAMDAN": "HAMDANE",
    "FAYAD": "FAYYAD", "MAKDISSI": "MAQDISI", "SHAWKAT": "CHAWKAT", "YAZBEK": "YAZBECK",
}  # fmt: skip
PERSIAN_MEN = [
    ("Mohammad", "محمد"), ("Reza", "رضا"), ("Hossein", "حسین"), ("Mehdi", "مهدی"),
    ("Hamid", "حمید"), ("Majid", "مجید"), ("Farhad", "فرهاد"), ("Ali-Akbar", "علی‌اکبر"),
    ("Mohsen", "محسن"), ("Saeed", "سعید"), ("Abbas", "عباس"), ("Javad", "جواد"),
    ("Gholamreza", "غلامرضا"), ("Ebrahim", "ابراهیم"), ("Massoud", "مسعود"),
]  # fmt: skip
PERSIAN_WOMEN = [("Maryam", "مریم"), ("Zahra", "زهرا"), ("Fatemeh", "فاطمه"), ("Leila", "لیلا")]
PERSIAN_SURNAMES = [
    ("HOSSEINI", "حسینی"), ("RAHIMI", "رحیمی"), ("KARIMI", "کریمی"), ("MORADI", "مرادی"),
    ("JAFARI", "جعفری"), ("TEHRANI", "تهرانی"), ("AHMADI", "احمدی"), ("ROSTAMI", "رستمی"),
    ("SADEGHI", "صادقی"), ("NOURI", "نوری"), ("GHASEMI", "قاسمی"), ("BAGHERI", "باقری"),
    ("SHAHRIARI", "شهریاری"), ("VAHIDI", "وحیدی"), ("ZARGHAMI", "ضرغامی"),
    ("MOTTAGHI", "متقی"), ("ESFANDIARI", "اسفندیاری"), ("NAJAFABADI", "نجف‌آبادی"),
]  # fmt: skip
KOREAN_SURNAMES = [
    "KIM", "PAK", "RI", "CHOE", "JANG", "KANG", "HAN", "JO", "RYU", "YUN", "SIN", "JONG",
    "HWANG", "O", "JU",
]  # fmt: skip
KOREAN_SYLLABLES = [
    "Chol", "Ho", "Yong", "Nam", "Kwang", "Il", "Song", "Myong", "Hak", "Su", "Jin", "Hyok",
    "Man", "Gun", "Chun", "Sik", "Thae", "Un", "Ryong", "Sop", "Hyon", "Tok", "Kyong", "Mun",
]  # fmt: skip
# Korean given names are written split or hyphenated in the register ("Jong Un", "Jong-Un").

PLACES = {
    "russian": [("Moscou", "Russie"), ("Saint-Pétersbourg", "Russie"), ("Ekaterinbourg", "Russie"),
                ("Novossibirsk", "Russie"), ("Kazan", "Russie"), ("Perm", "Russie"),
                ("Rostov-sur-le-Don", "Russie"), ("Vladivostok", "Russie")],
    "belarusian": [("Minsk", "Biélorussie"), ("Homiel", "Biélorussie"),
                   ("Hrodna", "Biélorussie"), ("Moguilev", "Biélorussie")],
    "ukrainian": [("Donetsk", "Ukraine"), ("Louhansk", "Ukraine"), ("Simferopol", "Ukraine"),
                  ("Sébastopol", "Ukraine")],
    "syrian": [("Damas", "Syrie"), ("Alep", "Syrie"), ("Lattaquié", "Syrie"), ("Homs", "Syrie"),
               ("Hama", "Syrie"), ("Tartous", "Syrie")],
    "iraqi": [("Bagdad", "Irak"), ("Tikrit", "Irak"), ("Mossoul", "Irak")],
    "libyan": [("Tripoli", "Libye"), ("Syrte", "Libye"), ("Benghazi", "Libye")],
    "persian": [("Téhéran", "Iran"), ("Ispahan", "Iran"), ("Mechhed", "Iran"),
                ("Tabriz", "Iran"), ("Chiraz", "Iran")],
    "korean": [("Pyongyang", "Corée du Nord"), ("Hamhung", "Corée du Nord"),
               ("Chongjin", "Corée du Nord"), ("Wonsan", "Corée du Nord")],
}  # fmt: skip
NATIONALITY = {
    "russian": "Russie", "belarusian": "Biélorussie", "ukrainian": "Ukraine", "syrian": "Syrie",
    "iraqi": "Irak", "libyan": "Libye", "persian": "Iran", "korean": "Corée du Nord",
}  # fmt: skip

# (TypeChamp value, label)
LEGAL_BASES = {
    "russian": ("Règlement (UE) 269/2014", "(UE) 269/2014 (Ukraine - intégrité territoriale)"),
    "ukrainian": ("Règlement (UE) 269/2014", "(UE) 269/2014 (Ukraine - intégrité territoriale)"),
    "belarusian": ("Règlement (CE) 765/2006", "(CE) 765/2006 (Biélorussie)"),
    "syrian": ("Règlement (UE) 36/2012", "(UE) 36/2012 (Syrie)"),
    "iraqi": ("Règlement (CE) 1210/2003", "(CE) 1210/2003 (Irak)"),
    "libyan": ("Règlement (UE) 2016/44", "(UE) 2016/44 (Libye)"),
    "persian": ("Règlement (UE) 267/2012", "(UE) 267/2012 (Iran - prolifération nucléaire)"),
    "korean": ("Règlement (UE) 2017/1509", "(UE) 2017/1509 (Corée du Nord)"),
}
GROUNDS = {
    "russian": [
        "Homme d'affaires influent actif dans un secteur économique fournissant une source "
        "substantielle de revenus au gouvernement de la Fédération de Russie.",
        "Membre du conseil d'administration d'une entreprise publique du secteur de la défense.",
        "Responsable de la déportation illégale d'enfants ukrainiens vers la Fédération de Russie.",
        "Propagandiste ayant soutenu publiquement des actions compromettant l'intégrité "
        "territoriale de l'Ukraine.",
    ],
    "ukrainian": [
        "Chef autoproclamé d'une administration d'occupation dans une région de l'Ukraine.",
        "A organisé un prétendu référendum dans une région occupée de l'Ukraine.",
    ],
    "belarusian": [
        "Responsable de la répression de la société civile et de l'opposition démocratique.",
        "Juge ayant prononcé des condamnations à motivation politique.",
        "Homme d'affaires tirant profit du régime de Loukachenko.",
    ],
    "syrian": [
        "Homme d'affaires proche du régime, finançant ses milices.",
        "Officier des services de renseignement impliqué dans la répression violente de la "
        "population civile.",
        "Impliqué dans la production et le trafic de captagon.",
    ],
    "iraqi": ["Ancien haut responsable du régime de Saddam Hussein."],
    "libyan": ["Membre de la famille de l'ancien dirigeant, associé au régime."],
    "persian": [
        "Impliqué dans les activités nucléaires ou balistiques sensibles de l'Iran.",
        "Commandant des gardiens de la révolution responsable de violations graves des droits "
        "de l'homme.",
    ],
    "korean": [
        "Responsable de programmes liés aux armes de destruction massive.",
        "Représentant d'une banque nord-coréenne à l'étranger.",
    ],
}
TITLES = ["Général", "Colonel", "Ministre", "Vice-ministre", "Gouverneur", "Député", "Juge"]

ENTITY_PARTS = {
    "russian": (
        [("Severo-Zapadnaya", "Северо-Западная"), ("Uralskaya", "Уральская"),
         ("Volzhskaya", "Волжская"), ("Sibirskaya", "Сибирская"),
         ("Baltiyskaya", "Балтийская"), ("Dalnevostochnaya", "Дальневосточная"),
         ("Yuzhnaya", "Южная"), ("Tsentralnaya", "Центральная")],
        [("Promyshlennaya Kompaniya", "Промышленная Компания"),
         ("Energeticheskaya Gruppa", "Энергетическая Группа"),
         ("Transportnaya Kompaniya", "Транспортная Компания"),
         ("Metallurgicheskaya Korporatsiya", "Металлургическая Корпорация"),
         ("Oboronnaya Tekhnika", "Оборонная Техника"),
         ("Investitsionnaya Gruppa", "Инвестиционная Группа")],
        ["OOO", "AO", "PAO", "ZAO"],
    ),
    "syrian": (
        [("Al-Noor", "النور"), ("Al-Sham", "الشام"), ("Al-Fajr", "الفجر"), ("Qasioun", "قاسيون"),
         ("Al-Wataniya", "الوطنية"), ("Barada", "بردى")],
        [("Trading Company", "للتجارة"), ("Petroleum Services", "للخدمات النفطية"),
         ("Holding Group", "القابضة"), ("Construction and Contracting", "للمقاولات")],
        ["LLC", "SARL", ""],
    ),
    "persian": (
        [("Pars", "پارس"), ("Kaveh", "کاوه"), ("Arya", "آریا"), ("Simorgh", "سیمرغ"),
         ("Khatam", "خاتم"), ("Sepahan", "سپاهان")],
        [("Shipping Lines", "کشتیرانی"), ("Petrochemical Company", "پتروشیمی"),
         ("Aerospace Industries", "صنایع هوافضا"), ("Electronic Systems", "سیستم‌های الکترونیک")],
        ["Co.", "PJSC", ""],
    ),
    "korean": (
        [("Chosun", ""), ("Taesong", ""), ("Ryugyong", ""), ("Kumgang", ""), ("Myohyang", "")],
        [("General Trading Corporation", ""), ("Mining Development Company", ""),
         ("Commercial Bank", ""), ("Shipping Company", "")],
        ["", "Ltd"],
    ),
}  # fmt: skip
ENTITY_CITIES = {
    "russian": [("Moscou", "Russie"), ("Saint-Pétersbourg", "Russie"), ("Kazan", "Russie")],
    "syrian": [("Damas", "Syrie"), ("Lattaquié", "Syrie"), ("Beyrouth", "Liban")],
    "persian": [("Téhéran", "Iran"), ("Bandar Abbas", "Iran"), ("Dubaï", "Émirats arabes unis")],
    "korean": [("Pyongyang", "Corée du Nord"), ("Nampo", "Corée du Nord")],
}
VESSEL_NAMES = [
    "OCEAN PEARL", "SEA BREEZE", "AMUR STAR", "NAJMAT AL BAHR", "GOLDEN GLORY", "PACIFIC DAWN",
    "YUZHNAYA ZVEZDA", "CHON MA SAN", "BLUE LOTUS", "ARCTIC SPIRIT", "SILVER HORIZON",
    "KHALIJ TRADER",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Person:
    """A synthetic person before being written in the register's format."""

    origin: str
    female: bool
    first_names: list[str]
    last_name: str
    aliases: list[str]


def _pick_person(rng: random.Random, origin: str) -> Person:
    female = rng.random() < 0.2
    aliases: list[str] = []
    if origin in {"russian", "belarusian"}:
        men, women, surnames = (
            (RUSSIAN_MEN, RUSSIAN_WOMEN, RUSSIAN_SURNAMES)
            if origin == "russian"
            else (BELARUSIAN_MEN, BELARUSIAN_WOMEN, BELARUSIAN_SURNAMES)
        )
        first, first_native = rng.choice(women if female else men)
        patronymic = rng.choice(PATRONYMICS)
        surname = rng.choice(surnames)
        last = surname[1] if female else surname[0]
        last_native = surname[3] if female else surname[2]
        middle = patronymic[1] if female else patronymic[0]
        middle_native = patronymic[3] if female else patronymic[2]
        first_names = [f"{first} {middle}"]
        if rng.random() < 0.55:
            aliases.append(f"{last_native} {first_native} {middle_native}")
        if rng.random() < 0.25:
            aliases.append(f"{first_native} {last_native}")
        return Person(origin, female, first_names, last, aliases)
    if origin == "ukrainian":
        first, first_native = rng.choice(UKRAINIAN_WOMEN if female else UKRAINIAN_MEN)
        last, last_native = rng.choice(UKRAINIAN_SURNAMES)
        if rng.random() < 0.5:
            aliases.append(f"{first_native} {last_native}")
        return Person(origin, female, [first], last, aliases)
    if origin in {"syrian", "iraqi", "libyan"}:
        first, first_native = rng.choice(ARABIC_WOMEN if female else ARABIC_MEN)
        last, last_native = rng.choice(ARABIC_SURNAMES)
        first_names = [first]
        if rng.random() < 0.3:
            # A father's name, as the register often lists it within the first names.
            father, _ = rng.choice(ARABIC_MEN)
            first_names = [f"{first} {father}"]
        elif first in ARABIC_SPELLINGS and rng.random() < 0.4:
            # Some entries list the given name under two spellings, as two PRENOM values.
            first_names.append(ARABIC_SPELLINGS[first])
        if rng.random() < 0.5:
            aliases.append(f"{first_native} {last_native}")
        if rng.random() < 0.3:
            # Another romanisation of the same Arabic name, as UN and EU lists publish them.
            spelled = ARABIC_SPELLINGS.get(first, first)
            family = ARABIC_SPELLINGS.get(last, last.replace("AL-", "EL-"))
            if (spelled, family) != (first, last):
                aliases.append(f"{spelled} {_title(family)}")
        if rng.random() < 0.15:
            aliases.append(f"Abou {rng.choice(ARABIC_MEN)[0]}")
        return Person(origin, female, first_names, last, aliases)
    if origin == "persian":
        first, first_native = rng.choice(PERSIAN_WOMEN if female else PERSIAN_MEN)
        last, last_native = rng.choice(PERSIAN_SURNAMES)
        if rng.random() < 0.45:
            aliases.append(f"{first_native} {last_native}")
        if rng.random() < 0.2:
            second, _ = rng.choice(PERSIAN_SURNAMES)
            aliases.append(f"{first} {_title(last)}-{_title(second)}")
        return Person(origin, female, [first], last, aliases)
    # Korean
    syllables = rng.sample(KOREAN_SYLLABLES, 2)
    given = f"{syllables[0]} {syllables[1]}"
    last = rng.choice(KOREAN_SURNAMES)
    if rng.random() < 0.35:
        aliases.append(f"{given.replace(' ', '-')} {last.title()}")
    if rng.random() < 0.2:
        aliases.append(f"{last.title()} {syllables[0]}{syllables[1].lower()}")
    return Person(origin, female, [given], last, aliases)


def _title(name: str) -> str:
    """Capitalise each part of a name: "AL-SHA'ER" → "Al-Sha'er" (str.title: "Al-Sha'Er")."""
    return " ".join("-".join(p.capitalize() for p in w.split("-")) for w in name.split())


def _single(type_champ: str, **values: str) -> Detail:
    return {"TypeChamp": type_champ, "Valeur": [values]}


def _birth_date_detail(rng: random.Random) -> Detail:
    """Full dates mostly, some year-only or year+month, some people with two dates."""
    year = rng.randint(1940, 1995)
    precision = rng.random()
    dates: list[dict[str, str]] = []
    if precision < 0.6:
        dates.append({"Jour": f"{rng.randint(1, 28):02d}", "Mois": f"{rng.randint(1, 12):02d}"})
    elif precision < 0.8:
        dates.append({"Jour": "", "Mois": ""})
    else:
        dates.append({"Jour": "", "Mois": f"{rng.randint(1, 12):02d}"})
    dates[0]["Annee"] = str(year)
    if rng.random() < 0.12:
        other = year + rng.choice([-2, -1, 1, 2])
        dates.append({"Jour": "", "Mois": "", "Annee": str(other)})
    return {"TypeChamp": "DATE_DE_NAISSANCE", "Valeur": dates}


def _person_record(rng: random.Random, entry_id: int, person: Person) -> dict[str, Any]:
    origin = person.origin
    details: list[Detail] = [
        {"TypeChamp": "PRENOM", "Valeur": [{"Prenom": n} for n in person.first_names]},
    ]
    if person.aliases:
        details.append({"TypeChamp": "ALIAS", "Valeur": [{"Alias": a} for a in person.aliases]})
    details.append(_single("SEXE", Sexe="Féminin" if person.female else "Masculin"))
    details.append(_single("NATIONALITE", Pays=NATIONALITY[origin]))
    if rng.random() < 0.2:
        details.append(_single("TITRE", Titre=rng.choice(TITLES)))
    if rng.random() < 0.9:
        details.append(_birth_date_detail(rng))
    if rng.random() < 0.8:
        place, country = rng.choice(PLACES[origin])
        details.append(_single("LIEU_DE_NAISSANCE", Lieu=place, Pays=country))
    if rng.random() < 0.25:
        details.append(
            _single(
                "PASSEPORT", NumeroPasseport=f"{rng.randint(10, 99)}{rng.randint(0, 10**7):07d}"
            )
        )
    return _record(rng, entry_id, "Personne physique", person.last_name, origin, details)


def _record(
    rng: random.Random,
    entry_id: int,
    nature: str,
    name: str,
    origin: str,
    details: list[Detail],
) -> dict[str, Any]:
    basis, label = LEGAL_BASES[origin]
    details.append(_single("FONDEMENT_JURIDIQUE", FondementJuridique=basis,
                           FondementJuridiqueLabel=label))  # fmt: skip
    details.append(
        _single("REFERENCE_UE", ReferenceUe=f"EU.{rng.randint(1000, 9999)}.{rng.randint(10, 99)}")
    )
    details.append(_single("MOTIFS", Motifs=rng.choice(GROUNDS[origin])))
    return {"IdRegistre": entry_id, "Nature": nature, "Nom": name, "RegistreDetail": details}


def _entity_record(
    rng: random.Random, entry_id: int, origin: str, taken: set[str]
) -> dict[str, Any]:
    prefixes, sectors, forms = ENTITY_PARTS[origin]
    while True:
        (prefix, prefix_native), (sector, sector_native) = rng.choice(prefixes), rng.choice(sectors)
        # Unique without the legal form: "X LTD" and "X" would be one company.
        if f"{prefix} {sector}".upper() not in taken:
            taken.add(f"{prefix} {sector}".upper())
            break
    name = " ".join(p for p in (prefix, sector, rng.choice(forms)) if p).upper()
    aliases: list[str] = []
    if prefix_native and rng.random() < 0.7:
        if origin == "russian":
            aliases.append(f"{prefix_native} {sector_native}")
        else:
            # Arabic and Persian put the noun before its qualifier.
            aliases.append(f"{sector_native} {prefix_native}")
    if rng.random() < 0.4:
        initials = "".join(w[0] for w in f"{prefix} {sector}".replace("-", " ").split())
        aliases.append(initials.upper())
    city, country = rng.choice(ENTITY_CITIES[origin])
    details: list[Detail] = []
    if aliases:
        details.append({"TypeChamp": "ALIAS", "Valeur": [{"Alias": a} for a in aliases]})
    street = rng.choice(["Centrale", "du Port", "Industrielle", "de la Gare"])
    address = f"{rng.randint(1, 120)}, rue {street}, {city}"
    details.append(_single("ADRESSE_PM", Adresse=address, Pays=country))
    if rng.random() < 0.4:
        site = (
            "".join(w[:4] for w in prefix.lower().replace("-", " ").split())
            + "-"
            + sector.split()[0].lower()
        )
        details.append(_single("SITE_INTERNET", SiteInternet=f"www.{site}.com"))
    if rng.random() < 0.3:
        number = f"+{rng.randint(7, 98)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        details.append(_single("TELEPHONE", Telephone=number))
    return _record(rng, entry_id, "Personne morale", name, origin, details)


def _vessel_record(rng: random.Random, entry_id: int, name: str) -> dict[str, Any]:
    details: list[Detail] = [_single("NUMERO_OMI", NumeroOMI=f"{rng.randint(8000000, 9899999)}")]
    if rng.random() < 0.5:
        details.append(_single("ALIAS", Alias=rng.choice(VESSEL_NAMES[:6]) + " II"))
    origin = rng.choice(["persian", "korean", "syrian"])
    return _record(rng, entry_id, "Navire", name, origin, details)


def _required_records(rng: random.Random, ids: list[int]) -> list[dict[str, Any]]:
    """Entries other code and tests rely on by name."""

    def person(
        entry_id: int,
        last: str,
        first: str,
        origin: str,
        dates: list[dict[str, str]],
        aliases: list[str],
        *,
        female: bool = False,
    ) -> dict[str, Any]:
        details: list[Detail] = [{"TypeChamp": "PRENOM", "Valeur": [{"Prenom": first}]}]
        if aliases:
            details.append({"TypeChamp": "ALIAS", "Valeur": [{"Alias": a} for a in aliases]})
        details.append(_single("SEXE", Sexe="Féminin" if female else "Masculin"))
        details.append(_single("NATIONALITE", Pays=NATIONALITY[origin]))
        details.append({"TypeChamp": "DATE_DE_NAISSANCE", "Valeur": dates})
        place, country = PLACES[origin][0]
        details.append(_single("LIEU_DE_NAISSANCE", Lieu=place, Pays=country))
        return _record(rng, entry_id, "Personne physique", last, origin, details)

    severnaya = _record(
        rng,
        ids[3],
        "Personne morale",
        "SEVERNAYA LOGISTIKA OOO",
        "russian",
        [
            {"TypeChamp": "ALIAS", "Valeur": [{"Alias": "Северная Логистика"},
                                              {"Alias": "NORTHERN LOGISTICS LLC"}]},
            _single("ADRESSE_PM", Adresse="14, quai Obvodny, Saint-Pétersbourg", Pays="Russie"),
            _single("SITE_INTERNET", SiteInternet="www.sevlogistika.ru"),
        ],
    )  # fmt: skip
    return [
        person(ids[0], "PETROV", "Ivan Sergeyevich", "russian",
               [{"Jour": "12", "Mois": "04", "Annee": "1961"}], ["Иван Петров"]),
        person(ids[1], "AL-RASHID", "Mohammed", "syrian",
               [{"Jour": "", "Mois": "", "Annee": "1975"}], ["محمد الرشيد"]),
        person(ids[2], "KOVALENKO", "Olena", "ukrainian",
               [{"Jour": "07", "Mois": "03", "Annee": "1982"}], ["Олена Коваленко"], female=True),
        severnaya,
    ]  # fmt: skip


def build_sample_register(seed: int = SEED) -> dict[str, Any]:
    """The whole publication as a JSON-able object; the same seed gives the same register."""
    rng = random.Random(seed)
    total = 4 + RANDOM_PEOPLE + RANDOM_ENTITIES + RANDOM_VESSELS
    ids = rng.sample(range(1000, 20000), total)
    records = _required_records(rng, ids[:4])
    next_id = iter(ids[4:])

    origins = ["russian"] * 40 + ["belarusian"] * 12 + ["ukrainian"] * 6 + ["syrian"] * 22
    origins += ["iraqi"] * 5 + ["libyan"] * 4 + ["persian"] * 14 + ["korean"] * 10
    # Names already taken, so that each random person is a different name from the others and
    # from the required entries.
    taken = {("Ivan Sergeyevich", "PETROV"), ("Mohammed", "AL-RASHID"), ("Olena", "KOVALENKO")}
    people = 0
    while people < RANDOM_PEOPLE:
        person = _pick_person(rng, rng.choice(origins))
        key = (person.first_names[0], person.last_name)
        if key in taken:
            continue
        taken.add(key)
        records.append(_person_record(rng, next(next_id), person))
        people += 1

    entity_names: set[str] = {"SEVERNAYA LOGISTIKA"}
    entity_origins = ["russian"] * 4 + ["syrian"] * 2 + ["persian"] * 3 + ["korean"] * 2
    for _ in range(RANDOM_ENTITIES):
        records.append(_entity_record(rng, next(next_id), rng.choice(entity_origins), entity_names))
    for name in rng.sample(VESSEL_NAMES, RANDOM_VESSELS):
        records.append(_vessel_record(rng, next(next_id), name))

    rng.shuffle(records)
    return {"Publications": {"DatePublication": PUBLICATION_DATE, "PublicationDetail": records}}


def write_sample_register(output: Path, seed: int = SEED) -> None:
    text = json.dumps(build_sample_register(seed), ensure_ascii=False, indent=1)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m services.compliance.sample_register OUTPUT.json", file=sys.stderr)
        return 2
    write_sample_register(Path(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
