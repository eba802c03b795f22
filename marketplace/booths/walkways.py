"""Walkways and pillars drawn on the venue's grid, not typed as x1,y1,x2,y2.

The venue form shows the grid as rows of cells with a checkbox on every line between two
neighbouring cells (`grid_rows`); a ticked line is a walkway or pillar, kept as the venue's
`grid_breaks` pair of cells (`edge_value` is the checkbox's value, `parse_edges` reads them
back). A plain form: it works without JavaScript. Grids larger than `MAX_DRAWN_CELLS` are not
drawn (the page says so) and keep their walkways. Pure: no database, no request.
"""

from __future__ import annotations

from dataclasses import dataclass

# 30 × 30 cells draw 1,740 lines: beyond that the form would be heavier than it is useful.
MAX_DRAWN_CELLS = 900


@dataclass(frozen=True)
class Piece:
    kind: str                # "cell", "edge" or "corner" (the gap where four lines meet)
    direction: str = ""      # an edge: "v" between cells side by side, "h" one above another
    value: str = ""          # an edge: "x1,y1,x2,y2", the checkbox's value
    checked: bool = False    # an edge: a walkway is there
    label: str = ""          # a cell: the code of the booth on it, if any
    first: tuple[int, int] = (0, 0)    # an edge: its two cells, counted from 1 for people
    second: tuple[int, int] = (0, 0)


def edge_value(x1: int, y1: int, x2: int, y2: int) -> str:
    return f"{x1},{y1},{x2},{y2}"


def drawable(width: int | None, height: int | None) -> bool:
    return width is not None and height is not None and 0 < width * height <= MAX_DRAWN_CELLS


def parse_edges(values) -> list[list[str]]:
    """The ticked lines as the service takes walkways ([x1, y1, x2, y2], checked there)."""
    return [value.split(",") for value in values or [] if value.count(",") == 3]


def _edge(x1: int, y1: int, x2: int, y2: int, breaks: set[str]) -> Piece:
    value = edge_value(x1, y1, x2, y2)
    return Piece("edge", "v" if y1 == y2 else "h", value,
                 value in breaks or edge_value(x2, y2, x1, y1) in breaks,
                 first=(x1 + 1, y1 + 1), second=(x2 + 1, y2 + 1))


def grid_rows(width: int, height: int, breaks, booths=()) -> list[list[Piece]]:
    """Rows of cells with the lines between them, then a row of the lines below them."""
    ticked = {edge_value(*(int(v) for v in item)) if not isinstance(item, str) else item
              for item in breaks or []}
    codes: dict[tuple[int, int], str] = {}
    for booth in booths:
        for cell in booth.cells():
            codes[cell] = booth.code
    rows: list[list[Piece]] = []
    for y in range(height):
        row: list[Piece] = []
        for x in range(width):
            row.append(Piece("cell", label=codes.get((x, y), "")))
            if x + 1 < width:
                row.append(_edge(x, y, x + 1, y, ticked))
        rows.append(row)
        if y + 1 < height:
            below: list[Piece] = []
            for x in range(width):
                below.append(_edge(x, y, x, y + 1, ticked))
                if x + 1 < width:
                    below.append(Piece("corner"))
            rows.append(below)
    return rows
