"""Every way the source files spell the values this program knows, and the one spelling each becomes:
police forces, wider areas and area levels, drug offence types and classes, sexes, outcomes, measures,
words for 'not known', and the shorthand official tables put in place of a count.

The canonical values themselves (the forces, offence types, measures ...) are in schema.py; this module
only maps spellings onto them. Plain data and pure functions: no pandas, no Qt.
"""
from __future__ import annotations

import re

from .schema import (AREA_LEVELS, COUNTRY, FORCE_AREA, FORCES, LOCAL_AUTHORITY, MEASURES, NATIONAL, OFFENCE_TYPES,
                     REGION, TABLE_TOTAL, YJS_AREA, normalise_header)


# ---- police forces -------------------------------------------------------------------------------
def _force_key(text: str) -> str:
    t = text.lower().replace("&", " and ")
    t = re.sub(r"[^a-z0-9]+", " ", t)
    t = re.sub(r"\b(constabulary|police service|police force|police|service)\b", " ", t)
    return re.sub(r"\s+", "", t)


_FORCE_KEYS: dict[str, str] = {}
for _name, _slug, _region in FORCES:
    _FORCE_KEYS[_force_key(_name)] = _name
    _FORCE_KEYS[_force_key(_slug)] = _name
_FORCE_KEYS.update({
    _force_key("Metropolitan Police Service"): "Metropolitan Police",
    _force_key("Met"): "Metropolitan Police",
    _force_key("Metropolitan"): "Metropolitan Police",
    _force_key("London, City of"): "City of London",
    _force_key("BTP"): "British Transport Police",
    _force_key("British Transport"): "British Transport Police",
    _force_key("Dyfed Powys"): "Dyfed-Powys",
    _force_key("Devon & Cornwall"): "Devon and Cornwall",
    _force_key("Avon & Somerset"): "Avon and Somerset",
    _force_key("West Midlands (police)"): "West Midlands",
    _force_key("Durham Constabulary"): "Durham",
})


def normalise_force(text: object) -> str | None:
    """Canonical force name for any common spelling ('Avon & Somerset Constabulary', 'metropolitan',
    'West Mercia Police'), or None if it names no force of England and Wales."""
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    return _FORCE_KEYS.get(_force_key(s))


# ---- labels, offence types, drug classes, sexes ----------------------------------------------------
_PERIOD_PREFIX = re.compile(r"^\s*\d{4}/\d{2}\s+onwards\s*-\s*", re.I)


def strip_period_prefix(value: str) -> str:
    """'2015/16 onwards - Drug offences' -> 'Drug offences' (Home Office series-break prefixes)."""
    return _PERIOD_PREFIX.sub("", value)


def label_key(value: str) -> str:
    """Key under which label spellings are the same: case, spaces and series prefixes ignored."""
    return re.sub(r"\s+", " ", strip_period_prefix(value)).strip().casefold()


_OFFENCE_TYPE_KEYS: dict[str, str] = {}
for _t in OFFENCE_TYPES:
    _OFFENCE_TYPE_KEYS[normalise_header(_t)] = _t
_OFFENCE_TYPE_KEYS.update({normalise_header(k): v for k, v in {
    "possession of drugs": "Possession",
    "possession of a controlled drug": "Possession",
    "possess controlled drug": "Possession",
    "pwits": "Possession with intent to supply",
    "possession with intent": "Possession with intent to supply",
    "intent to supply": "Possession with intent to supply",
    "supply": "Supply or offering to supply",
    "supplying": "Supply or offering to supply",
    "supply of drugs": "Supply or offering to supply",
    "supplying or offering to supply": "Supply or offering to supply",
    "production": "Production or cultivation",
    "cultivation": "Production or cultivation",
    "cultivation of cannabis": "Production or cultivation",
    "importation": "Importation or exportation",
    "importing": "Importation or exportation",
    "exportation": "Importation or exportation",
    "other drug offences": "Other drug offence",
    "other": "Other drug offence",
}.items()})


def normalise_offence_type(value: str) -> str:
    """Canonical drug offence type where the text is one; else the text as given."""
    return _OFFENCE_TYPE_KEYS.get(normalise_header(strip_period_prefix(value)), value.strip())


def normalise_drug_class(value: str) -> str:
    """'Class A', 'a', 'A ' -> 'A'; unknowns -> 'Not known'."""
    s = re.sub(r"(?i)^\s*class\s*", "", str(value)).strip().upper()
    if s in ("A", "B", "C"):
        return s
    if s in ("", "NOT KNOWN", "UNKNOWN", "N/K", "NK", "NOT STATED"):
        return "Not known"
    return str(value).strip()


