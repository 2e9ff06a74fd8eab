"""Images the interventions tests upload, drawn with Pillow."""

from __future__ import annotations

import io

from PIL import Image

# EXIF tag 274: how a viewer must turn the picture; 6 is "rotate 90° clockwise" (a phone held
# upright stores a landscape sensor image with this tag).
ORIENTATION = 0x0112


def jpeg(width: int = 1200, height: int = 900, *, orientation: int = 1) -> bytes:
    image = Image.new("RGB", (width, height), (200, 60, 30))
    image.paste((30, 60, 200), (0, 0, width // 2, height // 2))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def png(width: int = 300, height: int = 120, *, transparent: bool = True) -> bytes:
    mode = "RGBA" if transparent else "RGB"
    image = Image.new(mode, (width, height), (0, 0, 0, 0) if transparent else (255, 255, 255))
    image.paste((20, 20, 20, 255) if transparent else (20, 20, 20), (10, 50, width - 10, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def webp(width: int = 640, height: int = 480) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 160, 90)).save(out, "WEBP")
    return out.getvalue()


def bomb() -> bytes:
    """A small PNG that would decode to 80 megapixels."""
    out = io.BytesIO()
    Image.new("1", (10_000, 8_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
