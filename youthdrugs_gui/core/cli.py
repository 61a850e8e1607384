"""The batch commands on top of the same core as the window:

    youthdrugs-gui export [FILE ...] [filters] [--group-by COL [--stack-by COL]] -o OUT
    youthdrugs-gui info FILE ...

Bad input of any kind exits 2 with one line saying what is wrong and what to do; never a traceback,
never a partial output file."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .. import __version__
from . import schema
from .errors import FilterError, YouthDrugsError, one_line
from .engine import Engine
from .cli_options import names, read_as, state_from
from .filter_state import FilterState

SUBCOMMANDS = ("export", "info", "map", "report")


class _UsageError(YouthDrugsError):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line (exit 2), not a usage block."""

    command: str | None = None  # the subcommand given, for the hint of a mistake the top level finds

    def error(self, message: str):  # type: ignore[override]
        prog = self.prog
        if prog == "youthdrugs-gui" and _Parser.command:
            prog = f"{prog} {_Parser.command}"
        raise _UsageError(f"{message} (see: {prog} --help)")


def _names(text: str) -> list[str]:
    return names(text)


def _add_filters(p: argparse.ArgumentParser) -> None:
    """The data files and the filters, shared by export and map."""
    p.add_argument("files", nargs="*", metavar="FILE", help="data files (default: the synthetic sample)")
    p.add_argument("--source-format", choices=["generic", "policeuk", "homeoffice", "yjb"],
                   help="read the files as this format instead of detecting it")
    p.add_argument("--mapping", metavar="MAPPING.json", help="column mapping file for the generic importer")
    p.add_argument("--police-force", dest="file_force", metavar="NAME",
                   help="police force of police.uk files whose names do not say it")
    p.add_argument("--force", metavar="NAMES", help="police forces, comma-separated")
    p.add_argument("--age", metavar="MIN-MAX", help="exact ages, e.g. 10-15")
    p.add_argument("--offence-type", metavar="NAMES", help="offence types, comma-separated")
    p.add_argument("--drug-class", metavar="A,B", help="drug classes, comma-separated")
    p.add_argument("--outcome", metavar="NAMES", help="outcomes, comma-separated")
    p.add_argument("--year", metavar="FIRST[:LAST]", help="financial years, e.g. 2018-19:2022-23")
    p.add_argument("--filter", action="append", default=[], metavar="COLUMN=V1,V2",
                   help="keep these values of any column (canonical name or the file's own header); repeatable")
    p.add_argument("--search", metavar="TEXT", help="keep rows with this text in any text column")
    p.add_argument("--view", metavar="VIEW.json", help="a view saved from the window (other options add to it)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="youthdrugs-gui", description="Explore and export data on children's drug offences. "
                "With no command, opens the window.")
    p.add_argument("--version", action="version", version=f"youthdrugs-gui {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    e = sub.add_parser("export", help="filter a data set and write the rows (or a summary table) to CSV/XLSX")
    _add_filters(e)
    e.add_argument("--group-by", metavar="COL", help="write a summary table: sum of count by this column")
    e.add_argument("--stack-by", metavar="COL", help="and by this second column")
    e.add_argument("--suppress-below", type=int, metavar="K",
                   help="summary tables: show counts 1 to K-1 as [c], with secondary suppression audited so no "
                        "hidden count can be worked out")
    e.add_argument("--round-to", type=int, metavar="BASE",
                   help="summary tables: round every count and total to the nearest BASE (e.g. 5), counts 1 to "
                        "BASE-1 shown as [c] (with --suppress-below K: counts 1 to K-1)")
    e.add_argument("--rate", action="store_true",
                   help="with --group-by: add a column of rates per 1,000 children aged 10-17 (ONS mid-year "
                        "estimates) and a row for England and Wales")
    e.add_argument("--columns", metavar="C1,C2", help="columns to write (rows export), in this order")
    e.add_argument("--format", choices=["csv", "xlsx"], help="output format (default: from the file name)")
    e.add_argument("--no-bom", action="store_true", help="CSV without the byte-order mark Excel needs for UTF-8")
    e.add_argument("-o", "--output", required=True, metavar="OUT", help="file to write")

    m = sub.add_parser("map", help="draw the police force areas coloured by the filtered count or rate (SVG or PNG)")
    _add_filters(m)
    m.add_argument("--rate", action="store_true", help="colour by the rate per 1,000 children aged 10-17")
    m.add_argument("--suppress-below", type=int, metavar="K", help="show counts 1 to K-1 as no figure ([c])")
    m.add_argument("--round-to", type=int, metavar="BASE", help="round counts to the nearest BASE")
    m.add_argument("-o", "--output", required=True, metavar="OUT.svg|OUT.png", help="image to write")

    r = sub.add_parser("report", help="the filtered view as a board paper: PDF (A4) or one HTML file")
    _add_filters(r)
    r.add_argument("--group-by", metavar="COL", default=schema.FINANCIAL_YEAR,
                   help="the chart's and the table's grouping (default: financial year)")
    r.add_argument("--stack-by", metavar="COL", help="and a second column")
    r.add_argument("--rate", action="store_true", help="rates per 1,000 children aged 10-17 beside the counts")
    r.add_argument("--suppress-below", type=int, metavar="K", help="show counts 1 to K-1 as [c], audited")
    r.add_argument("--round-to", type=int, metavar="BASE", help="round counts to the nearest BASE")
    r.add_argument("--title", metavar="TEXT", help="the report's title (default: the filters in words)")
    r.add_argument("-o", "--output", required=True, metavar="OUT.pdf|OUT.html", help="report to write")

    i = sub.add_parser("info", help="what a file (or, with none, the built-in sample) holds and how it was read")
    i.add_argument("files", nargs="*", metavar="FILE", help="data files (default: the synthetic sample)")
    i.add_argument("--source-format", choices=["generic", "policeuk", "homeoffice", "yjb"])
    i.add_argument("--mapping", metavar="MAPPING.json")
    i.add_argument("--police-force", dest="file_force", metavar="NAME")
    return p


def _load(opts):
    from .sources import load_files, load_sample

    if not opts.files:
        return load_sample()
    return load_files(opts.files, fmt=opts.source_format, mapping=opts.mapping, force=opts.file_force)


def _state_from(opts, engine: Engine) -> FilterState:
    return state_from(opts, engine)


def _export(opts) -> str:
    from . import export_view
    from .export import check_target

    out = Path(opts.output)
    # an output that cannot be written, or would replace an input, the mapping or the view (or their
    # provenance record would), is said before a large file is read
    check_target(out, inputs=opts.files, mapping=opts.mapping, view=opts.view)
    ds = _load(opts)
    engine = Engine(ds)
    state = _state_from(opts, engine)
    result = engine.apply(state)
    for m in result.messages:
        print(f"note: {m}", file=sys.stderr)
    synthetic = " (synthetic sample: no real children)" if ds.synthetic else ""
    if opts.group_by:
        group = [ds.resolve_column(opts.group_by)]
        if opts.stack_by:
            group.append(ds.resolve_column(opts.stack_by))
        k = opts.suppress_below
        if k is not None and k < 2:
            raise FilterError("--suppress-below must be 2 or more (commonly 5 or 10).")
        if opts.round_to is not None and opts.round_to < 2:
            raise FilterError("--round-to must be 2 or more (commonly 5).")
        request = export_view.ExportRequest(engine=engine, state=state, rows=result.rows, path=out, what="table",
                                            group_by=tuple(group), suppress_below=k, round_to=opts.round_to,
                                            rate=opts.rate, fmt=opts.format, bom=not opts.no_bom)
        if opts.rate:
            return _export_rates(opts, ds, request, result, synthetic)
        res = export_view.write(request)
        return (f"Wrote a table of {res.rows:,} rows ({', '.join(ds.label(g) for g in group)}) to {res.path}: "
                f"{read_as(state, ds)}: {_totals_words(result, opts)}{synthetic}")
    if opts.suppress_below is not None or opts.round_to is not None or opts.rate:
        raise FilterError("--suppress-below, --round-to and --rate apply to summary tables: add --group-by COLUMN.")
    cols = tuple(ds.resolve_column(c) for c in _names(opts.columns)) if opts.columns else None
    res = export_view.write(export_view.ExportRequest(engine=engine, state=state, rows=result.rows, path=out,
                                                      columns=cols, fmt=opts.format, bom=not opts.no_bom))
    return (f"Wrote {res.rows:,} of {ds.n_rows:,} rows to {res.path}: {read_as(state, ds)}: "
            f"{result.totals_text()}{synthetic}")


def _export_rates(opts, ds, request, result, synthetic) -> str:
    from . import export_view

    if opts.stack_by:
        raise FilterError("--rate works on a table grouped by one column: leave out --stack-by.")
    shown = export_view.preview(request)
    for n in shown.notes:
        print(f"note: {n}", file=sys.stderr)
    res = export_view.write(shown)
    return (f"Wrote a table of {res.rows:,} rows with rates per 1,000 children aged 10-17 "
            f"({ds.label(ds.resolve_column(opts.group_by))}) to {res.path}: {read_as(request.state, ds)}: "
            f"{_totals_words(result, opts)}{synthetic}")


def _totals_words(result, opts) -> str:
    """The totals for the summary line; for a protected table only what the table itself may show (the
    terminal is a place the figures go too)."""
    if opts.round_to is None and opts.suppress_below is None:
        return result.totals_text()
    if opts.round_to is not None:
        return "counts rounded to the nearest " + str(opts.round_to) + " in the file"
    k = opts.suppress_below
    if any(1 <= v < k for _, _, v in result.parts) or any(1 <= v < k for v in result.totals.values()):
        return f"counts of 1 to {k - 1} shown as [c] in the file"
    return result.totals_text()


def _map(opts, render_png=None) -> str:
    from .cover import heading_lines
    from .forcemap import MapFigure, to_svg
    from .export import check_target, write_bytes_atomic
    from .rates import POPULATION_SOURCE, force_values

    out = Path(opts.output)
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("svg", "png"):
        raise FilterError(f"-o {out.name}: a map is written as .svg or .png.")
    check_target(out, inputs=opts.files, mapping=opts.mapping, view=opts.view, sidecar=False)
    ds = _load(opts)
    engine = Engine(ds)
    state = _state_from(opts, engine)
    k = opts.suppress_below
    if k is not None and k < 2:
        raise FilterError("--suppress-below must be 2 or more (commonly 5 or 10).")
    values, what, reference, notes = force_values(engine, state, per_children=opts.rate, k=k,
                                                  round_to=opts.round_to)
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    selected = state.selected(schema.FORCE)
    fig = MapFigure(values=values, what=what, heading=tuple(heading_lines(ds, state.describe(ds))),
                    selected=selected, reference=reference,
                    extra_sources=(POPULATION_SOURCE,) if opts.rate else ())
    svg = to_svg(fig)
    if kind == "png":
        if render_png is None:
            raise FilterError("PNG maps need the window's drawing library; write an .svg instead.")
        data = render_png(svg)
    else:
        data = svg.encode("utf-8")
    write_bytes_atomic(out, data)
    synthetic = " (synthetic sample: no real children)" if ds.synthetic else ""
    return f"Wrote a map of {len(values)} police force areas ({what}) to {out}{synthetic}"


def _report(opts, render_pdf=None) -> str:
    from .export import check_target, write_report
    from .report import make_report, to_html

    out = Path(opts.output)
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "html", "htm"):
        raise FilterError(f"-o {out.name}: a report is written as .pdf or .html.")
    if kind == "pdf" and render_pdf is None:
        raise FilterError("PDF reports need the window's drawing library; write an .html report instead.")
    for name, v in (("--suppress-below", opts.suppress_below), ("--round-to", opts.round_to)):
        if v is not None and v < 2:
            raise FilterError(f"{name} must be 2 or more.")
    check_target(out, inputs=opts.files, mapping=opts.mapping, view=opts.view)
    ds = _load(opts)
    engine = Engine(ds)
    state = _state_from(opts, engine)
    rep = make_report(engine, state, group_by=ds.resolve_column(opts.group_by),
                      stack_by=ds.resolve_column(opts.stack_by) if opts.stack_by else None, rate=opts.rate,
                      k=opts.suppress_below, round_to=opts.round_to, title=opts.title, version=__version__)
    if kind == "pdf":
        data = render_pdf(to_html(rep, inline_images=False), rep.images)
    else:
        data = to_html(rep).encode("utf-8")
    prov = {"filter_state": state.to_dict(), "filters_in_words": state.describe(ds), "report_title": rep.title,
            "suppression": rep.rule}
    write_report(out, data, dataset=ds, provenance=prov)
    synthetic = " (synthetic sample: no real children)" if ds.synthetic else ""
    return f"Wrote the report \"{rep.title}\" to {out}{synthetic}"


