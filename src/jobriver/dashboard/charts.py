"""Geometry of the requests-per-day bar chart, drawn by the template as inline SVG.

All lengths are SVG user units inside a fixed viewBox. The SVG scales to the
width of the page, so no script and no chart library is needed.
"""

import datetime
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 240
MARGIN_LEFT = 48
MARGIN_RIGHT = 8
MARGIN_TOP = 12
MARGIN_BOTTOM = 28
BAR_GAP = 0.2  # share of each day's slot left empty between bars
TICK_COUNT = 4  # grid lines above the zero line
LABEL_EVERY_DAYS = 7


@dataclass(frozen=True)
class Bar:
    day: datetime.date
    requests: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    show_label: bool


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: float
    label_y: float
    bars: list[Bar]
    ticks: list[Tick]


def nice_maximum(value: int, ticks: int = TICK_COUNT) -> int:
    """Return the smallest axis maximum >= `value` whose tick step is 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return ticks
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * ticks >= value:
                return step * ticks
        magnitude *= 10


def bar_chart(points: list[tuple[datetime.date, int]]) -> BarChart:
    """Lay out one bar per (day, requests) point, oldest on the left, with the newest day labelled."""
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    baseline = MARGIN_TOP + plot_height
    maximum = nice_maximum(max((requests for _day, requests in points), default=0))
    slot = plot_width / max(len(points), 1)

    bars = []
    for index, (day, requests) in enumerate(points):
        height = plot_height * requests / maximum
        x = MARGIN_LEFT + index * slot + slot * BAR_GAP / 2
        # Labels count back from the newest day, so that today always has one.
        from_newest = len(points) - 1 - index
        bars.append(
            Bar(
                day=day,
                requests=requests,
                x=round(x, 2),
                y=round(baseline - height, 2),
                width=round(slot * (1 - BAR_GAP), 2),
                height=round(height, 2),
                label_x=round(MARGIN_LEFT + (index + 0.5) * slot, 2),
                show_label=from_newest % LABEL_EVERY_DAYS == 0,
            )
        )

    ticks = [
        Tick(value=maximum * step // TICK_COUNT, y=round(baseline - plot_height * step / TICK_COUNT, 2))
        for step in range(TICK_COUNT + 1)
    ]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=MARGIN_LEFT,
        plot_right=WIDTH - MARGIN_RIGHT,
        baseline=baseline,
        label_y=baseline + 18,
        bars=bars,
        ticks=ticks,
    )
