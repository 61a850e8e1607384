"""Reading what a person typed as a column or a value of the data, the way a colleague would: the exact
value, the same value in other capitals, a common synonym, or a few words that name exactly one value.
A misspelling gets "did you mean ...?" with the closest values first; text that names more than one
value is refused with the values it could mean, never settled silently."""
from __future__ import annotations

import difflib
import re
from typing import Callable, Sequence

from . import schema
from .errors import FilterError

SHOWN_VALUES = 12
"""Values listed in a message (the closest first, so a long list is never cut before them)."""


def closest(text: str, choices: Sequence[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to `n` choices close to the text, the closest first (spelling compared case-insensitively);
    only those nearly as close as the closest."""
    key = _fold(text)
    scored = []
    for c in dict.fromkeys(choices):
        score = difflib.SequenceMatcher(None, key, _fold(c)).ratio()
        if score >= cutoff:
            scored.append((-score, c))
    scored.sort(key=lambda s: s[0])
    return [c for s, c in scored[:n] if -s >= -scored[0][0] - 0.05]


def listing(choices: Sequence[str], first: Sequence[str] = (), limit: int = SHOWN_VALUES) -> str:
    """The choices as a comma list, `first` ahead of the rest, at most `limit` of them and how many in all."""
    ordered = list(dict.fromkeys([*first, *choices]))
    shown = ", ".join(ordered[:limit])
    return shown if len(ordered) <= limit else f"{shown} ... ({len(ordered)} in all)"


def did_you_mean(text: str, choices: Sequence[str]) -> tuple[str, list[str]]:
    """(' Did you mean X or Y?', [X, Y]), or ('', []) when nothing is close."""
    near = closest(text, choices)
    if not near:
        return "", []
    return f" Did you mean {' or '.join(repr(c) for c in near)}?", near


def unknown_value_message(label: str, texts: Sequence[str], values: Sequence[str]) -> str:
    """'Police force has no value 'Esex'. Did you mean 'Essex'? Values are: Essex, ...'."""
    hint, near = did_you_mean(texts[0], values) if len(texts) == 1 else ("", [])
    if len(texts) > 1:
        near = [c for t in texts for c in closest(t, values, n=1)]
        hint = f" Did you mean {', '.join(repr(c) for c in near)}?" if near else ""
    return (f"{label} has no value {', '.join(repr(t) for t in texts)}.{hint} "
            f"Values are: {listing(values, near)}")


def match_value(text: str, values: Sequence[str], label: str,
                synonym: Callable[[str], str | None] | None = None) -> str:
    """The one value of `values` that `text` names; FilterError saying why not otherwise.

    In this order: the value as written; in other capitals; a value that holds the text as whole words
    (refused when several do, naming them); a common synonym (`synonym`); else "did you mean"."""
    t = text.strip()
    if t in values:
        return t
    folded = {_fold(v): v for v in values}
    if _fold(t) in folded:
        return folded[_fold(t)]
    holding = [v for v in values if _holds_words(v, t)]
    if len(holding) > 1:
        raise FilterError(f"{label} {t!r} could mean {_either(holding)}; write the one you mean.")
    if synonym is not None:
        meant = synonym(t)
        if meant is not None and meant in values:
            return meant
        if meant is not None and _fold(meant) in folded:
            return folded[_fold(meant)]
    if len(holding) == 1:
        return holding[0]
    raise FilterError(unknown_value_message(label, [t], values))


def match_values(texts: Sequence[str], values: Sequence[str], label: str,
                 synonym: Callable[[str], str | None] | None = None) -> list[str]:
    """match_value for several texts; the values they name, in the order given, each once."""
    return list(dict.fromkeys(match_value(t, values, label, synonym) for t in texts))


def resolve_column(ds, name: str) -> str:
    """The data set's column for a name (canonical, label or the file's own header); FilterError with
    the closest columns if there is none."""
    try:
        return ds.resolve_column(name)
    except FilterError:
        pass
    names = {}
    for c in ds.columns:
        names.setdefault(ds.label(c), c)
        names.setdefault(c, c)
    near = closest(name, list(names), n=6)
    cols = list(dict.fromkeys(names[n] for n in near))
    hint = f" Did you mean {' or '.join(_column_words(ds, c) for c in cols[:3])}?" if cols else ""
    if not cols and schema.normalise_header(name) in _PERIOD_WORDS:
        hint = f" {_PERIOD_WORDS[schema.normalise_header(name)]}"
    shown = listing([ds.label(c) for c in ds.columns], [ds.label(c) for c in cols], limit=20)
    raise FilterError(f"There is no column called {name!r} in {ds.name}.{hint} Columns: {shown}.")


_PERIOD_WORDS = {
    "year": "Years are financial_year (April to March) or calendar_year.",
    "period": "Periods are financial_year, calendar_year, quarter or month.",
    "time": "Periods are financial_year, calendar_year, quarter or month.",
}


def _column_words(ds, col: str) -> str:
    label = ds.label(col)
    return repr(col) if label == col else f"{col!r} ({label})"


def _either(values: Sequence[str]) -> str:
    quoted = [repr(v) for v in values]
    if len(quoted) == 2:
        return f"either {quoted[0]} or {quoted[1]}"
    return f"any of {', '.join(quoted[:-1])} or {quoted[-1]}"


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _holds_words(value: str, text: str) -> bool:
    """Whether the value holds the text as whole words ('supply' in 'Supply or offering to supply')."""
    words = _fold(text)
    if len(words) < 2 or not re.search(r"\w", words):
        return False
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", _fold(value)) is not None
