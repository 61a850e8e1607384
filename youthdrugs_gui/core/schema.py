"""Canonical columns, their roles and their categories, the headings files give them, and the readers
of financial years, age bands and Excel-mangled bands. How files spell the values of a column (force
names, outcomes, 'not known' ...) is in spellings.py.

Everything here is plain data and pure functions: no pandas frames, no Qt.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

NOT_RECORDED = "Not recorded"

# Canonical column names.
FINANCIAL_YEAR = "financial_year"
DATE = "date"
MONTH = "month"  # calendar month of the date, '2020-01'
QUARTER = "quarter"  # calendar quarter of the date, '2020 Q1' (January to March)
CALENDAR_YEAR = "calendar_year"  # calendar year of the date, '2020'
FORCE = "force"
AGE = "age"
AGE_BAND = "age_band"
SEX = "sex"
ETHNICITY = "ethnicity"
OFFENCE_TYPE = "offence_type"
DRUG_CLASS = "drug_class"
OUTCOME = "outcome"
MEASURE = "measure"
AREA_LEVEL = "area_level"
AREA = "area"
COUNT = "count"

# The value of the force column on rows about a wider area (England and Wales, a region): such rows are
# about no one force, and their figures are never added to the forces' own.
NOT_APPLICABLE = "Not applicable"


class Role(Enum):
    """What a column is for: this decides how it is stored and filtered."""

    CATEGORY = "category"  # a facet: checklist of values
    YEAR = "year"  # financial year: ordered category, filtered by range
    AGE = "age"  # exact age: integer, filtered by range
    AGE_BAND = "age_band"  # banded age: ordered category
    DATE = "date"  # a timestamp, not a facet
    COUNT = "count"  # what a row counts; summed, never a facet
    TEXT = "text"  # free text: searchable, not a facet
    NUMBER = "number"  # a measurement with many values (e.g. latitude): shown, not a facet


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    label: str  # what the user sees
    role: Role
    categories: tuple[str, ...] = ()  # preferred order of known values (others follow, sorted)


FORCES: tuple[tuple[str, str, str], ...] = (
    # (canonical Home Office short name, police.uk slug, region)
    ("Avon and Somerset", "avon-and-somerset", "South West"),
    ("Bedfordshire", "bedfordshire", "East of England"),
    ("Cambridgeshire", "cambridgeshire", "East of England"),
    ("Cheshire", "cheshire", "North West"),
    ("City of London", "city-of-london", "London"),
    ("Cleveland", "cleveland", "North East"),
    ("Cumbria", "cumbria", "North West"),
    ("Derbyshire", "derbyshire", "East Midlands"),
    ("Devon and Cornwall", "devon-and-cornwall", "South West"),
    ("Dorset", "dorset", "South West"),
    ("Durham", "durham", "North East"),
    ("Dyfed-Powys", "dyfed-powys", "Wales"),
    ("Essex", "essex", "East of England"),
    ("Gloucestershire", "gloucestershire", "South West"),
    ("Greater Manchester", "greater-manchester", "North West"),
    ("Gwent", "gwent", "Wales"),
    ("Hampshire", "hampshire", "South East"),
    ("Hertfordshire", "hertfordshire", "East of England"),
    ("Humberside", "humberside", "Yorkshire and The Humber"),
    ("Kent", "kent", "South East"),
    ("Lancashire", "lancashire", "North West"),
    ("Leicestershire", "leicestershire", "East Midlands"),
    ("Lincolnshire", "lincolnshire", "East Midlands"),
    ("Merseyside", "merseyside", "North West"),
    ("Metropolitan Police", "metropolitan", "London"),
    ("Norfolk", "norfolk", "East of England"),
    ("North Wales", "north-wales", "Wales"),
    ("North Yorkshire", "north-yorkshire", "Yorkshire and The Humber"),
    ("Northamptonshire", "northamptonshire", "East Midlands"),
    ("Northumbria", "northumbria", "North East"),
    ("Nottinghamshire", "nottinghamshire", "East Midlands"),
    ("South Wales", "south-wales", "Wales"),
    ("South Yorkshire", "south-yorkshire", "Yorkshire and The Humber"),
    ("Staffordshire", "staffordshire", "West Midlands"),
    ("Suffolk", "suffolk", "East of England"),
    ("Surrey", "surrey", "South East"),
    ("Sussex", "sussex", "South East"),
    ("Thames Valley", "thames-valley", "South East"),
    ("Warwickshire", "warwickshire", "West Midlands"),
    ("West Mercia", "west-mercia", "West Midlands"),
    ("West Midlands", "west-midlands", "West Midlands"),
    ("West Yorkshire", "west-yorkshire", "Yorkshire and The Humber"),
    ("Wiltshire", "wiltshire", "South West"),
    ("British Transport Police", "btp", "England and Wales"),
)
FORCE_NAMES: tuple[str, ...] = tuple(f[0] for f in FORCES)
FORCE_BY_SLUG: dict[str, str] = {f[1]: f[0] for f in FORCES}
FORCE_REGION: dict[str, str] = {f[0]: f[2] for f in FORCES}

OFFENCE_TYPES: tuple[str, ...] = (
    "Possession",
    "Possession with intent to supply",
    "Supply or offering to supply",
    "Production or cultivation",
    "Importation or exportation",
    "Other drug offence",
)
DRUG_CLASSES: tuple[str, ...] = ("A", "B", "C", "Not known")
OUTCOMES: tuple[str, ...] = (
    "No further action",
    "Community resolution",
    "Youth caution",
    "Youth conditional caution",
    "Conviction",
)
PROVEN_OUTCOMES: tuple[str, ...] = ("Youth caution", "Youth conditional caution", "Conviction")
MEASURES: tuple[str, ...] = ("Arrest", "Stop and search", "Recorded offence", "Proven offence")
# What the total of each measure is called in words: "86 recorded offences", "2,302 stop and searches".
MEASURE_NOUNS: dict[str, tuple[str, str]] = {
    "Arrest": ("arrest", "arrests"),
    "Stop and search": ("stop and search", "stop and searches"),
    "Recorded offence": ("recorded offence", "recorded offences"),
    "Proven offence": ("proven offence", "proven offences"),
}

# Area levels, from the widest to the most detailed. Areas of one level contain those of the next, so
# figures of different levels are never added together (like measures).
NATIONAL = "England and Wales"
COUNTRY = "Country"
REGION = "Region"
FORCE_AREA = "Police force area"
YJS_AREA = "Youth justice service"
LOCAL_AUTHORITY = "Local authority"
TABLE_TOTAL = "Total of the table"
AREA_LEVELS: tuple[str, ...] = (NATIONAL, TABLE_TOTAL, COUNTRY, REGION, FORCE_AREA, YJS_AREA, LOCAL_AUTHORITY)
# Columns whose values are never added together: every total is per measure and per area level.
PARTITION_COLUMNS: tuple[str, ...] = (MEASURE, AREA_LEVEL)
SEXES: tuple[str, ...] = ("Boys", "Girls", "Unknown")
AGES: tuple[int, ...] = tuple(range(10, 18))
AGE_BANDS: tuple[str, ...] = (
    "under 10", "10-11", "10-14", "10-17", "12-14", "15-17", "18-24", "25-34", "over 34",
)

CANONICAL: dict[str, ColumnSpec] = {
    s.name: s
    for s in (
        ColumnSpec(FINANCIAL_YEAR, "Financial year", Role.YEAR),
        ColumnSpec(DATE, "Date", Role.DATE),
        ColumnSpec(MONTH, "Month", Role.CATEGORY),
        ColumnSpec(QUARTER, "Quarter", Role.CATEGORY),
        ColumnSpec(CALENDAR_YEAR, "Calendar year", Role.CATEGORY),
        ColumnSpec(FORCE, "Police force", Role.CATEGORY, FORCE_NAMES),
        ColumnSpec(AGE, "Age", Role.AGE),
        ColumnSpec(AGE_BAND, "Age band", Role.AGE_BAND, AGE_BANDS),
        ColumnSpec(SEX, "Sex", Role.CATEGORY, SEXES),
        ColumnSpec(ETHNICITY, "Ethnicity", Role.CATEGORY),
        ColumnSpec(OFFENCE_TYPE, "Offence type", Role.CATEGORY, OFFENCE_TYPES),
        ColumnSpec(DRUG_CLASS, "Drug class", Role.CATEGORY, DRUG_CLASSES),
        ColumnSpec(OUTCOME, "Outcome", Role.CATEGORY, OUTCOMES),
        ColumnSpec(MEASURE, "Measure", Role.CATEGORY, MEASURES),
        ColumnSpec(AREA_LEVEL, "Area level", Role.CATEGORY, AREA_LEVELS),
        ColumnSpec(AREA, "Area", Role.CATEGORY),
        ColumnSpec(COUNT, "Count", Role.COUNT),
    )
}
CANONICAL_ORDER: tuple[str, ...] = tuple(CANONICAL)


def normalise_header(text: object) -> str:
    """Compare headers case-, space- and punctuation-insensitively: 'Police Force Area' -> 'policeforcearea'."""
    return re.sub(r"[^0-9a-z]+", "", str(text).lower())


# Other headings under which files give a canonical column; its own name and label always count too.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    FINANCIAL_YEAR: ("FY", "fin year", "year", "financial year ending",
                     "period", "end_period_year", "year ending march", "reporting year"),
    DATE: ("date of offence", "offence date", "event date", "datetime"),
    FORCE: ("police force area", "force name", "PFA", "PFA name",
            "police force name", "police area", "force area", "constabulary"),
    AGE: ("age at offence", "age at arrest", "age (years)", "age in years", "exact age",
          "age at time of offence", "child age"),
    AGE_BAND: ("age group", "age range", "ageband", "age category"),
    SEX: ("gender", "sex of child"),
    ETHNICITY: ("ethnic group", "self-defined ethnicity", "ethnicity group", "ethnic origin"),
    OFFENCE_TYPE: ("drug offence type", "offence", "offence description",
                   "offence group", "type of offence", "reason", "reason for arrest", "offence category"),
    DRUG_CLASS: ("class", "class of drug", "drug classification"),
    OUTCOME: ("disposal", "outcome type", "result", "sentence outcome"),
    MEASURE: ("measure type", "what is counted"),
    AREA_LEVEL: ("level", "geography level", "geographic level", "geography type",
                 "geographic type", "area type", "level of geography"),
    COUNT: ("number", "n", "total", "frequency", "freq", "value", "number of offences",
            "number of arrests", "number of searches", "proven offences", "offences"),
}
HEADER_SYNONYMS: dict[str, str] = {
    normalise_header(syn): col for col, syns in _SYNONYMS.items() for syn in (col, CANONICAL[col].label, *syns)
}


def canonical_for_header(header: object) -> str | None:
    """The canonical column a file header stands for, or None."""
    return HEADER_SYNONYMS.get(normalise_header(header))


_FY_PATTERNS = (
    # 2020-21, 2020/21, 2020–21, FY2020-21, 2020-2021, 2020/2021, 2020 to 2021, 2020 - 21
    re.compile(r"^(?:fy\s*)?(\d{4})\s*(?:-|/|–|to|_)\s*(\d{2}|\d{4})$", re.I),
    # 2020-21 financial year etc. handled by strip below
)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def fy_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def fy_start(label: str) -> int:
    """Start year of a canonical label: '2020-21' -> 2020."""
    return int(label[:4])


def normalise_financial_year(value: object, *, bare_year_is_end: bool = True) -> str | None:
    """Canonical financial year ('2020-21') from the ways tables write it: '2020-21', '2020/21',
    '2020/2021', 'FY2020-21', '2020 to 2021', or a bare year (2021) which official tables use for the
    year ending in March (set bare_year_is_end=False if it is the starting year). None if not a year."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            value = int(value)
    s = str(value).strip()
    if not s:
        return None
    s = re.sub(r"(?i)^(financial year|fy|year ending march|ye march)\s*", "", s).strip()
    for pat in _FY_PATTERNS:
        m = pat.match(s)
        if m:
            a = int(m.group(1))
            b = m.group(2)
            end = int(b) if len(b) == 4 else (a // 100) * 100 + int(b)
            if len(b) == 2 and end < a:
                end += 100
            if end != a + 1 or not 1900 <= a <= 2100:
                return None
            return fy_label(a)
    if re.fullmatch(r"\d{4}", s):
        y = int(s)
        if not 1900 <= y <= 2100:
            return None
        return fy_label(y - 1 if bare_year_is_end else y)
    m = re.fullmatch(r"(?i)(\d{4})\s*q([1-4])", s)
    if m:  # financial-year quarter label, e.g. '2020 Q1' meaning Apr-Jun 2020
        return fy_label(int(m.group(1)))
    return None


_EXCEL_BAND = re.compile(r"^(\d{1,2})-([A-Za-z]{3})$")


def fix_excel_band(value: str) -> str:
    """Undo Excel's date mangling of numeric ranges: '01-Apr' -> '1-4', '05-Aug' -> '5-8'."""
    m = _EXCEL_BAND.match(value.strip())
    if m and m.group(2).lower() in _MONTHS:
        return f"{int(m.group(1))}-{_MONTHS[m.group(2).lower()]}"
    m = re.match(r"^([A-Za-z]{3})-(\d{1,2})$", value.strip())  # 'Apr-01' variant
    if m and m.group(1).lower() in _MONTHS:
        return f"{_MONTHS[m.group(1).lower()]}-{int(m.group(2))}"
    return value


def sort_values(values, preferred: tuple[str, ...] = ()) -> list[str]:
    """Known values in their preferred order, then the rest in natural order, 'Not recorded' last."""
    vals = list(dict.fromkeys(values))
    rank = {v: i for i, v in enumerate(preferred)}

    def key(v: str):
        if v == NOT_RECORDED:
            return (2, 0, "")
        if v in rank:
            return (0, rank[v], "")
        parts = re.split(r"(\d+)", v)
        # numbers compared by value without int(): '³'.isdigit() is True but int('³') fails, and int()
        # refuses runs of more than 4,300 digits
        return (1, 0, tuple((0, len(p.lstrip("0")), p.lstrip("0")) if p.isdecimal() else (1, 0, p.casefold())
                            for p in parts))

    return sorted(vals, key=key)


def band_bounds(band: str) -> tuple[int, int] | None:
    """Ages covered by a band label: '10-17' -> (10, 17), 'under 10' -> (0, 9), 'over 34' -> (35, 200),
    '17' -> (17, 17); None if it is not an age band."""
    s = band.strip().lower()
    m = re.fullmatch(r"(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})(?:\s*years?)?", s)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.fullmatch(r"(?:under|<)\s*(\d{1,3})", s)
    if m:
        return 0, int(m.group(1)) - 1
    m = re.fullmatch(r"(?:over|>)\s*(\d{1,3})", s)
    if m:
        return int(m.group(1)) + 1, 200
    m = re.fullmatch(r"(\d{1,3})\s*(?:\+|and over|or over)", s)
    if m:
        return int(m.group(1)), 200
    m = re.fullmatch(r"(\d{1,3})", s)
    if m:
        return int(m.group(1)), int(m.group(1))
    return None


def level_rank(level: str) -> int:
    """Widest first: England and Wales 0 ... local authority; unknown levels after the known ones."""
    return AREA_LEVELS.index(level) if level in AREA_LEVELS else len(AREA_LEVELS)


def most_detailed_level(levels) -> str | None:
    known = [lv for lv in levels if lv != NOT_RECORDED]
    return max(known, key=level_rank) if known else None


def measure_words(measure: str, value: int) -> str:
    """'86 recorded offences', '1 arrest', '2,302 stop and searches'; an unknown measure: '12 (Visits)'."""
    nouns = MEASURE_NOUNS.get(measure)
    if nouns is None:
        return f"{value:,} ({measure})" if measure else f"total count {value:,}"
    return f"{value:,} {nouns[0] if value == 1 else nouns[1]}"
