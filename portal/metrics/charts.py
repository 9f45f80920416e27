"""The dashboard's charts, drawn on the server as SVG by pygal and shown as images: the page needs no script,
and the chart's own styles stay inside the image (the page's content security policy allows no inline style).
Each chart has its table beside it and a one-sentence summary as its text alternative."""

import base64
from functools import lru_cache

import pygal
from pygal.style import Style

from portal.metrics.queries import Chart

# The portal's colours, with contrast enough on white for the bars and the text.
_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    colors=("#1d4f91", "#b4530b", "#2f7d32", "#7b3294"),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
)


def data_uri(chart: Chart) -> str:
    """The chart as an SVG image in a data: address. The same figures draw the same picture, and drawing took
    longer than counting them: the process keeps the latest few, by what they draw."""
    series = tuple((name, tuple(numbers)) for name, numbers in chart.series)
    return _drawn(tuple(chart.labels), series, chart.horizontal, chart.stacked)


@lru_cache(maxsize=64)
def _drawn(
    labels: tuple[str, ...], series: tuple[tuple[str, tuple[int, ...]], ...], horizontal: bool, stacked: bool
) -> str:
    kind = pygal.HorizontalBar if horizontal else (pygal.StackedBar if stacked else pygal.Bar)
    drawn = kind(
        style=_STYLE,
        js=[],  # no script: the image is a picture, and its table holds the numbers
        width=720,
        height=max(240, 36 * len(labels) + 120) if horizontal else 320,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        x_label_rotation=0 if horizontal else 30,
        print_values=False,
        disable_xml_declaration=False,
        explicit_size=True,
    )
    drawn.x_labels = list(labels)
    for name, numbers in series:
        drawn.add(name, list(numbers))
    svg = drawn.render()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