_SEX_KEYS = {
    "boys": "Boys", "boy": "Boys", "male": "Boys", "m": "Boys", "males": "Boys",
    "girls": "Girls", "girl": "Girls", "female": "Girls", "f": "Girls", "females": "Girls",
    "unknown": "Unknown", "notknown": "Unknown", "other": "Other", "notstated": "Unknown",
}


def normalise_sex(value: str) -> str:
    return _SEX_KEYS.get(normalise_header(value), str(value).strip())


# ---- areas and their levels ------------------------------------------------------------------------
_REGIONS: tuple[str, ...] = tuple(dict.fromkeys(
    r for _, _, r in FORCES if r not in ("England and Wales", "Wales")))


def _region_name(region: str) -> str:
    """A region's name as shown: 'West Midlands region' where the force has the same name."""
    return f"{region} region" if normalise_force(region) is not None else region


_WIDER_AREAS: dict[str, tuple[str, str]] = {}
for _r in _REGIONS:
    _WIDER_AREAS[normalise_header(_r)] = (REGION, _region_name(_r))
    _WIDER_AREAS[normalise_header(_r + " region")] = (REGION, _region_name(_r))
_WIDER_AREAS[normalise_header("Yorkshire and the Humber")] = (REGION, "Yorkshire and The Humber")
_WIDER_AREAS[normalise_header("Yorkshire & the Humber")] = (REGION, "Yorkshire and The Humber")
for _n in ("England and Wales", "England & Wales", "E&W", "EngWales", "England and Wales (all forces)",
           "All forces in England and Wales", "England and Wales total", "National", "national total"):
    _WIDER_AREAS[normalise_header(_n)] = (NATIONAL, NATIONAL)
for _n in ("England", "Wales"):
    _WIDER_AREAS[normalise_header(_n)] = (COUNTRY, _n)
for _n in ("All forces", "All areas", "Total", "Grand total", "All", "All police forces", "Total (all forces)"):
    _WIDER_AREAS[normalise_header(_n)] = (TABLE_TOTAL, "Total")


def wider_area(text: object) -> tuple[str, str] | None:
    """(level, name) of an area wider than a police force ('England and Wales', 'North West',
    'West Midlands region', 'Wales', 'All forces'), or None. A force's name is never a wider area:
    'West Midlands' alone is the force."""
    if text is None:
        return None
    key = normalise_header(text)
    if not key or normalise_force(text) is not None:
        return None
    return _WIDER_AREAS.get(key)


_LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("englandandwales", NATIONAL), ("engwales", NATIONAL), ("national", NATIONAL), ("country", COUNTRY),
    ("region", REGION), ("policeforce", FORCE_AREA), ("force", FORCE_AREA), ("pfa", FORCE_AREA),
    ("police", FORCE_AREA), ("youthjustice", YJS_AREA), ("yjs", YJS_AREA), ("yot", YJS_AREA),
    ("youthoffending", YJS_AREA), ("localauthority", LOCAL_AUTHORITY), ("lad", LOCAL_AUTHORITY),
    ("la", LOCAL_AUTHORITY), ("council", LOCAL_AUTHORITY), ("total", TABLE_TOTAL),
)


def normalise_area_level(text: object) -> str | None:
    """The canonical level a table's level column means ('PFA', 'Police force' -> 'Police force area';
    'England and Wales', 'National' -> 'England and Wales'; 'West Midlands region' -> 'Region'), or None."""
    if text is None:
        return None
    key = normalise_header(text)
    if not key:
        return None
    for canon in AREA_LEVELS:
        if key == normalise_header(canon):
            return canon
    if normalise_force(text) is not None and "region" not in key:
        return FORCE_AREA
    hit = wider_area(text)
    if hit is not None:
        return hit[0]
    for word, level in _LEVEL_WORDS:
        if key == word or (len(word) > 3 and word in key):
            return level
    return None


# ---- sexes where adults are counted too, outcomes, measures ----------------------------------------
_ADULT_SEX = {
    "male": "Male", "m": "Male", "males": "Male", "man": "Male", "men": "Male", "boys": "Male", "boy": "Male",
    "female": "Female", "f": "Female", "females": "Female", "woman": "Female", "women": "Female",
    "girls": "Female", "girl": "Female", "other": "Other", "unknown": "Unknown", "notknown": "Unknown",
    "notstated": "Unknown",
}


