"""`youthdrugs-gui` and `python -m youthdrugs_gui`: the window with no arguments or with files,
subcommands (export, info) for batch work."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from .core.cli import SUBCOMMANDS, run_cli

    if args and (args[0] in SUBCOMMANDS or args[0] in ("-h", "--help", "--version")):
        from .qt.render import html_to_pdf, svg_to_png

        return run_cli(args, render_png=svg_to_png, render_pdf=html_to_pdf)
    from .qt.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
