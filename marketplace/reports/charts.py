"""Bar charts as server-built SVG: the geometry is computed here and drawn by the
`reports/_chart.html` macro — no script, no inline style (the CSP allows neither), no
library. A Persian chart reads right to left (the first period at the right edge) with
Persian digits; every chart is drawn beside its table and a text summary, so a screen reader
or a printout loses nothing."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 260
TOP = 24
BOTTOM = 56          # room for the labels under the bars
SIDE = 12
MAX_BARS = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str       # under the bar
    text: str        # the value, above the bar
    negative: bool
    label_x: float


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    rtl: bool

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def bar_chart(title: str, points: list[tuple[str, int, str]], rtl: bool) -> Chart:
    """Bars for (label, value, value as shown) points, in reading order: in a right-to-left
    chart the first point is drawn at the right. Negative values hang below nothing: their
    bar has no height and their text says the amount."""
    points = points[:MAX_BARS]
    top_value = max([value for _label, value, _text in points if value > 0] or [1])
    baseline = HEIGHT - BOTTOM
    usable = baseline - TOP
    slot = (WIDTH - 2 * SIDE) / max(len(points), 1)
    width = slot * 0.6
    bars = []
    for index, (label, value, text) in enumerate(points):
        position = len(points) - 1 - index if rtl else index
        x = SIDE + position * slot + (slot - width) / 2
        height = usable * max(value, 0) / top_value
        bars.append(Bar(x=round(x, 1), y=round(baseline - height, 1), width=round(width, 1),
                        height=round(height, 1), label=label, text=text, negative=value < 0,
                        label_x=round(x + width / 2, 1)))
    return Chart(title=title, bars=bars, width=WIDTH, height=HEIGHT, baseline=baseline,
                 rtl=rtl)
