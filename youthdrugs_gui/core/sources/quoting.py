"""Which cell values a load note may quote, and how a note lists them.

Load notes name columns and count rows; a cell's value is quoted only when all three hold:
* its column is read as one of the program's own categories (police force, offence type, drug class,
  outcome, measure, area level, ethnicity, age, age band, financial year, date), never a column kept
  under its own heading;
* that column has at most QUOTE_MAX_DISTINCT different values (free text has many);
* the value is short and shaped like a label (`quotable`): at most QUOTE_MAX_CHARS characters and
  QUOTE_MAX_WORDS words, only letters, digits, spaces and - ' & . , / +, no run of five or more digits
  and nothing shaped like a date.
Texts in a count column are quoted only when they are official shorthand ('[c]', '..') or number words
('two'); a totals row only by a plain label ('Total', 'Grand total'); words from the program's own
lists ('Unknown', 'n/k') as they are. Any other value is counted instead ('2 values not quoted'). The
rule cannot tell a short name typed into a category column from an unknown category; it keeps long
free text, dates, identifiers and anything from other columns out of notes, and so out of the data
notes, the `info` output and the provenance record, which copy them."""
from __future__ import annotations

import re
from collections.abc import Callable

from ..spellings import is_suppressed
from ._common import plural, quote_list

# The quoting rule (see the module's docstring).
QUOTE_MAX_DISTINCT = 100
QUOTE_MAX_CHARS = 30
QUOTE_MAX_WORDS = 4
_LABEL_SHAPE = re.compile(r"(?:[^\W_]|[ '\u2019&.,/+\-\u2013])+")
_DATE_SHAPE = re.compile(r"\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,4}")
_LONG_NUMBER = re.compile(r"\d{5,}")
_NUMBER_WORDS = frozenset(
    "zero nought no none one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million a and few several dozen".split()
)


def quotable(value: object) -> bool:
    """Whether a value is short and shaped like a category label, so a note may quote it."""
    if not isinstance(value, str):
        return False
    t = value.strip()
    return (0 < len(t) <= QUOTE_MAX_CHARS and len(t.split()) <= QUOTE_MAX_WORDS
            and _LABEL_SHAPE.fullmatch(t) is not None
            and _DATE_SHAPE.search(t) is None and _LONG_NUMBER.search(t) is None)


def count_word(value: str) -> bool:
    """A text of a count column that a note may quote: official shorthand or number words ('two')."""
    words = re.split(r"[\s\-]+", value.strip().lower())
    return is_suppressed(value) or (quotable(value) and all(w in _NUMBER_WORDS for w in words))


def quote_values(values, *, distinct: int, limit: int = 6, ok: Callable[[str], bool] = quotable) -> str:
    """Values for a note, by the quoting rule: "'a', 'b' and 3 more", the others counted ("'a' and 2
    values not quoted"). `distinct`: how many different values the column has (above
    QUOTE_MAX_DISTINCT nothing is quoted); pass 0 for a fixed check such as `count_word`."""
    vals = [str(v) for v in values]
    allowed = distinct <= QUOTE_MAX_DISTINCT
    shown = [v for v in vals if allowed and ok(v)]
    hidden = len(vals) - len(shown)
    text = quote_list(shown, limit) if shown else ""
    if not hidden:
        return text
    tail = f"{plural(hidden, 'value')} not quoted"
    if not text:
        return tail
    return f"{text}{',' if len(shown) > limit else ''} and {tail}"
