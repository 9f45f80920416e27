"""The dashboard's charts: SVG pictures of their figures, drawn again whenever the figures differ."""

import base64

from portal.metrics import charts
from portal.metrics.queries import Chart


def picture(chart: Chart) -> str:
    address = charts.data_uri(chart)
    assert address.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(address.partition(",")[2]).decode()


def test_the_same_figures_draw_the_same_picture_and_other_figures_another():
    days_lost = Chart("Days lost by month", ["Sep 2026", "Oct 2026"], [("Away", [12, 30]), ("Restricted", [4, 0])])
    drawn = picture(days_lost)
    assert "<svg" in drawn and "Sep 2026" in drawn
    assert (
        picture(Chart("Days lost by month", ["Sep 2026", "Oct 2026"], [("Away", [12, 30]), ("Restricted", [4, 0])]))
        == drawn
    )
    for changed in (
        Chart("Days lost by month", ["Sep 2026", "Oct 2026"], [("Away", [12, 31]), ("Restricted", [4, 0])]),
        Chart("Days lost by month", ["Sep 2026", "Nov 2026"], [("Away", [12, 30]), ("Restricted", [4, 0])]),
        Chart(
            "Days lost by month", ["Sep 2026", "Oct 2026"], [("Away", [12, 30]), ("Restricted", [4, 0])], stacked=True
        ),
    ):
        assert picture(changed) != drawn
