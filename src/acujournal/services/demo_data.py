"""Static material for the demo clinic: names, practitioners, prescriptions and note text.

Kept apart from the generator (:mod:`acujournal.services.demo`) so the logic stays readable.
Everything here is invented for the demo: the prescriptions follow common textbook practice for
each condition, the depths are typical for an adult (and within the validation ranges), and no
text is copied from a copyrighted source.
"""

from __future__ import annotations

from dataclasses import dataclass

from acujournal.domain.model import AcupunctureStyle, CaseSide, NeedleAngle

CLINIC_ZONE = "Europe/Oslo"
"""The one time zone of the demo clinic (sessions happen 08-18 local time, DST included)."""


# Names -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamePool:
    """Names of one language; family names differ by sex where the language inflects them."""

    weight: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    family_female: tuple[str, ...]
    family_male: tuple[str, ...]
    family_first: bool = False
    separator: str = " "
    phone_country: str = "+47"


def _pool(
    weight: float,
    female: str,
    male: str,
    family: str,
    family_male: str | None = None,
    **options: object,
) -> NamePool:
    families = tuple(family.split(","))
    males = tuple(family_male.split(",")) if family_male else families
    return NamePool(
        weight,
        tuple(female.split(",")),
        tuple(male.split(",")),
        families,
        males,
        **options,  # type: ignore[arg-type]
    )


NAME_POOLS: tuple[NamePool, ...] = (
    _pool(
        46,
        "Åse,Kari,Ingrid,Sigrid,Solveig,Ragnhild,Marit,Liv,Gro,Astrid,Siri,Tone,Randi,Nora,Emma,"
        "Ida,Kjersti,Bodil,Aud,Hege,Line,Anniken,Torunn,Synnøve,Bjørg,Maren,Signe,Unni",
        "Bjørn,Ola,Håkon,Knut,Eirik,Torbjørn,Øystein,Jørgen,Ståle,Per,Trond,Jonas,Magnus,Sindre,"
        "Geir,Tor,Dag,Vegard,Åsmund,Halvard,Ivar,Steinar,Pål,Einar,Rune,Sverre,Kåre",
        "Bjørnstad,Hansen,Johansen,Olsen,Larsen,Andersen,Pedersen,Nilsen,Kristiansen,Jensen,"
        "Karlsen,Johnsen,Pettersen,Eriksen,Berg,Haugen,Hagen,Johannessen,Andreassen,Jacobsen,"
        "Dahl,Jørgensen,Halvorsen,Henriksen,Lund,Sørensen,Strand,Solberg,Bakken,Moen,Lie,Rønning,"
        "Sæther,Østby,Grønli,Fjæreide,Kvåle,Løvås,Bråthen,Nygård,Aasen,Sørli,Kvamme,Tønnesen",
    ),
    _pool(
        7,
        "Åsa,Märta,Linnéa,Mette,Ulla,Pernille,Britt-Marie,Søs,Karin,Agnetha",
        "Björn,Göran,Sören,Søren,Jens,Måns,Anders,Nils-Åke,Lasse,Bo",
        "Lindström,Åkesson,Sjöberg,Nørgaard,Bækgaard,Holmqvist,Ekström,Löfgren,Mølgaard,Hjälm",
        phone_country="+46",
    ),
    _pool(
        6,
        "María,Lucía,Begoña,Pilar,Inés,Mónica,Ángela,Nuria,Dolores,Verónica",
        "José,Íñigo,Jesús,Ramón,Andrés,Joaquín,Álvaro,Rubén,Tomás,Sebastián",
        "Núñez,García,Pérez,Martínez,Ibáñez,Gómez,Muñoz,Fernández,Ortiz,Peña,Sánchez,Jiménez",
        phone_country="+34",
    ),
    _pool(
        2,
        "Conceição,Luísa,Inês,Graça,Fátima",
        "João,Gonçalo,Sebastião,António,Vítor",
        "Gonçalves,Simões,Magalhães,Araújo,Brandão,Falcão",
        phone_country="+351",
    ),
    _pool(
        3,
        "Hélène,Amélie,Cécile,Zoë,Geneviève,Maëlle",
        "François,Jérôme,Benoît,Loïc,Gaël,Stéphane",
        "Lefèvre,Dubois,Garnier,Mercier,Bélanger,Léveillé,Ménard",
        phone_country="+33",
    ),
    _pool(
        4,
        "Käthe,Sabine,Heike,Jürgen,Bärbel,Ursula,Gisela",
        "Jürgen,Günther,Jörg,Uwe,Klaus,Björn,Rüdiger",
        "Müller,Schäfer,Weiß,Köhler,Bäcker,Hoffmann,Groß,Krüger",
        phone_country="+49",
    ),
    _pool(
        5,
        "Małgorzata,Agnieszka,Zofia,Katarzyna,Grażyna,Joanna,Bożena",
        "Paweł,Łukasz,Wojciech,Krzysztof,Jędrzej,Michał,Grzegorz",
        "Nowak,Wójcik,Kowalczyk,Mazur,Krawczyk,Zając,Król,Wróbel,Ślusarczyk",
        phone_country="+48",
    ),
    _pool(
        2,
        "Ayşe,Gülşen,Özlem,Şule,Elif,Büşra",
        "Mehmet,Çağrı,Şükrü,Oğuz,Emre,İsmail",
        "Yılmaz,Öztürk,Çelik,Şahin,Doğan,Aydın,Güneş",
        phone_country="+90",
    ),
    _pool(
        3,
        "Thị Hương,Thu Trang,Ngọc Anh,Thị Lan,Mai Phương",
        "Văn Minh,Quang Huy,Đức Anh,Văn Nam,Minh Tuấn",
        "Nguyễn,Trần,Lê,Phạm,Hoàng,Võ,Đặng",
    ),
    _pool(
        1,
        "Na,Fang,Min,Jing,Yan",
        "Wei,Qiang,Lei,Hao,Gang",
        "Li,Wang,Zhang,Chen,Liu,Zhao",
        family_first=True,
    ),
    _pool(
        1,
        "丽,芳,静,敏,秀英",
        "伟,强,磊,军,建国",
        "王,李,张,刘,陈,杨",
        family_first=True,
        separator="",
        phone_country="+86",
    ),
    _pool(
        2,
        "Ελένη,Μαρία,Σοφία,Κατερίνα,Δήμητρα,Αθηνά",
        "Γιώργος,Νίκος,Δημήτρης,Κώστας,Γιάννης,Παναγιώτης",
        "Παπαδοπούλου,Οικονόμου,Γεωργίου,Νικολάου,Βασιλείου,Καραγιάννη",
        "Παπαδόπουλος,Οικονόμου,Γεωργίου,Νικολάου,Βασιλείου,Καραγιάννης",
        phone_country="+30",
    ),
    _pool(
        3,
        "Анна,Ольга,Наталья,Ирина,Оксана,Людмила,Світлана",
        "Дмитрий,Сергей,Андрій,Олександр,Иван,Юрій,Михаил",
        "Иванова,Петренко,Шевченко,Смирнова,Коваленко,Соколова,Бондаренко",
        "Иванов,Петренко,Шевченко,Смирнов,Коваленко,Соколов,Бондаренко",
    ),
    _pool(
        4,
        "Amina,Fadumo,Hodan,Fatima,Leila,Khadija,Sahra,Yasmin",
        "Ahmed,Abdirahman,Mohamed,Yusuf,Omar,Hassan,Karim,Said",
        "Hassan,Abdi,Warsame,Farah,Ali,Haddad,Nasser,Khalil,Osman",
    ),
    _pool(
        1,
        "Priya,Lakshmi,Kavitha,Anjali",
        "Arjun,Karthik,Suresh,Vikram",
        "Subramaniam,Krishnan,Rajendran,Sivakumar,Nair",
    ),
    _pool(
        3,
        "Siobhán,Niamh,Aoife,Emily,Olivia,Chloë",
        "Seán,Ciarán,James,Thomas,Pádraig,Oliver",
        "O'Brien,Walsh,Murphy,Thompson,Taylor,Ó Súilleabháin,MacNéill",
        phone_country="+44",
    ),
    _pool(
        2,
        "Päivi,Sirkka,Máret,Biret,Ánne",
        "Jyrki,Aatu,Ánde,Niillas,Väinö",
        "Mäkinen,Hämäläinen,Väisänen,Järvinen,Somby,Eira,Utsi",
        phone_country="+358",
    ),
)
"""Patient names by language, weighted roughly like an Oslo clinic's patient list."""

