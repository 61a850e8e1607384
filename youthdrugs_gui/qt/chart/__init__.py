"""The chart: a panel of controls over a plot of one ChartSeries (bars, lines over time, or bars
across for many values), its key, its table and its saved images.

`ChartPanel` wires the rooms: axes, legend, plot (bars, lines, hit testing), hbars, image, table
dialog, controls and the Qt-free state it is handed. The table dialog and the image writer load when
they are first used, not when the window starts."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .axes import ELLIPSIS, abbreviate
from .legend import PALETTE
from .panel import ChartPanel
from .state import ChartContent, chart_content

if TYPE_CHECKING:
    from .table_dialog import ChartTableDialog

__all__ = ["ELLIPSIS", "PALETTE", "ChartContent", "ChartPanel", "ChartTableDialog", "abbreviate", "chart_content"]


def __getattr__(name: str) -> Any:
    if name == "ChartTableDialog":
        from .table_dialog import ChartTableDialog

        return ChartTableDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