def _info(opts) -> str:
    from .sources import describe_mapping

    ds = _load(opts)
    text = describe_mapping(ds).rstrip("\n")
    return f"{_sample_words(ds)}\n\n{text}" if not opts.files else text


def _sample_words(ds) -> str:
    """What the built-in sample is, before the description every data set gets."""
    lines = [f"The built-in sample: {ds.n_rows:,} rows, {len(ds.columns)} columns. It is SYNTHETIC: made-up "
             "offences, calibrated to published figures; no row describes a real child."]
    spans = []
    for col in (schema.FINANCIAL_YEAR, schema.MONTH):
        if ds.has(col):
            vals = [v for v in ds.values_present(col) if v != schema.NOT_RECORDED]
            if vals:
                spans.append(f"{ds.label(col).lower()}s {vals[0]} to {vals[-1]}")
    if spans:
        lines.append(f"Covers {spans[0]}" + (f" ({spans[1]})" if len(spans) > 1 else "") + ".")
    if ds.has(schema.AGE):
        ages = ds.values_present(schema.AGE)
        lines.append(f"Ages {ages[0]} to {ages[-1]}; {len(ds.values_present(schema.FORCE))} police forces.")
    nouns = [schema.MEASURE_NOUNS.get(m, (m, m))[1] for m in ds.measures]
    if nouns:
        lines.append(f"Each row is one of: {', '.join(nouns)} (count {int(ds.counts.sum()):,}).")
    lines.append("Filter it with youthdrugs-gui export --help; open your own files with youthdrugs-gui info FILE.")
    return "\n".join(lines)


