"""Working copies of photos: what is shown and shared instead of the
original, which stays as it was collected.

Each copy is decoded and encoded again with Pillow, in memory: pixels
only, turned upright, with no EXIF, XMP, ICC profile or comment, so the
place, the time and the device a photo carries are gone. A blurred copy
is that, with a Gaussian blur over the whole picture or over one box
(a face, a number plate). The copy is a new file with its own SHA-256;
documentation.evidence records it as an item linked to its original,
with the operation and its parameters.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageFilter, ImageOps

from safepassage.documentation.models import Operation

# The photos a copy is made of: read in memory, so bounded.
COPY_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_RADIUS = 24


class CopyRefused(ValueError):
    """A copy that cannot be made; the code says why (for the page)."""


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    def as_list(self) -> list[int]:
        return [self.left, self.top, self.right, self.bottom]


@dataclass(frozen=True)
class Copy:
    data: bytes
    content_type: str
    extension: str
    parameters: dict[str, object]


def make_copy(
    data: bytes, operation: str, *, box: Box | None = None, radius: int = DEFAULT_RADIUS
) -> Copy:
    """A working copy of the photo ``data``: ``location_stripped`` (pixels
    only) or ``blurred`` (pixels only, blurred where ``box`` says, or all
    over). CopyRefused("not-a-photo" | "too-large" | "box" | "operation")."""
    if operation not in {Operation.LOCATION_STRIPPED, Operation.BLURRED}:
        raise CopyRefused("operation")
    max_pixels = settings.INTAKE_PHOTO_MAX_MEGAPIXELS * 1_000_000
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > max_pixels:
                raise CopyRefused("too-large")
            keeps_alpha = image.format in ("PNG", "WEBP")
            image.seek(0)
            image.load()
            picture = ImageOps.exif_transpose(image)
            wanted = "RGBA" if keeps_alpha and "A" in picture.getbands() else "RGB"
            picture = picture.convert(wanted)
    except CopyRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise CopyRefused("too-large") from None
    except Exception:  # whatever a decoder raises on a file that is no photo
        raise CopyRefused("not-a-photo") from None
    parameters: dict[str, object] = {}
    if operation == Operation.BLURRED:
        parameters["radius"] = radius
        if box is None:
            picture = picture.filter(ImageFilter.GaussianBlur(radius))
        else:
            if not (0 <= box.left < box.right <= picture.width) or not (
                0 <= box.top < box.bottom <= picture.height
            ):
                raise CopyRefused("box")
            area = (box.left, box.top, box.right, box.bottom)
            picture.paste(picture.crop(area).filter(ImageFilter.GaussianBlur(radius)), area)
            parameters["box"] = box.as_list()
    out = io.BytesIO()
    picture.info = {}
    if wanted == "RGBA":
        picture.save(out, "PNG")
        return Copy(out.getvalue(), "image/png", "png", parameters)
    picture.save(out, "JPEG", quality=92, exif=b"", icc_profile=None, comment=b"")
    return Copy(out.getvalue(), "image/jpeg", "jpg", parameters)