STREETS = (
    "Storgata",
    "Kirkeveien",
    "Trondheimsveien",
    "Bygdøy allé",
    "Thereses gate",
    "Ullevålsveien",
    "Sognsveien",
    "Grønlandsleiret",
    "Tåsenveien",
    "Løkkeveien",
    "Hegdehaugsveien",
    "Jerikoveien",
    "Årvollveien",
    "Økernveien",
    "Bøgata",
    "Sannergata",
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
"""Reserved example domains (RFC 2606): no demo email can reach a real person."""


# Practitioners -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PractitionerSpec:
    name: str
    qualification: str
    years: int
    style: AcupunctureStyle
    gauge_mm: float
    length_mm: float
    brand: str
    workload: float
    """Share of new patients relative to the others (part-timers see fewer)."""


PRACTITIONERS: tuple[PractitionerSpec, ...] = (
    PractitionerSpec(
        "Lin Mei",
        "MSc Acupuncture (TCM); licensed acupuncturist",
        18,
        AcupunctureStyle.TCM,
        0.25,
        40,
        "Seirin J-type",
        1.4,
    ),
    PractitionerSpec(
        "Ingrid Solheim",
        "BSc (Hons) Acupuncture",
        11,
        AcupunctureStyle.TCM,
        0.30,
        50,
        "Hwato",
        1.2,
    ),
    PractitionerSpec(
        "Kenji Watanabe",
        "Japanese licence in acupuncture and moxibustion (hari-kyū)",
        22,
        AcupunctureStyle.JAPANESE,
        0.20,
        40,
        "Seirin J-type",
        0.9,
    ),
    PractitionerSpec(
        "Dr Marte Kvalheim",
        "MD; diploma in medical acupuncture",
        9,
        AcupunctureStyle.WESTERN_MEDICAL,
        0.30,
        40,
        "Asiamed",
        0.7,
    ),
    PractitionerSpec(
        "Park Sung-min",
        "Doctor of Korean Medicine (KMD)",
        14,
        AcupunctureStyle.KOREAN,
        0.25,
        40,
        "Dongbang",
        1.0,
    ),
    PractitionerSpec(
        "Ragnhild Aas",
        "Licentiate in Five Element acupuncture",
        26,
        AcupunctureStyle.FIVE_ELEMENT,
        0.22,
        30,
        "Seirin L-type",
        0.8,
    ),
    PractitionerSpec(
        "Tomás Ferreira",
        "MSc Acupuncture",
        6,
        AcupunctureStyle.TCM,
        0.25,
        30,
        "Hwato",
        1.0,
    ),
    PractitionerSpec(
        "Elin Haugland",
        "BSc Acupuncture; auricular acupuncture (NADA) trained",
        4,
        AcupunctureStyle.TCM,
        0.25,
        40,
        "Seirin J-type",
        0.9,
    ),
)


# Points ------------------------------------------------------------------------------------

PERP, OBL, TRANS = NeedleAngle.PERPENDICULAR, NeedleAngle.OBLIQUE, NeedleAngle.TRANSVERSE

STD, SHORT, LONG = "std", "short", "long"
"""Needle classes: the practitioner's default needle, a short one for the head, face, hands and
feet (0.20 x 25 mm), and a long one for the deep buttock points (0.30 x 75 mm)."""
SHORT_NEEDLE = (0.20, 25.0)
LONG_NEEDLE = (0.30, 75.0)

# code -> (shallowest, deepest typical depth in mm, angle, needle class). Points over the
# thorax (GB21, SI14, SI15, BL11-BL20) stay shallow and oblique because of pneumothorax risk.
TECHNIQUE: dict[str, tuple[float, float, NeedleAngle, str]] = {
    "BL23": (20, 30, PERP, STD),
    "BL25": (25, 35, PERP, STD),
    "BL26": (20, 30, PERP, STD),
    "BL52": (20, 30, PERP, STD),
    "BL36": (25, 40, PERP, STD),
    "BL37": (25, 40, PERP, STD),
    "BL40": (15, 25, PERP, STD),
    "BL54": (40, 60, PERP, LONG),
    "BL57": (25, 35, PERP, STD),
    "BL58": (20, 30, PERP, STD),
    "BL60": (10, 15, PERP, SHORT),
    "BL62": (8, 12, PERP, SHORT),
    "BL10": (10, 15, PERP, STD),
    "BL11": (10, 15, OBL, STD),
    "BL17": (10, 15, OBL, STD),
    "BL18": (10, 15, OBL, STD),
    "BL20": (10, 15, OBL, STD),
    "GB30": (50, 70, PERP, LONG),
    "GB31": (25, 35, PERP, STD),
    "GB34": (20, 30, PERP, STD),
    "GB39": (15, 20, PERP, STD),
    "GB40": (10, 15, PERP, SHORT),
    "GB41": (10, 15, PERP, SHORT),
    "GB20": (15, 20, OBL, STD),
    "GB21": (8, 12, OBL, STD),
    "GB8": (10, 15, TRANS, SHORT),
    "GB14": (8, 12, TRANS, SHORT),
    "GV3": (12, 20, OBL, STD),
    "GV4": (12, 20, OBL, STD),
    "GV20": (10, 15, TRANS, SHORT),
    "KI3": (8, 12, PERP, SHORT),
    "KI6": (8, 12, PERP, SHORT),
    "KI10": (15, 20, PERP, STD),
    "ST34": (15, 25, PERP, STD),
    "ST35": (20, 30, OBL, STD),
    "ST36": (20, 30, PERP, STD),
    "ST38": (25, 40, PERP, STD),
    "ST40": (20, 30, PERP, STD),
    "SP4": (15, 20, PERP, STD),
    "SP6": (20, 30, PERP, STD),
    "SP9": (20, 30, PERP, STD),
    "SP10": (20, 30, PERP, STD),
    "LR3": (8, 15, PERP, SHORT),
    "LR8": (15, 25, PERP, STD),
    "LI4": (10, 20, PERP, SHORT),
    "LI10": (20, 30, PERP, STD),
    "LI11": (20, 30, PERP, STD),
    "LI12": (15, 20, PERP, STD),
    "LI14": (15, 25, OBL, STD),
    "LI15": (20, 30, OBL, STD),
    "LU5": (10, 20, PERP, STD),
    "SI3": (8, 12, PERP, SHORT),
    "SI9": (20, 30, PERP, STD),
    "SI10": (20, 30, PERP, STD),
    "SI11": (15, 25, PERP, STD),
    "SI14": (8, 12, OBL, STD),
    "SI15": (8, 12, OBL, STD),
    "TE5": (10, 20, PERP, STD),
    "TE10": (10, 15, PERP, STD),
    "TE14": (20, 30, OBL, STD),
    "PC6": (10, 20, PERP, STD),
    "HT7": (5, 8, PERP, SHORT),
    "CV6": (20, 30, PERP, STD),
    "CV12": (25, 35, PERP, STD),
    "CV13": (20, 30, PERP, STD),
    "EX-B2": (15, 25, OBL, STD),
    "EX-B7": (20, 30, PERP, STD),
    "EX-UE7": (8, 12, OBL, SHORT),
    "EX-LE2": (10, 15, PERP, STD),
    "EX-LE4": (20, 30, OBL, STD),
    "EX-HN1": (10, 15, TRANS, SHORT),
    "EX-HN3": (5, 10, TRANS, SHORT),
    "EX-HN5": (8, 12, PERP, SHORT),
    "ST8": (10, 15, TRANS, SHORT),
    "ASHI": (15, 30, PERP, STD),
}

BILATERAL, AFFECTED, OPPOSITE, MIDLINE = "B", "A", "O", "M"
"""Side rules of a prescribed point: both sides, the side of the complaint, the opposite side
(a distal point chosen contralaterally), or the midline."""


@dataclass(frozen=True, slots=True)
class RxPoint:
    """One point of a condition's prescription and how its side is chosen."""

    code: str
    side: str = BILATERAL
    spinal_level: str | None = None
    region: str | None = None
    description: str = ""
    electro: bool = False


def _rx(spec: str) -> RxPoint:
    """Parse "BL25 B e" / "EX-B2 B L4 e" / "ASHI A buttock: over piriformis" shorthand."""
    head, _, description = spec.partition(":")
    parts = head.split()
    code, side, rest = parts[0], parts[1], parts[2:]
    electro = "e" in rest
    rest = [part for part in rest if part != "e"]
    level = rest[0] if code == "EX-B2" and rest else None
    region = rest[0] if code == "ASHI" and rest else None
    return RxPoint(code, side, level, region, description.strip(), electro)


def _rxs(*specs: str) -> tuple[RxPoint, ...]:
    return tuple(_rx(spec) for spec in specs)


# Conditions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConditionSpec:
    """A condition of the demo clinic: how often it comes, how it is needled and written up."""

    key: str
    condition: str
    """As stored in the case (the patient dialog's plain English names where it has one)."""
    weight: float
    titles: tuple[str, ...]
    """Case titles; "{Side}"/"{side}" become the side of the complaint."""
    core: tuple[RxPoint, ...]
    optional: tuple[RxPoint, ...]
    sides: tuple[tuple[CaseSide, float], ...]
    back_pain: tuple[int, int] | None
    """Range of the first session's NRS back pain, or None when back pain is not scored."""
    leg_pain: tuple[int, int] | None
    electro_rate: float
    co_interventions: tuple[tuple[str, float], ...]
    advice: tuple[str, ...]
    subjective: tuple[str, ...]
    objective: tuple[str, ...]
    assessment: tuple[str, ...]
    rationale: tuple[str, ...]


ONE_SIDE: tuple[tuple[CaseSide, float], ...] = (
    (CaseSide.LEFT, 45),
    (CaseSide.RIGHT, 45),
    (CaseSide.BOTH, 7),
    (CaseSide.UNKNOWN, 3),
)
CENTRAL: tuple[tuple[CaseSide, float], ...] = ((CaseSide.CENTRAL, 1),)

BACK_ADVICE = (
    "Keep walking every day; avoid sitting for more than half an hour at a time.",
    "Heat on the low back for 15 minutes in the evening.",
    "Gentle knee-to-chest stretches morning and evening, within comfort.",
    "Lift with bent knees and keep loads close to the body.",
)
RED_FLAG_ADVICE = (
    "Seek emergency care at once if you get numbness in both legs or the saddle area, or "
    "changes in bladder or bowel control."
)

CONDITIONS: tuple[ConditionSpec, ...] = (
    ConditionSpec(
        key="sciatica",
        condition="sciatica",
        weight=48,
        titles=("{Side}-sided sciatica", "Sciatica, {side} leg", "Sciatica ({side})"),
        core=_rxs(
            "BL23 B",
            "BL25 B e",
            "EX-B2 B L4 e",
            "EX-B2 B L5 e",
            "GB30 A e",
            "BL40 A e",
            "GB34 A",
            "BL57 A",
            "BL60 A",
            "ASHI A buttock: tender point over piriformis",
        ),
        optional=_rxs(
            "KI3 A",
            "BL54 A",
            "BL36 A",
            "BL37 A",
            "GB31 A",
            "GB39 A",
            "BL26 B",
            "EX-B2 B L3",
            "ASHI A low_back: taut band in quadratus lumborum",
            "ASHI A thigh: tender spot on the lateral thigh",
            "ST36 B",
            "LR3 B",
            "GV3 M",
            "BL58 A",
        ),
        sides=ONE_SIDE,
        back_pain=(3, 8),
        leg_pain=(5, 9),
        electro_rate=0.4,
        co_interventions=(("exercise advice", 0.35), ("cupping", 0.15), ("heat lamp", 0.15)),
        advice=(
            *BACK_ADVICE,
            "Sciatic nerve glides as shown, ten slow repetitions twice a day.",
            RED_FLAG_ADVICE,
        ),
        subjective=(
            "Leg pain {leg}/10, back {back}/10.",
            "Leg pain {leg}/10, worse after sitting; back {back}/10.",
            "Back {back}/10, leg {leg}/10; slept better this week.",
            "Leg pain {leg}/10, back {back}/10; pain wakes at night.",
            "Back {back}/10, leg {leg}/10; coughing still sends pain down the leg.",
        ),
        objective=(
            "Straight-leg raise {side} {slr}°; tender L4-L5 paraspinals.",
            "Tender over {side} piriformis; lumbar flexion limited.",
            "Straight-leg raise {side} {slr}°; reflexes symmetrical.",
            "Antalgic gait; straight-leg raise {side} {slr}°.",
        ),
        assessment=(
            "Sciatica, {side}; improving.",
            "Sciatica, {side}; about the same as last time.",
            "Qi and blood stagnation in the Bladder and Gallbladder channels.",
            "Radicular pain, {side}; slow progress.",
        ),
        rationale=(
            "Local points at the affected lumbar levels with distal Bladder and Gallbladder "
            "channel points along the path of the pain.",
            "Jiaji at L4-L5 with points along the sciatic distribution; electro-acupuncture "
            "for radicular pain.",
        ),
    ),
    ConditionSpec(
        key="low_back_pain",
        condition="low back pain",
        weight=14,
        titles=("Chronic low back pain", "Acute low back pain", "Low back pain after lifting"),
        core=_rxs(
            "BL23 B",
            "BL25 B e",
            "EX-B2 B L3",
            "EX-B2 B L4 e",
            "BL40 B",
            "GV3 M",
            "ASHI A low_back: most tender point",
        ),
        optional=_rxs(
            "BL52 B",
            "BL26 B",
            "GV4 M",
            "EX-UE7 B",
            "SI3 B",
            "BL60 B",
            "KI3 B",
            "GB34 B",
            "ST36 B",
            "EX-B2 B L5",
            "BL57 B",
            "EX-B7 B",
        ),
        sides=(
            (CaseSide.CENTRAL, 60),
            (CaseSide.LEFT, 15),
            (CaseSide.RIGHT, 15),
            (CaseSide.BOTH, 10),
        ),
        back_pain=(4, 8),
        leg_pain=(1, 4),
        electro_rate=0.35,
        co_interventions=(("exercise advice", 0.4), ("cupping", 0.25), ("moxibustion", 0.12)),
        advice=BACK_ADVICE,
        subjective=(
            "Back pain {back}/10.",
            "Back {back}/10; stiff in the mornings, easier once moving.",
            "Back {back}/10; managed a full working week.",
            "Back {back}/10 after gardening at the weekend.",
        ),
        objective=(
            "Tender L3-L5 paraspinals; flexion to mid-shin.",
            "Muscle guarding in the lumbar erectors; no neurological signs.",
            "Flexion improved; tender over the {side} sacroiliac joint.",
        ),
        assessment=(
            "Non-specific low back pain; improving.",
            "Low back pain, stable.",
            "Kidney deficiency with stagnation in the lower back.",
        ),
        rationale=(
            "Local back-shu and Jiaji points with distal Bladder channel points.",
            "Tender points and lumbar Jiaji; distal points to move qi in the Bladder channel.",
        ),
    ),
    ConditionSpec(
        key="neck_pain",
        condition="neck pain",
        weight=8,
        titles=("Neck pain", "Chronic neck and shoulder tension", "Stiff neck, {side}"),
        core=_rxs(
            "GB20 B e",
            "GB21 B",
            "BL10 B e",
            "SI3 B",
            "LI4 B",
            "TE5 B",
            "ASHI A neck: tender point in upper trapezius",
        ),
        optional=_rxs(
            "SI14 B",
            "SI15 B",
            "GB39 B",
            "LI11 B",
            "SI11 A",
            "BL11 B",
            "BL60 B",
            "ASHI A shoulder: trigger point in levator scapulae",
            "GB34 B",
        ),
        sides=ONE_SIDE,
        back_pain=None,
        leg_pain=None,
        electro_rate=0.15,
        co_interventions=(("cupping", 0.3), ("exercise advice", 0.3), ("gua sha", 0.08)),
        advice=(
            "Neck rotations within comfort every hour at the desk.",
            "Raise the screen to eye level.",
            "Warm shower on the neck before bed.",
        ),
        subjective=(
            "Neck stiff, worse at the computer.",
            "Headache from the neck twice this week.",
            "Turning to the {side} easier.",
        ),
        objective=(
            "Rotation to the {side} limited to {rot}°.",
            "Tender upper trapezius and levator scapulae.",
        ),
        assessment=("Mechanical neck pain; improving.", "Neck pain, stable."),
        rationale=("Local neck points with distal Small Intestine and Triple Energizer points.",),
    ),
    ConditionSpec(
        key="knee_oa",
        condition="knee osteoarthritis",
        weight=7,
        titles=("Knee osteoarthritis, {side}", "Osteoarthritis of the {side} knee"),
        core=_rxs(
            "ST35 A e",
            "EX-LE4 A e",
            "ST34 A",
            "ST36 A",
            "SP9 A",
            "SP10 A",
            "GB34 A",
            "ASHI A knee: tender point at the medial joint line",
        ),
        optional=_rxs(
            "EX-LE2 A",
            "LR8 A",
            "KI10 A",
            "BL40 A",
            "SP6 A",
            "KI3 A",
            "ST40 A",
            "LI4 B",
        ),
        sides=((CaseSide.LEFT, 40), (CaseSide.RIGHT, 40), (CaseSide.BOTH, 20)),
        back_pain=None,
        leg_pain=None,
        electro_rate=0.3,
        co_interventions=(("moxibustion", 0.2), ("exercise advice", 0.4), ("heat lamp", 0.2)),
        advice=(
            "Quadriceps strengthening as shown, daily.",
            "Cycling or swimming rather than running.",
            "Warmth on the knee in the evening.",
        ),
        subjective=(
            "Stairs still painful.",
            "Walked further this week.",
            "Knee stiff after sitting; better once moving.",
        ),
        objective=("Crepitus {side} knee; mild effusion.", "Tender medial joint line, {side}."),
        assessment=("Knee osteoarthritis; improving.", "Bi syndrome of the knee."),
        rationale=("Local knee points with Stomach and Spleen channel points.",),
    ),
    ConditionSpec(
        key="migraine",
        condition="headache/migraine",
        weight=6,
        titles=("Migraine without aura", "Migraine with aura", "Menstrual migraine"),
        core=_rxs(
            "GB20 B",
            "EX-HN5 B",
            "GB8 B",
            "LI4 B",
            "LR3 B",
            "TE5 B",
            "GB41 B",
            "GV20 M",
        ),
        optional=_rxs("EX-HN3 M", "ST8 B", "GB14 B", "PC6 B", "SP6 B", "ST36 B", "KI3 B"),
        sides=CENTRAL,
        back_pain=None,
        leg_pain=None,
        electro_rate=0.0,
        co_interventions=(("exercise advice", 0.1),),
        advice=(
            "Keep a headache diary: days, triggers, medication.",
            "Regular meals and sleep times.",
            "Drink water through the day.",
        ),
        subjective=(
            "{days} migraine days since the last visit.",
            "{days} attacks this month, shorter than before.",
            "One severe attack, otherwise calm.",
        ),
        objective=("Tight suboccipital muscles.", "Tongue red at the sides; pulse wiry."),
        assessment=("Migraine; frequency falling.", "Liver yang rising."),
        rationale=("Prophylactic course: Gallbladder and Liver channel points with LI4 and GV20.",),
    ),
    ConditionSpec(
        key="tension_headache",
        condition="headache/migraine",
        weight=4,
        titles=("Tension-type headache", "Chronic tension-type headache"),
        core=_rxs(
            "GB20 B",
            "GB21 B",
            "EX-HN5 B",
            "GV20 M",
            "LI4 B",
            "LR3 B",
            "BL10 B",
            "EX-HN3 M",
        ),
        optional=_rxs(
            "ASHI B neck: tender point in upper trapezius",
            "SI3 B",
            "TE5 B",
            "ST36 B",
            "BL60 B",
            "GB34 B",
        ),
        sides=CENTRAL,
        back_pain=None,
        leg_pain=None,
        electro_rate=0.0,
        co_interventions=(("cupping", 0.15), ("exercise advice", 0.2)),
        advice=(
            "Short breaks from the screen every hour.",
            "Shoulder rolls and neck stretches twice a day.",
        ),
        subjective=("Headache {days} days this week.", "Band-like headache most afternoons."),
        objective=("Tender pericranial muscles.", "Tight upper trapezius bilaterally."),
        assessment=("Tension-type headache; improving.", "Headache, stable."),
        rationale=("Local head and neck points with the four gates (LI4, LR3).",),
    ),
    ConditionSpec(
        key="shoulder",
        condition="shoulder pain",
        weight=6,
        titles=("Shoulder pain, {side}", "Frozen shoulder, {side}", "Rotator cuff pain, {side}"),
        core=_rxs(
            "LI15 A e",
            "TE14 A e",
            "SI9 A",
            "SI10 A",
            "SI11 A",
            "LI14 A",
            "ASHI A shoulder: tender point over supraspinatus",
            "ST38 O",
        ),
        optional=_rxs(
            "LI11 A",
            "LI4 A",
            "GB34 O",
            "GB21 A",
            "TE5 A",
            "SI3 A",
            "SI14 A",
        ),
        sides=((CaseSide.LEFT, 45), (CaseSide.RIGHT, 55)),
        back_pain=None,
        leg_pain=None,
        electro_rate=0.2,
        co_interventions=(("cupping", 0.2), ("exercise advice", 0.4), ("heat lamp", 0.15)),
        advice=(
            "Pendulum exercises three times a day.",
            "Avoid sleeping on the {side} shoulder for now.",
        ),
        subjective=("Can reach higher on the shelf.", "Night pain on lying on the {side}."),
        objective=(
            "Abduction {abd}°; painful arc.",
            "External rotation limited; tender supraspinatus.",
        ),
        assessment=("Shoulder pain, {side}; improving.", "Stagnation in the shoulder channels."),
        rationale=("Local shoulder points with ST38 on the opposite side while moving the arm.",),
    ),
    ConditionSpec(
        key="insomnia",
        condition="insomnia",
        weight=4,
        titles=("Insomnia", "Difficulty staying asleep"),
        core=_rxs(
            "HT7 B",
            "PC6 B",
            "SP6 B",
            "EX-HN3 M",
            "GV20 M",
            "EX-HN1 M",
            "KI6 B",
            "BL62 B",
        ),
        optional=_rxs("LR3 B", "ST36 B", "KI3 B", "CV12 M", "CV6 M", "LI4 B"),
        sides=CENTRAL,
        back_pain=None,
        leg_pain=None,
        electro_rate=0.0,
        co_interventions=(("exercise advice", 0.1),),
        advice=(
            "Same bedtime every night; no screens the last hour.",
            "No coffee after noon.",
            "A short walk in daylight every morning.",
        ),
        subjective=(
            "Sleeping about {hours} hours a night.",
            "Wakes at 3-4 am, falls asleep again.",
        ),
        objective=("Tongue tip red; pulse thin.", "Appears tired; calm during treatment."),
        assessment=("Insomnia; sleep lengthening.", "Heart and Kidney not harmonised."),
        rationale=("Calm the spirit: HT7, PC6, Yintang and Sishencong.",),
    ),
    ConditionSpec(
        key="nausea",
        condition="nausea",
        weight=3,
        titles=("Chemotherapy-induced nausea", "Nausea with functional dyspepsia"),
        core=_rxs(
            "PC6 B",
            "ST36 B",
            "CV12 M",
            "SP4 B",
            "CV13 M",
            "CV6 M",
            "LR3 B",
            "HT7 B",
        ),
        optional=_rxs("SP6 B", "LI4 B", "BL20 B", "KI3 B", "ST40 B", "ST34 B"),
        sides=CENTRAL,
        back_pain=None,
        leg_pain=None,
        electro_rate=0.0,
        co_interventions=(("moxibustion", 0.15),),
        advice=(
            "Press PC6 for a minute when nausea starts.",
            "Small, frequent meals.",
            "Ginger tea if it agrees with you.",
        ),
        subjective=("Nausea {days} days since last time.", "Ate normally most days."),
        objective=("Epigastrium soft, mildly tender.", "Tongue pale with a white coat."),
        assessment=("Nausea; easing.", "Stomach qi rebelling upwards."),
        rationale=("PC6 and ST36 with local abdominal points.",),
    ),
    ConditionSpec(
        key="elbow",
        condition="lateral epicondylitis",
        weight=3,
        titles=("Tennis elbow, {side}", "Lateral elbow pain, {side}"),
        core=_rxs(
            "LI11 A e",
            "LI10 A e",
            "LU5 A",
            "TE5 A",
            "LI4 A",
            "ASHI A forearm: tender point at the common extensor origin",
            "LI12 A",
            "GB34 O",
        ),
        optional=_rxs(
            "TE10 A",
            "SI3 A",
            "LI15 A",
            "ASHI A forearm: tender spot in extensor carpi radialis brevis",
            "LI14 A",
            "ST38 O",
        ),
        sides=((CaseSide.LEFT, 30), (CaseSide.RIGHT, 70)),
        back_pain=None,
        leg_pain=None,
        electro_rate=0.2,
        co_interventions=(("exercise advice", 0.45), ("moxibustion", 0.1)),
        advice=(
            "Eccentric wrist extensor exercises, daily.",
            "Grip with the palm up when lifting.",
        ),
        subjective=("Grip pain easing.", "Pain lifting the kettle."),
        objective=("Tender lateral epicondyle, {side}.", "Resisted wrist extension painful."),
        assessment=("Lateral epicondylalgia; improving.", "Local qi and blood stagnation."),
        rationale=("Local points at the elbow with distal Large Intestine points.",),
    ),
)
"""The clinic's conditions; sciatica is about half of all cases."""

LONG_TERM_CONDITIONS = ("low_back_pain", "sciatica", "knee_oa", "migraine")
"""Conditions that keep a few patients coming back weekly for years."""

CAUSES: tuple[tuple[str, float], ...] = (
    ("herniated disc", 45),
    ("spinal stenosis", 15),
    ("bone spur", 8),
    ("diabetes", 5),
    ("unknown", 27),
)
"""Suspected causes of sciatica (the patient dialog's list)."""

CO_INTERVENTION_EVENTS = {"moxibustion": "moxibustion_burn"}


# Protocols ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProtocolSpec:
    name: str
    condition_key: str
    versions: tuple[tuple[RxPoint, ...], ...]


PROTOCOLS: tuple[ProtocolSpec, ...] = (
    ProtocolSpec(
        "Sciatica - Bladder channel",
        "sciatica",
        (
            _rxs(
                "BL23 B",
                "BL25 B",
                "EX-B2 B L4",
                "EX-B2 B L5",
                "GB30 B",
                "BL36 B",
                "BL40 B",
                "BL57 B",
                "BL60 B",
                "ASHI B buttock: tender point over piriformis",
            ),
            _rxs(
                "BL23 B",
                "BL25 B e",
                "EX-B2 B L4 e",
                "EX-B2 B L5 e",
                "GB30 B",
                "BL54 B",
                "BL40 B",
                "BL57 B",
                "BL60 B",
                "KI3 B",
                "ASHI B buttock: tender point over piriformis",
            ),
        ),
    ),
    ProtocolSpec(
        "Sciatica - Gallbladder channel",
        "sciatica",
        (
            _rxs(
                "BL25 B",
                "EX-B2 B L4",
                "EX-B2 B L5",
                "GB30 B e",
                "GB31 B",
                "GB34 B e",
                "GB39 B",
                "GB41 B",
                "ASHI B buttock: tender point over gluteus medius",
            ),
        ),
    ),
    ProtocolSpec(
        "Low back pain - basic",
        "low_back_pain",
        (
            _rxs(
                "BL23 B",
                "BL25 B",
                "GV3 M",
                "EX-B2 B L3",
                "EX-B2 B L4",
                "BL40 B",
                "BL52 B",
                "SI3 B",
                "ASHI B low_back: most tender point",
            ),
        ),
    ),
    ProtocolSpec(
        "Knee osteoarthritis (electro)",
        "knee_oa",
        (
            _rxs(
                "ST35 B e",
                "EX-LE4 B e",
                "ST34 B",
                "SP9 B",
                "SP10 B",
                "GB34 B",
                "ST36 B",
                "ASHI B knee: tender point at the medial joint line",
            ),
        ),
    ),
    ProtocolSpec(
        "Migraine prophylaxis",
        "migraine",
        (
            _rxs("GB20 B", "EX-HN5 B", "GB8 B", "LI4 B", "LR3 B", "TE5 B", "GB41 B", "GV20 M"),
            _rxs(
                "GB20 B",
                "EX-HN5 B",
                "GB8 B",
                "LI4 B",
                "LR3 B",
                "TE5 B",
                "GB41 B",
                "GV20 M",
                "EX-HN3 M",
                "ST8 B",
            ),
        ),
    ),
    ProtocolSpec(
        "Insomnia - calm the spirit",
        "insomnia",
        (_rxs("HT7 B", "PC6 B", "SP6 B", "EX-HN3 M", "GV20 M", "EX-HN1 M", "KI6 B", "BL62 B"),),
    ),
)


# Adverse events and notes ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdverseEventSpec:
    category: str
    weight: float
    descriptions: tuple[str, ...]
    """"{point}" becomes one of the session's points."""
    actions: tuple[str, ...]
    moderate_rate: float = 0.05


ADVERSE_EVENTS: tuple[AdverseEventSpec, ...] = (
    AdverseEventSpec(
        "bleeding_bruising",
        44,
        ("Bleeding at {point} on withdrawal.", "Small bruise at {point}."),
        ("Pressure with cotton wool for one minute.", "Pressure applied; bruise explained."),
        0.02,
    ),
    AdverseEventSpec(
        "pain_at_site",
        24,
        ("Sharp pain on insertion at {point}.", "Soreness at {point} for a day afterwards."),
        ("Needle withdrawn and reinserted.", "Reassured; settled within a day."),
    ),
    AdverseEventSpec(
        "aggravation",
        13,
        ("Pain worse for two days after treatment.", "Flare-up the evening after treatment."),
        ("Lighter stimulation next session.", "Fewer points next time; reviewed by phone."),
        0.15,
    ),
    AdverseEventSpec(
        "fainting_nausea",
        7,
        ("Felt faint and nauseous during retention.", "Light-headed on getting up."),
        (
            "Needles removed; lay flat with legs raised, recovered in ten minutes.",
            "Sat down with water until well.",
        ),
        0.2,
    ),
    AdverseEventSpec(
        "emotional_reaction",
        3,
        ("Became tearful during treatment.",),
        ("Stayed with the patient and talked it through.",),
    ),
    AdverseEventSpec(
        "other",
        9,
        ("Tired for the rest of the day.", "Itching around the needle sites."),
        ("Advised rest and fluids.", "No action needed."),
    ),
)
FORGOTTEN_NEEDLE = AdverseEventSpec(
    "forgotten_needle",
    0,
    ("Patient found a needle at {point} after leaving the clinic.",),
    ("Needle removed by the patient, no injury; counting routine reviewed with all staff.",),
)
MOXIBUSTION_BURN = AdverseEventSpec(
    "moxibustion_burn",
    0,
    ("Small blister from moxa near {point}.",),
    ("Cooled with water; dry dressing applied.",),
)

PLANS = (
    "Continue weekly.",
    "Continue weekly; reassess after six sessions.",
    "Same points next time.",
    "Add distal points next time if no change.",
    "Twice weekly for two weeks, then weekly.",
)
FIRST_PLANS = ("Course of 8 sessions, weekly; reassess after four.", "Weekly course; review at 6.")
LAST_PLANS = ("Course finished; follow-up call in four weeks.", "Discharged; return if it flares.")
INTERNAL_NOTES = (
    "Asked about a sick-leave certificate; referred to the GP.",
    "Prefers morning appointments.",
    "Mentioned stress at work.",
    "Insurer changed; check the invoice address.",
    "Discuss the MRI report next time.",
    "Anxious about needles; explained each step.",
    "Takes warfarin; gentle technique, longer pressure after withdrawal.",
)
FOLLOW_UP_NOTES = ("Telephone follow-up.", "Follow-up visit.", "Follow-up by questionnaire.")
AMENDMENTS = (
    "Patient phoned the next day: pain eased overnight.",
    "Patient reported mild bruising the day after; no action needed.",
    "Addendum: GP letter received, MRI requested.",
)
PPT_SITES = {
    "low_back_pain": "low back, 5 cm lateral to the L4 spinous process",
    "knee_oa": "medial knee joint line",
}