class _CrashLogHandler(logging.Handler):
    """Log records of warnings and errors go to the crash log, never to the terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from .crashlog import log_exception

            if record.exc_info and record.exc_info[0] is not None:
                log_exception(*record.exc_info)
            else:
                msg = _LoggedMessage(f"{record.name}: {record.getMessage()}")
                log_exception(_LoggedMessage, msg, None)
        except Exception:  # noqa: BLE001 - logging must never break the command
            pass

    def handleError(self, record: logging.LogRecord) -> None:  # logging's own would print to stderr
        pass


class _LoggedMessage(Exception):
    """A log record without an exception, as the crash log writes it."""


def _log_to_crash_file() -> None:
    """The program's log records (warnings and worse) go to the crash log only: on the terminal, a
    command that fails says one line, `error: ...`, and nothing else (no traceback before it)."""
    lg = logging.getLogger("youthdrugs_gui")
    if not any(isinstance(h, _CrashLogHandler) for h in lg.handlers):
        lg.addHandler(_CrashLogHandler(logging.WARNING))
    lg.propagate = False


def _quiet_stdout() -> None:
    """Send what is left for standard output nowhere, so that closing it at exit does not fail again."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass


def _error(text: object) -> None:
    """Print `error: <text>` as one line (control characters escaped, at most a few hundred characters)."""
    print(f"error: {one_line(str(text))}", file=sys.stderr)


