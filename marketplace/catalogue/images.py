"""Checking and re-encoding uploaded product photos (ARCHITECTURE §7).

A file is accepted only if Pillow opens it as JPEG, PNG or WebP, it is at most 10 MB and
40 megapixels; decompression bombs are refused before their pixels are decoded. The pixels are
re-encoded (which drops EXIF, GPS, ICC and every other chunk) into WebP renditions.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.core.errors import DomainError, RuleViolation

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Pillow's own guard: above this it warns, above twice this it raises. We turn both into 4xx.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

# Longest side of each rendition; "full" is what the product page's zoom shows.
SIZES = {"full": 2000, "large": 1000, "medium": 480, "thumb": 160}
EXTENSION = "webp"
QUALITY = 82


@dataclass(frozen=True)
class ProcessedImage:
    width: int
    height: int
    renditions: dict[str, bytes]  # size name -> encoded bytes

    @property
    def byte_size(self) -> int:
        return sum(len(b) for b in self.renditions.values())


class ImageTooLarge(DomainError):
    status = 413
    code = CatalogueErrorCode.IMAGE_TOO_LARGE


def _refuse(code: CatalogueErrorCode, message: str) -> RuleViolation:
    return RuleViolation(message, code=code, fields={"image": [message]})


def _open_checked(data: bytes) -> Image.Image:
    if len(data) > MAX_IMAGE_BYTES:
        message = _("The image is larger than 10 MB.")
        raise ImageTooLarge(message, fields={"image": [message]})
    if not data:
        raise _refuse(CatalogueErrorCode.IMAGE_EMPTY, _("The file is empty."))
    not_an_image = _("The file is not a JPEG, PNG or WebP image.")
    too_big = _("The image has more than 40 megapixels.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise _refuse(CatalogueErrorCode.IMAGE_TYPE, not_an_image)
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _refuse(CatalogueErrorCode.IMAGE_PIXELS, too_big)
            probe.verify()  # checks structure and checksums without decoding the pixels
            image = Image.open(io.BytesIO(data))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(CatalogueErrorCode.IMAGE_PIXELS, too_big) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise _refuse(CatalogueErrorCode.IMAGE_TYPE, not_an_image) from None
    if image.format not in ACCEPTED_FORMATS:  # pragma: no cover - probe checked the same bytes
        raise _refuse(CatalogueErrorCode.IMAGE_TYPE, not_an_image)
    return image


def process_image(data: bytes) -> ProcessedImage:
    """Check an upload and return its re-encoded renditions, or raise a DomainError."""
    image = _open_checked(data)
    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in
                                                  image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    renditions = {}
    for name, longest in SIZES.items():
        copy = image.copy()
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        # A fresh image with no info dict: nothing from the upload's metadata is written.
        clean = Image.new(copy.mode, copy.size)
        clean.paste(copy)
        clean.save(buffer, format="WEBP", quality=QUALITY, method=2)
        renditions[name] = buffer.getvalue()
    return ProcessedImage(image.width, image.height, renditions)
