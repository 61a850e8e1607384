"""Importers: from files on disk to a Dataset.

    load_files(paths, fmt=None, mapping=None, force=None, progress=None, cancelled=None) -> Dataset
    load_sample() -> Dataset
    detect_format(path) -> "generic" | "policeuk" | "homeoffice" | "yjb"
    describe_mapping(ds) -> str

Each file is read by `reading` (what kind of file it is comes from its first bytes, not its name), its
format is recognised from its headers (and, for police.uk, its name), and one importer module per
format turns it into canonical columns. Every failure a user can cause is a LoadError or MappingError
naming the file and saying what to do; anything else that goes wrong while reading a file is reported
as a LoadError too, so the GUI and CLI never show a traceback.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from .. import schema
from ..combine import concat
from ..dataset import Dataset, SourceFile
from ..errors import LoadError, MappingError, YouthDrugsError
from ..sample import load_sample
from ..spellings import measure_value, normalise_force
from . import generic, homeoffice, policeuk, yjb
from ._common import Imported, Options, Ticker, quote_list
from .memory import check_memory, is_large, lean_memory
from .reading import check_path, read_bytes, stream_table, table_from_bytes
from .tables import RawTable

__all__ = ["load_files", "load_sample", "detect_format", "describe_mapping", "FORMATS"]

log = logging.getLogger(__name__)
# The safety net writes what went wrong to the crash log itself (`_logged`) and tells the user where it
# is; nothing of it may reach the terminal. Without a handler of its own, a record from here would go to
# logging's last resort, which prints tracebacks to stderr (26-33 lines before the CLI's one line).
log.addHandler(logging.NullHandler())

# Turned off by the property tests, so that they find every unexpected exception instead of the
# safety net hiding it.
_SAFETY_NET = True

_BUILDERS = {module.FORMAT: module.build for module in (generic, policeuk, homeoffice, yjb)}
FORMATS: tuple[str, ...] = tuple(_BUILDERS)
_FORMAT_ALIASES = {
    **{name: name for name in FORMATS},
    "csv": "generic", "table": "generic", "xlsx": "generic", "excel": "generic", "ods": "generic",
    "parquet": "generic",
    "police.uk": "policeuk", "police-uk": "policeuk", "stopandsearch": "policeuk",
    "ho": "homeoffice", "home-office": "homeoffice",
    "youthjusticeboard": "yjb",
}


def _format_name(fmt: str | None) -> str | None:
    if fmt is None:
        return None
    key = str(fmt).strip().lower()
    hit = _FORMAT_ALIASES.get(key) or _FORMAT_ALIASES.get(schema.normalise_header(key))
    if hit is None:
        raise LoadError(f"{fmt!r} is not a file format this program knows. Use one of: {', '.join(FORMATS)}.")
    return hit


def _guess_format(raw: RawTable) -> str:
    headers = [raw.headers.get(c) or c for c in raw.frame.columns]
    if policeuk.matches(headers):
        return "policeuk"
    if homeoffice.matches(headers):
        return "homeoffice"
    if yjb.matches(headers):
        return "yjb"
    return "generic"


def _check_force(force: str | None) -> str | None:
    if force is None or not str(force).strip():
        return None
    f = normalise_force(force)
    if f is None:
        raise LoadError(f"{force!r} is not a police force of England and Wales. Use one of: "
                        f"{', '.join(schema.FORCE_NAMES)}.")
    return f


def _as_paths(paths: str | Path | Iterable[str | Path]) -> list[str | Path]:
    if isinstance(paths, str | Path):
        return [paths]
    try:
        out = list(paths)
    except TypeError:
        raise LoadError("No files were given to load.") from None
    if not out:
        raise LoadError("No files were chosen to load.")
    return out


# ---- public API ----------------------------------------------------------------------------------
def load_files(
    paths: str | Path | Iterable[str | Path],
    *,
    fmt: str | None = None,
    mapping: str | Path | dict | None = None,
    force: str | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    measure: str | None = None,
    sheet: str | None = None,
) -> Dataset:
    """Load one or more files into one Dataset (several files are appended).

    fmt: "generic", "policeuk", "homeoffice" or "yjb" for every file; by default each file's format is
    recognised from its headers. mapping: a JSON file, JSON text or dict {"header in file": "canonical
    column"} for generic tables (giving one reads every file as a generic table unless fmt says otherwise).
    force: the police force for files that do not say (renamed police.uk files, tables with no force
    column). measure: what the rows count, for generic tables that do not say ("Arrest", ...).
    sheet: the worksheet to read from workbooks (default: the one that looks most like a table).
    progress(fraction) is called now and then; cancelled() returning True stops the load with
    CancelledError."""
    ticker = Ticker(progress, cancelled)
    ticker.tick(0.0)
    plist = _as_paths(paths)
    fmt = _format_name(fmt)
    the_force = _check_force(force)
    parsed_mapping, extras = generic.parse_mapping(mapping)
    if the_force is None and extras.get("force"):
        the_force = _check_force(extras["force"])
    opts = Options(
        mapping=parsed_mapping,
        force=the_force,
        measure=_clean_measure(measure if measure is not None else extras.get("measure")),
        sheet=sheet if sheet is not None else extras.get("sheet"),
    )
    checked = [check_path(p) for p in plist]
    sizes = [max(1, _size(p)) for p in checked]
    check_memory(checked, sizes)
    total = float(sum(sizes))
    datasets: list[Dataset] = []
    used_headers: set[str] = set()
    done = 0.0
    for p, size in zip(checked, sizes):
        sub = ticker.sub(done / total, (done + size) / total)
        with lean_memory(active=is_large(p, size)):
            ds, used = _load_one(p, fmt, opts, sub)
        datasets.append(ds)
        used_headers |= used
        done += size
    if parsed_mapping:
        unused = [h for h in parsed_mapping if h not in used_headers]
        if unused:
            where = checked[0].name if len(checked) == 1 else "any of the files"
            raise MappingError(f"The column mapping names {quote_list(unused)}, but {where} has no column with "
                               f"that heading. Check the spelling against the file's first row.")
    ticker.check()
    if len(datasets) == 1:
        result = datasets[0]
    else:
        name = f"{datasets[0].name} and {len(datasets) - 1} more file{'s' if len(datasets) > 2 else ''}"
        try:
            result = concat(datasets, name=name)
        except YouthDrugsError:
            raise
        except Exception as e:
            if not _SAFETY_NET:
                raise
            raise LoadError(f"The files could not be put together because of an unexpected problem; details were "
                            f"saved to {_logged(e, 'appending files failed')}. Try opening them one at a time.") \
                from e
    ticker.tick(1.0)
    return result


def _clean_measure(measure: str | None) -> str | None:
    if measure is None or not str(measure).strip():
        return None
    return measure_value(str(measure))


def _logged(e: BaseException, what: str):
    """Write an unexpected error to the crash log (the user is told where, never shown a traceback).
    The log record only says where the details are, below WARNING, so that a program showing its log on
    the terminal does not get a traceback there either."""
    from ..crashlog import log_exception

    path = log_exception(type(e), e, e.__traceback__)
    log.info("%s (%s); details saved to %s", what, type(e).__name__, path)
    return path


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 1


def _load_one(p: Path, fmt: str | None, opts: Options, ticker: Ticker) -> tuple[Dataset, set[str]]:
    try:
        raw = stream_table(p, ticker.sub(0.0, 0.7))
        if raw is None:
            data, sha = read_bytes(p, ticker.sub(0.0, 0.1))
            raw = table_from_bytes(p, data, sha, sheet=opts.sheet, ticker=ticker.sub(0.1, 0.7))
            del data
        chosen = fmt or ("generic" if opts.mapping else _guess_format(raw))
        imported: Imported = _BUILDERS[chosen](raw, opts, ticker.sub(0.7, 0.9))
        # Its rows are in the imported frame now: let them go (a slice such as iloc[:0] would be a view
        # that keeps every column alive).
        raw.frame = pd.DataFrame(columns=raw.frame.columns)
        notes = list(imported.notes)
        if opts.mapping and fmt is None and chosen == "generic" and _guess_format(raw) != "generic":
            notes.insert(0, f"read as a generic table because a column mapping was given (it looks like a "
                            f"{_guess_format(raw)} file)")
        ticker.check()
        source = SourceFile(path=str(p), sha256=raw.sha256, format=imported.format, rows=len(imported.frame),
                            mapping=dict(imported.mapping), notes=tuple(notes))
        ds = Dataset.from_frame(imported.frame, name=p.name, sources=(source,), labels=imported.labels,
                                notes=tuple(f"{p.name}: {n}" for n in notes), progress=ticker.sub(0.9, 1.0).tick,
                                gaps=imported.gaps, covered=tuple(imported.covered), synthetic=raw.synthetic)
        ticker.tick(1.0)
        return ds, imported.mapping_headers_used
    except YouthDrugsError:
        raise
    except MemoryError:
        raise LoadError(f"{p.name} is too large to load on this computer.") from None
    except Exception as e:
        if not _SAFETY_NET:
            raise
        raise LoadError(f"{p.name} could not be read because of an unexpected problem; details were saved to "
                        f"{_logged(e, f'unexpected error while loading {p}')}. If it opens in Excel, save it as "
                        "'CSV UTF-8' and load that file.") from e


def detect_format(path: str | Path) -> str:
    """The format load_files would use for this file: 'generic', 'policeuk', 'homeoffice' or 'yjb'."""
    p = check_path(path)
    try:
        data, sha = read_bytes(p, Ticker())
        raw = table_from_bytes(p, data, sha)
        return _guess_format(raw)
    except YouthDrugsError:
        raise
    except MemoryError:
        raise LoadError(f"{p.name} is too large to load on this computer.") from None
    except Exception as e:
        if not _SAFETY_NET:
            raise
        raise LoadError(f"{p.name} could not be read because of an unexpected problem; details were saved to "
                        f"{_logged(e, f'unexpected error while reading {p}')}.") from e


def describe_mapping(ds: Dataset) -> str:
    """What was loaded and how, for the CLI's `info` command."""
    lines: list[str] = [f"{ds.name}{' (synthetic data)' if ds.synthetic else ''}",
                        f"  {ds.n_rows:,} rows, {len(ds.columns)} columns"]
    for src in ds.sources:
        lines.append("")
        lines.append(f"File: {src.path}")
        lines.append(f"  Format: {src.format}")
        lines.append(f"  Rows: {src.rows:,}")
        if src.mapping:
            lines.append("  Columns read as:")
            width = max(len(h) for h in src.mapping) + 2
            for header, col in src.mapping.items():
                lab = ds.label(col) if col in ds.labels else col
                shown = col if lab == col else f"{col} ({lab})"
                lines.append(f"    {('%r' % header):<{width}} -> {shown}")
        if src.notes:
            lines.append("  Notes:")
            lines += [f"    - {n}" for n in src.notes]
    mapped = {c for src in ds.sources for c in src.mapping.values()}
    others = [c for c in ds.columns if c not in schema.CANONICAL and c not in mapped]
    lines.append("")
    lines.append("Columns: " + ", ".join(f"{ds.label(c)} [{c}, {ds.role(c).value if ds.role(c) else '?'}]"
                                         for c in ds.columns))
    if others:
        lines.append("Kept under their own headings (can be filtered): " + ", ".join(ds.label(c) for c in others))
    parts = ds.partition_totals()
    if len(parts) == 1 and parts[0][0] in ("", schema.NOT_RECORDED):
        lines.append(f"Measure: not named in the data (total count {parts[0][1]:,})")
    else:
        what = "measure and area level" if schema.AREA_LEVEL in ds.partition_columns else "measure"
        lines.append(f"Totals per {what} (never added together):")
        lines += [f"  {name}: {value:,}" for name, value in parts]
    if schema.AREA_LEVEL in ds.partition_columns:
        lines.append("Areas at different levels contain one another (England and Wales contains the regions, "
                     "a region its police forces): pick one level before adding figures up.")
    cov = ds.coverage
    if cov is not None:
        more = cov.describe()
        if more:
            lines.append("Not available (never counted as 0):")
            lines += [f"  {m}" for m in more]
    return "\n".join(lines)