def run_cli(argv: list[str], render_png=None, render_pdf=None) -> int:
    """Run a subcommand; `render_png(svg_text) -> bytes` draws PNG images and `render_pdf(html, images)
    -> bytes` PDF reports (given by the program's entry point, which may use Qt; the core does not)."""
    _log_to_crash_file()
    _Parser.command = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    try:
        opts = build_parser().parse_args(argv)
    except YouthDrugsError as exc:
        _error(exc)
        return 2
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    try:
        if opts.command == "export":
            print(_export(opts))
        elif opts.command == "map":
            print(_map(opts, render_png))
        elif opts.command == "report":
            print(_report(opts, render_pdf))
        elif opts.command == "info":
            print(_info(opts))
        else:
            build_parser().print_help()
        return 0
    except YouthDrugsError as exc:
        _error(exc)
        return 2
    except KeyboardInterrupt:
        _error("interrupted; nothing was written.")
        return 2
    except BrokenPipeError:  # the reader stopped reading (youthdrugs-gui info | head): nothing went wrong
        _quiet_stdout()
        return 0
    except MemoryError:
        _error("there is not enough memory for this data; try a smaller extract.")
        return 2
    except Exception as exc:  # a bug: log it, never show a traceback
        from .crashlog import log_exception

        log = log_exception(type(exc), exc, exc.__traceback__)
        _error(f"something unexpected went wrong ({type(exc).__name__}); details were saved to {log}")
        return 1