def sex_value(v: str, adults: bool) -> str | None:
    """One spelling per sex: Boys/Girls in tables about children, Male/Female where the data covers adults;
    None for a cell that says nothing."""
    if is_missing_word(v) and normalise_header(v) not in ("unknown", "notknown", "notstated"):
        return None
    if adults:
        return _ADULT_SEX.get(normalise_header(v), v.strip())
    return normalise_sex(v)


_OUTCOME_KEYS = {normalise_header(k): v for k, v in {
    "no further action": "No further action",
    "a no further action disposal": "No further action",
    "nfa": "No further action",
    "nothing found - no further action": "No further action",
    "community resolution": "Community resolution",
    "local resolution": "Community resolution",
    "youth caution": "Youth caution",
    "youth conditional caution": "Youth conditional caution",
    "conviction": "Conviction",
    "convicted": "Conviction",
    "arrest": "Arrest",
    "suspect arrested": "Arrest",
    "khat or cannabis warning": "Khat or cannabis warning",
    "khat / cannabis warning": "Khat or cannabis warning",
    "cannabis warning": "Khat or cannabis warning",
    "penalty notice for disorder": "Penalty notice for disorder",
    "summons / charged by post": "Summons or charged by post",
    "summons": "Summons or charged by post",
    "suspect summonsed to court": "Summons or charged by post",
    "caution (simple or conditional)": "Caution (simple or conditional)",
    "caution": "Caution (simple or conditional)",
    "offender cautioned": "Caution (simple or conditional)",
}.items()}


def outcome_value(v: str) -> str:
    """One spelling per outcome across police.uk and Home Office tables ('A no further action disposal'
    and 'No Further Action' -> 'No further action'); others as written."""
    return _OUTCOME_KEYS.get(normalise_header(v), v.strip())


_MEASURE_KEYS: dict[str, str] = {}
for _m in MEASURES:
    _MEASURE_KEYS[normalise_header(_m)] = _m
    _MEASURE_KEYS[normalise_header(_m + "s")] = _m
_MEASURE_KEYS.update({normalise_header(k): v for k, v in {
    "arrests": "Arrest", "stop and searches": "Stop and search", "stop search": "Stop and search",
    "stop-and-search": "Stop and search", "searches": "Stop and search", "search": "Stop and search",
    "recorded crime": "Recorded offence", "recorded offences": "Recorded offence", "offences": "Recorded offence",
    "proven offences": "Proven offence", "proven": "Proven offence",
}.items()})


def measure_value(v: str) -> str:
    """One spelling per measure ('Arrests', 'stop-and-search' -> 'Arrest', 'Stop and search')."""
    return _MEASURE_KEYS.get(normalise_header(v), v.strip())


# ---- not known, suppressed ----------------------------------------------------------------------------
_MISSING_WORDS = frozenset(
    normalise_header(w)
    for w in ("unknown", "not known", "not recorded", "n/k", "nk", "n/a", "na", "not stated", "not available",
              "missing", "none", "null", "nan", "-", "--", "not specified")
)
# Cells that official tables use for a suppressed or unavailable count.
_SUPPRESSED = frozenset(
    ("[c]", "[x]", "[z]", "[u]", "[low]", "c", "x", "z", "*", "**", "..", ".", "-", "--", ":", "~", "n/a", "na",
     "nan", "null", "none", "[na]", "suppressed", "[suppressed]", "<5", "< 5", "<3", "< 3", "<10", "< 10")
)


def is_missing_word(text: str) -> bool:
    """Whether a cell says the value is unknown or not recorded ('n/k', 'Not stated', '-')."""
    return normalise_header(text) in _MISSING_WORDS or text.strip() in ("-", "--", "?")


def is_suppressed(text: str) -> bool:
    """Whether a count cell holds official shorthand for a suppressed or unavailable figure ('[c]', '..')."""
    return text.strip().lower() in _SUPPRESSED

# The mark a gap in the data gets from the shorthand in its count cell: '[c]' suppressed at source,
# '[z]' not applicable; anything else is '[x]', not available.
_SOURCE_MARKS = {"[c]": "[c]", "c": "[c]", "*": "[c]", "**": "[c]", "suppressed": "[c]", "[suppressed]": "[c]",
                 "<5": "[c]", "< 5": "[c]", "<3": "[c]", "< 3": "[c]", "<10": "[c]", "< 10": "[c]",
                 "[low]": "[c]", "~": "[c]", "[z]": "[z]", "z": "[z]"}


def source_mark(text: str) -> str:
    """'[c]', '[z]' or '[x]' for the text a source table put in place of a count."""
    return _SOURCE_MARKS.get(text.strip().lower(), "[x]")
