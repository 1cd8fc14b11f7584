"""Procedural images for the synthetic ad corpus (private).

Each "photo" is a small abstract picture (gradient plus random shapes); perturbed
copies (brightness, rescaling, noise) stand in for the re-uploaded,
re-compressed copies of one photo that perceptual hashing finds.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance

__all__ = ["base_image", "perturb", "save_png"]

SIZE = 64


def base_image(rng: random.Random) -> Image.Image:
    """Draw one new abstract picture from ``rng``."""
    c1 = tuple(rng.randrange(256) for _ in range(3))
    c2 = tuple(rng.randrange(256) for _ in range(3))
    ramp = np.linspace(0.0, 1.0, SIZE, dtype=np.float32)
    if rng.random() < 0.5:
        ramp2 = ramp[None, :, None]
    else:
        ramp2 = ramp[:, None, None]
    grad = (1 - ramp2) * np.array(c1, np.float32) + ramp2 * np.array(c2, np.float32)
    arr = np.broadcast_to(grad, (SIZE, SIZE, 3)).astype(np.uint8)
    img = Image.fromarray(np.ascontiguousarray(arr), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 6)):
        x0, y0 = rng.randrange(SIZE - 8), rng.randrange(SIZE - 8)
        x1 = min(SIZE - 1, x0 + rng.randint(8, 40))
        y1 = min(SIZE - 1, y0 + rng.randint(8, 40))
        fill = tuple(rng.randrange(256) for _ in range(3))
        kind = rng.randrange(3)
        if kind == 0:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif kind == 1:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        else:
            pts = [(rng.randrange(SIZE), rng.randrange(SIZE)) for _ in range(3)]
            draw.polygon(pts, fill=fill)
    return img


def perturb(img: Image.Image, rng: random.Random) -> Image.Image:
    """A re-uploaded copy: brightness, rescaling (re-compression) and noise."""
    out = ImageEnhance.Brightness(img).enhance(rng.uniform(0.9, 1.1))
    small = rng.randint(40, 56)
    out = out.resize((small, small)).resize((SIZE, SIZE))
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 2, (SIZE, SIZE, 3))
    arr = np.clip(np.asarray(out, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(arr, "RGB")


def save_png(img: Image.Image, path: Path) -> None:
    """Write ``img`` as PNG at ``path`` (parent directories must exist)."""
    img.save(path, format="PNG", optimize=False)
