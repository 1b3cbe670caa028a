"""A placeholder portrait: an abstract drawn figure, plainly not a photograph of anyone."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 240, 300


def placeholder_portrait(rng: random.Random, label: str = "PLACEHOLDER") -> bytes:
    """A PNG of a flat-coloured head-and-shoulders outline with the word PLACEHOLDER on it."""
    background = tuple(rng.randint(170, 230) for _ in range(3))
    figure = tuple(rng.randint(60, 130) for _ in range(3))
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 50, 160, 140), fill=figure)  # head
    draw.rounded_rectangle((45, 150, 195, 300), radius=40, fill=figure)  # shoulders
    draw.rectangle((0, 0, WIDTH - 1, HEIGHT - 1), outline=(40, 40, 40), width=3)
    font = ImageFont.load_default()
    draw.rectangle((0, 252, WIDTH, 282), fill=(255, 255, 255))
    draw.text((WIDTH // 2, 267), f"{label} - not a photo", fill=(160, 0, 0), font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
