"""Pictures for the demo listings, drawn here with Pillow (no downloads): carpets with a field,
medallion, corner pieces, borders and fringe, and simple still lifes of pottery, food, cloth and
wood. The same seed always draws the same picture."""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw

PALETTES = [
    [(128, 24, 32), (236, 214, 170), (26, 50, 92), (196, 140, 60), (60, 100, 70)],
    [(40, 60, 110), (230, 220, 200), (160, 40, 40), (210, 170, 80), (30, 30, 40)],
    [(95, 30, 60), (245, 230, 205), (70, 120, 110), (200, 120, 60), (40, 40, 60)],
    [(150, 90, 40), (240, 225, 190), (60, 40, 30), (120, 150, 90), (180, 60, 50)],
]


def draw_carpet(seed: int, width: int = 600, height: int = 800) -> bytes:
    """A carpet-like picture: field, medallion, corner pieces, borders and a fringe."""
    rng = random.Random(seed)
    palette = PALETTES[seed % len(PALETTES)]
    field, ground, accent, gold, dark = palette
    image = Image.new("RGB", (width, height), ground)
    draw = ImageDraw.Draw(image)
    fringe = 24
    draw.rectangle([0, 0, width, fringe], fill=(240, 236, 226))
    draw.rectangle([0, height - fringe, width, height], fill=(240, 236, 226))
    for x in range(0, width, 6):
        draw.line([x, 0, x + rng.randint(-2, 2), fringe], fill=(215, 205, 185), width=2)
        draw.line([x, height - fringe, x + rng.randint(-2, 2), height], fill=(215, 205, 185),
                  width=2)
    box = [10, fringe + 10, width - 10, height - fringe - 10]
    for step, colour in enumerate((dark, gold, accent, ground, field)):
        inset = step * 14
        draw.rectangle([box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset],
                       fill=colour)
    # Border motifs
    for x in range(box[0] + 20, box[2] - 20, 28):
        draw.polygon([(x, box[1] + 28), (x + 7, box[1] + 21), (x + 14, box[1] + 28),
                      (x + 7, box[1] + 35)], fill=gold)
        draw.polygon([(x, box[3] - 28), (x + 7, box[3] - 21), (x + 14, box[3] - 28),
                      (x + 7, box[3] - 35)], fill=gold)
    cx, cy = width // 2, height // 2
    # Scattered flowers on the field
    for _ in range(70):
        x = rng.randint(box[0] + 80, box[2] - 80)
        y = rng.randint(box[1] + 80, box[3] - 80)
        r = rng.randint(4, 10)
        colour = rng.choice((ground, gold, accent, dark))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        draw.line([x, y + r, x, y + r + 8], fill=dark, width=2)
    # Medallion (ترنج) and its rings
    for ring, colour in enumerate((dark, gold, accent, ground, field, gold)):
        rx = 150 - ring * 22
        ry = 210 - ring * 30
        points = []
        for k in range(32):
            angle = 2 * math.pi * k / 32
            wobble = 1 + 0.12 * (k % 2)
            points.append((cx + rx * wobble * math.cos(angle), cy + ry * wobble * math.sin(angle)))
        draw.polygon(points, fill=colour)
    # Corner pieces (لچک)
    for sx, sy in ((box[0] + 70, box[1] + 70), (box[2] - 70, box[1] + 70),
                   (box[0] + 70, box[3] - 70), (box[2] - 70, box[3] - 70)):
        draw.pieslice([sx - 60, sy - 60, sx + 60, sy + 60], 0, 360, fill=accent)
        draw.ellipse([sx - 25, sy - 25, sx + 25, sy + 25], fill=gold)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def draw_object(seed: int, kind: str) -> bytes:
    """A simple picture for pottery, food, cloth or wood."""
    rng = random.Random(seed)
    palette = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (640, 480), (244, 238, 228))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 360, 640, 480], fill=(200, 180, 150))
    main = palette[0] if kind != "pottery" else (40, 140, 150)
    if kind == "pottery":
        draw.ellipse([200, 120, 440, 380], fill=main)
        draw.rectangle([270, 80, 370, 160], fill=main)
        for y in range(180, 340, 30):
            draw.arc([210, y - 20, 430, y + 20], 0, 180, fill=(240, 220, 160), width=4)
    elif kind == "food":
        for _ in range(18):
            x, y = rng.randint(120, 500), rng.randint(150, 330)
            draw.ellipse([x - 30, y - 20, x + 30, y + 20], fill=(222, 190, 130),
                         outline=(170, 120, 70), width=3)
    elif kind == "woodwork":
        draw.rectangle([140, 60, 500, 400], fill=(120, 70, 40))
        for _ in range(40):
            x, y = rng.randint(170, 470), rng.randint(90, 370)
            draw.ellipse([x - 8, y - 8, x + 8, y + 8], fill=rng.choice(palette))
    else:
        draw.polygon([(150, 80), (490, 80), (540, 400), (100, 400)], fill=main)
        for y in range(100, 400, 24):
            draw.line([130, y, 510, y], fill=palette[3], width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
