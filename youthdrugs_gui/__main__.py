"""`youthdrugs-gui` and `python -m youthdrugs_gui`: the window with no arguments or with files,
subcommands (export, info) for batch work."""
from __future__ import annotations

import sys

_CLI_OPTIONS = ("-h", "--help", "--version")  # answered by the command line, like its subcommands


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and (args[0] in _CLI_OPTIONS or not args[0].startswith("-")):  # a subcommand or files
        from .core.cli import SUBCOMMANDS, run_cli

        if args[0] in SUBCOMMANDS or args[0] in _CLI_OPTIONS:
            from .qt.render import html_to_pdf, svg_to_png

            return run_cli(args, render_png=svg_to_png, render_pdf=html_to_pdf)
    from .qt.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
