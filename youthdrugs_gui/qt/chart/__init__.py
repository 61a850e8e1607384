"""The chart: a panel of controls over a plot of one ChartSeries (bars, lines over time, or bars
across for many values), its key, its table and its saved images.

`ChartPanel` wires the rooms: axes, legend, plot (bars, lines, hit testing), hbars, image, table
dialog, controls and the Qt-free state it is handed."""
from .axes import ELLIPSIS, abbreviate
from .legend import PALETTE
from .panel import ChartPanel
from .state import ChartContent, chart_content
from .table_dialog import ChartTableDialog

__all__ = ["ELLIPSIS", "PALETTE", "ChartContent", "ChartPanel", "ChartTableDialog", "abbreviate", "chart_content"]
