"""FilterState: what the user has chosen, an immutable value with a JSON round-trip (the saved view),
and the rules a gesture follows ("all values ticked" means no filter; a click toggles one value).

Nothing here evaluates text: filter values are data, compared for equality.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping

from . import schema
from .dataset import Dataset
from .errors import FilterError

VIEW_FORMAT = "youthdrugs_gui view"
VIEW_VERSION = 1


@dataclass(frozen=True)
class FilterState:
    """What the user has selected. Absent column = every value; an empty selection = no rows.

    `selections` maps column -> the values kept; `age_range` is inclusive exact ages (applied to
    banded data it keeps bands that lie wholly inside it); `year_range` is an inclusive pair of
    financial-year labels; `search` looks for text (case-insensitive) in every text column."""

    selections: tuple[tuple[str, frozenset[str]], ...] = ()
    age_range: tuple[int, int] | None = None
    year_range: tuple[str, str] | None = None
    search: str = ""

    # ---- reading ---------------------------------------------------------------------------
    def selected(self, column: str) -> frozenset[str] | None:
        """The values kept for a column, or None when the column is not filtered."""
        for col, values in self.selections:
            if col == column:
                return values
        return None

    @property
    def columns(self) -> list[str]:
        return [c for c, _ in self.selections]

    @property
    def is_empty(self) -> bool:
        return not self.selections and self.age_range is None and self.year_range is None and not self.search

    # ---- deriving new states (the only way to 'change' one) -------------------------------------
    def with_values(self, column: str, values: Iterable[str] | None,
                    all_values: Iterable[str] | None = None) -> "FilterState":
        """Keep only these values of a column (None removes the column's filter). Given the column's
        `all_values`, keeping every one of them removes the filter too: all ticked means no filter."""
        rest = tuple((c, v) for c, v in self.selections if c != column)
        if values is not None:
            values = frozenset(values)
            if all_values is not None and values >= frozenset(all_values):
                values = None
        if values is None:
            return replace(self, selections=rest)
        return replace(self, selections=tuple(sorted(rest + ((column, values),))))

    def toggled(self, column: str, value: str, all_values: Iterable[str]) -> "FilterState":
        """Tick or untick one value; ticking the last unticked one removes the column's filter."""
        all_set = frozenset(all_values)
        current = self.selected(column)
        current = all_set if current is None else current
        new = current - {value} if value in current else current | {value}
        return self.with_values(column, new, all_set)

    def clicked(self, column: str, value: str, all_values: Iterable[str]) -> "FilterState":
        """A click on a chart bar or map area: with no filter on the column, keep only that value;
        otherwise add or remove it (removing the last one, or adding the last one missing, removes the
        column's filter)."""
        current = self.selected(column)
        if current is None:
            return self.with_values(column, [value])
        if value in current:
            rest = current - {value}
            return self.with_values(column, rest if rest else None)
        return self.with_values(column, current | {value}, all_values)

    def with_age_range(self, lo_hi: tuple[int, int] | None) -> "FilterState":
        if lo_hi is not None:
            lo, hi = int(lo_hi[0]), int(lo_hi[1])
            if lo > hi:
                lo, hi = hi, lo
            lo_hi = (lo, hi)
        return replace(self, age_range=lo_hi)

    def with_year_range(self, lo_hi: tuple[str, str] | None) -> "FilterState":
        if lo_hi is not None:
            a, b = (_year_or_error(v) for v in lo_hi)
            lo_hi = (a, b) if a <= b else (b, a)
        return replace(self, year_range=lo_hi)

    def with_search(self, text: str) -> "FilterState":
        return replace(self, search=text.strip())

    # ---- saved views ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        d: dict = {"format": VIEW_FORMAT, "version": VIEW_VERSION,
                   "filters": {c: sorted(v) for c, v in self.selections}}
        if self.age_range is not None:
            d["age"] = list(self.age_range)
        if self.year_range is not None:
            d["financial_year"] = list(self.year_range)
        if self.search:
            d["search"] = self.search
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> "FilterState":
        if not isinstance(d, Mapping):
            raise FilterError("This saved view is not a view file (expected a JSON object).")
        filters = d.get("filters", {})
        if not isinstance(filters, Mapping) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(x, (str, int)) for x in v)
            for k, v in filters.items()
        ):
            raise FilterError('The saved view\'s "filters" must map column names to lists of values.')
        state = cls(selections=tuple(sorted((k, frozenset(str(x) for x in v)) for k, v in filters.items())))
        age = d.get("age")
        if age is not None:
            if not (isinstance(age, list) and len(age) == 2 and all(isinstance(a, int) for a in age)):
                raise FilterError('The saved view\'s "age" must be two whole numbers, e.g. [10, 15].')
            state = state.with_age_range((age[0], age[1]))
        years = d.get("financial_year")
        if years is not None:
            if not (isinstance(years, list) and len(years) == 2):
                raise FilterError('The saved view\'s "financial_year" must be two years, e.g. ["2018-19", "2022-23"].')
            state = state.with_year_range((str(years[0]), str(years[1])))
        search = d.get("search", "")
        if not isinstance(search, str):
            raise FilterError('The saved view\'s "search" must be text.')
        return state.with_search(search)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "FilterState":
        """A view from its JSON: plain data only, at most a few MB and 100 levels deep (safeio)."""
        from .safeio import TooLarge, load_json, size_text

        try:
            d = load_json(text)
        except TooLarge as exc:
            raise FilterError(f"This saved view is too large ({size_text(exc.size)}; a saved view is a few "
                              "kilobytes): it is damaged or is not a view file.") from None
        except json.JSONDecodeError as exc:
            raise FilterError(f"This saved view is damaged or is not a view file: it is not valid JSON ({exc.msg} "
                              f"at line {exc.lineno}, column {exc.colno}).") from None
        except (ValueError, TypeError, RecursionError):  # too deep, NaN, a number too large to be one
            raise FilterError("This saved view is damaged or is not a view file: it is not valid JSON.") from None
        return cls.from_dict(d)

    def save(self, path: str | Path) -> None:
        from .export import write_text_atomic

        write_text_atomic(Path(path), self.to_json() + "\n")

    @classmethod
    def load(cls, path: str | Path) -> "FilterState":
        """A view from a file: an ordinary file (a pipe is refused, not waited on) of at most a few MB."""
        from .safeio import MAX_JSON_BYTES, NotAFile, TooLarge, read_bounded, size_text

        p = Path(path)
        try:
            if not p.exists():
                raise FilterError(f"The view file {p} does not exist.")
            if p.is_dir():
                raise FilterError(f"{p} is a folder, not a view file.")
        except OSError as exc:  # e.g. a name too long
            raise FilterError(f"Could not read the view file {p} ({exc.strerror or type(exc).__name__}).") from None
        try:
            text = read_bounded(p, MAX_JSON_BYTES).decode("utf-8-sig")
        except TooLarge as exc:
            raise FilterError(f"{p.name} is too large to be a saved view ({size_text(exc.size)}; a saved view is a "
                              "few kilobytes). Choose a file saved with View > Save view.") from None
        except NotAFile:
            raise FilterError(f"{p} is not an ordinary file (it may be a pipe or a device), so it is not a saved "
                              "view.") from None
        except UnicodeDecodeError:
            raise FilterError(f"{p.name} is not a saved view (it is not text). Choose a file saved with View > "
                              "Save view.") from None
        except OSError as exc:
            raise FilterError(f"Could not read the view file {p} ({exc.strerror or type(exc).__name__}).") from None
        return cls.from_json(text)

    # ---- words -------------------------------------------------------------------------------
    def describe(self, ds: Dataset | None = None) -> str:
        """The active filters in words, e.g. 'Police force: Essex; Age 10-15; 2018-19 to 2022-23'."""
        parts = []
        label = ds.label if ds is not None else (lambda c: schema.CANONICAL[c].label if c in schema.CANONICAL else c)
        for col, values in self.selections:
            vals = sorted(values)
            if not vals:
                parts.append(f"{label(col)}: none")
            elif len(vals) <= 3:
                parts.append(f"{label(col)}: {', '.join(vals)}")
            else:
                parts.append(f"{label(col)}: {len(vals)} values")
        if self.age_range is not None:
            lo, hi = self.age_range
            parts.append(f"Age {lo}" if lo == hi else f"Age {lo}-{hi}")
        if self.year_range is not None:
            a, b = self.year_range
            parts.append(a if a == b else f"{a} to {b}")
        if self.search:
            parts.append(f'Search "{self.search}"')
        return "; ".join(parts) if parts else "No filters"


def _year_or_error(value: str) -> str:
    fy = schema.normalise_financial_year(value, bare_year_is_end=False)
    if fy is None:
        raise FilterError(f"{value!r} is not a financial year; write it like 2018-19.")
    return fy
