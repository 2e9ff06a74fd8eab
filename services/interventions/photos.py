"""Images the service keeps: an equipment's photo, a report's signature and photos.

An image is checked before anything is stored: its size against the field's limit, its type
from its content (JPEG, PNG or WebP; runtime.kit.files), then Pillow opens it, refuses more
than MAX_PIXELS (a decompression bomb: a small file that would unpack to gigabytes) and
verifies it whole. Its thumbnail (THUMBNAIL_EDGE px on its longer side, JPEG, turned upright
by its EXIF orientation) is made once, here, and stored beside it, so a download never
decodes an image.

Each stored image has a record in FILES naming what holds it (an equipment or an
intervention) and its client, so that GetFile applies the reads' rules: the caller's tenant
only, and for a technician only the files of their own interventions and of the equipment on
them.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any, Final

from PIL import Image, ImageOps, UnidentifiedImageError

from runtime.errors import FieldViolation, InvalidInput
from runtime.kit.files import IMAGE_TYPES, FileStore, content_key, require_media_type, require_size

MIB: Final = 1024 * 1024
# Per field: a phone's photo fits in 8 MiB; a signature is a small drawing.
MAX_PHOTO_BYTES: Final = 8 * MIB
MAX_SIGNATURE_BYTES: Final = 2 * MIB
MAX_REPORT_PHOTOS: Final = 10
# 40 megapixels: above any phone's camera; more is refused before it is decoded.
MAX_PIXELS: Final = 40_000_000
THUMBNAIL_EDGE: Final = 320
THUMBNAIL: Final = "thumbnail"
VARIANTS: Final = ("", THUMBNAIL)
MAX_NAME: Final = 200

# What holds a file.
EQUIPMENT_PHOTO: Final = "equipment_photo"
SIGNATURE: Final = "signature"
REPORT_PHOTO: Final = "report_photo"

_FORMATS: Final = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_EXTENSIONS: Final = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


@dataclass(frozen=True, slots=True)
class CheckedImage:
    """An image that passed every check, with its thumbnail made."""

    name: str
    data: bytes
    media_type: str
    width: int
    height: int
    thumbnail: bytes


def _decoded(data: bytes, field: str, media_type: str) -> tuple[int, int]:
    """Its size in pixels, once Pillow has opened and verified it; InvalidInput otherwise."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse it too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                found = _FORMATS.get(image.format or "")
                if width * height > MAX_PIXELS:
                    raise InvalidInput(
                        FieldViolation(
                            field,
                            f"the image is {width}×{height} pixels; at most {MAX_PIXELS} "
                            "pixels are accepted",
                        )
                    )
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(
            FieldViolation(field, f"the image has more than {MAX_PIXELS} pixels")
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise InvalidInput(
            FieldViolation(field, "the image is damaged or truncated and cannot be read")
        ) from None
    if found != media_type:
        raise InvalidInput(
            FieldViolation(field, f"the content is not a readable {media_type} image")
        )
    return width, height


def make_thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMBNAIL_EDGE px on each side, upright, transparency on white."""
    with Image.open(io.BytesIO(data)) as opened:
        opened.draft("RGB", (THUMBNAIL_EDGE * 2, THUMBNAIL_EDGE * 2))
        image = ImageOps.exif_transpose(opened)
        image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.LANCZOS)
        if image.mode in ("RGBA", "LA") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        elif image.mode != "RGB":
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def _file_name(name: str, media_type: str, default: str) -> str:
    """The uploader's name without its path, trimmed; ``default`` when it gives none."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(c for c in base if c.isprintable())[:MAX_NAME]
    return base or default + _EXTENSIONS.get(media_type, "")


def check_image(
    name: str, data: bytes, *, field: str, limit: int, default_name: str
) -> CheckedImage:
    """The image, checked and with its thumbnail; InvalidInput naming ``field`` otherwise.
    CPU work: call it off the event loop (asyncio.to_thread)."""
    require_size(data, limit, field)
    media_type = require_media_type(data, IMAGE_TYPES, field)
    width, height = _decoded(data, field, media_type)
    try:
        # Decoding it whole: a file cut short after its headers shows here.
        thumbnail = make_thumbnail(data)
    except (OSError, SyntaxError, ValueError, EOFError):
        raise InvalidInput(
            FieldViolation(field, "the image is damaged or truncated and cannot be read")
        ) from None
    return CheckedImage(
        name=_file_name(name, media_type, default_name),
        data=data,
        media_type=media_type,
        width=width,
        height=height,
        thumbnail=thumbnail,
    )


def check_images(
    uploads: list[tuple[str, bytes, str, int, str]],
) -> tuple[list[CheckedImage], list[FieldViolation]]:
    """Each (name, data, field, limit, default name) checked; every violation at once."""
    checked: list[CheckedImage] = []
    violations: list[FieldViolation] = []
    for name, data, field, limit, default_name in uploads:
        try:
            checked.append(
                check_image(name, data, field=field, limit=limit, default_name=default_name)
            )
        except InvalidInput as refused:
            violations += refused.violations
    return checked, violations


def store(files: FileStore, tenant_id: str, image: CheckedImage) -> tuple[str, str]:
    """Writes the image and its thumbnail durably (before the record naming them commits);
    their content keys."""
    return files.put(tenant_id, image.data), files.put(tenant_id, image.thumbnail)


def file_record(
    image: CheckedImage,
    *,
    file_id: str,
    client_id: str,
    holder: str,
    holder_id: str,
    thumbnail_key: str,
) -> dict[str, Any]:
    """The FILES record of a stored image."""
    return {
        "id": file_id,
        "client_id": client_id,
        "holder": holder,
        "holder_id": holder_id,
        "name": image.name,
        "media_type": image.media_type,
        "size_bytes": len(image.data),
        "sha256": content_key(image.data),
        "thumbnail_sha256": thumbnail_key,
        "width": image.width,
        "height": image.height,
    }


def file_info(record: dict[str, Any]) -> dict[str, Any]:
    """What the holding record shows of its file."""
    return {
        "id": record["id"],
        "name": record["name"],
        "media_type": record["media_type"],
        "size_bytes": record["size_bytes"],
        "sha256": record["sha256"],
    }


def thumbnail_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'image'}-thumbnail.jpg"
