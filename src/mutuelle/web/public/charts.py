"""The public site's bar charts: the shared server-side SVG charts of :mod:`mutuelle.charts`
(drawn by ``public/_chart.html`` inside a figure with its caption)."""

from mutuelle.charts import Bar, Segment, bar_chart

__all__ = ["Bar", "Segment", "bar_chart"]
