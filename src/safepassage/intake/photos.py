"""Photos with nothing but their pixels.

A photo is decoded by Pillow with the one decoder its first bytes named
(no other of Pillow's formats parses what a stranger sent), turned the way
its camera said (ImageOps.exif_transpose), its colours converted to sRGB,
and encoded again from the pixels alone: the copy carries no EXIF (place,
time, camera or phone), XMP, IPTC, comment, text chunk or colour profile.
HEIC (pillow-heif) becomes JPEG, which every browser shows. A picture
larger than the limit is refused before it is decoded (a small file can
hold a huge picture: a decompression bomb), and so is anything a decoder
cannot read. All of it in memory.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pillow_heif
from PIL import ExifTags, Image, ImageCms, ImageOps, JpegImagePlugin

# Only the primary picture is ever used: thumbnails, depth maps and other
# auxiliary pictures are not even decoded.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

# The decoder for each type forms.sniff recognises, and the type of the copy.
FORMATS = {
    "image/jpeg": ("JPEG", "image/jpeg"),
    "image/png": ("PNG", "image/png"),
    "image/webp": ("WEBP", "image/webp"),
    "image/heic": ("HEIF", "image/jpeg"),
}


class PhotoRefused(Exception):
    """``reason`` is "too-large" or "unreadable"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    removed: tuple[str, ...]  # codes of what was found: location, time, camera...


def clean_photo(data: bytes, content_type: str, *, max_pixels: int) -> CleanPhoto:
    decoder, copy_type = FORMATS[content_type]
    encoder = "JPEG" if copy_type == "image/jpeg" else decoder
    try:
        with Image.open(io.BytesIO(data), formats=[decoder]) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise PhotoRefused("too-large")
            removed = hidden_details(image)
            if getattr(image, "n_frames", 1) > 1:
                removed.append("extra-images")  # the first (primary) picture is kept
            options = _encoder_options(image, encoder)
            picture = _pixels_only(image, encoder)
            if picture.mode != image.mode:
                options.pop("qtables", None)
                options.pop("subsampling", None)
                options.setdefault("quality", 92)
            out = io.BytesIO()
            picture.save(out, encoder, **options)
            picture.close()
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, for pictures far beyond any limit of ours.
        raise PhotoRefused("too-large") from None
    except Exception:
        # Whatever a decoder raises on a broken or hostile file: refused.
        raise PhotoRefused("unreadable") from None
    return CleanPhoto(out.getvalue(), copy_type, tuple(sorted(set(removed))))


# EXIF tags by what they tell: with what, and when.
_CAMERA_TAGS = {
    ExifTags.Base.Make,
    ExifTags.Base.Model,
    ExifTags.Base.Software,
    ExifTags.Base.HostComputer,
    ExifTags.Base.Artist,
    ExifTags.Base.LensMake,
    ExifTags.Base.LensModel,
    ExifTags.Base.LensSerialNumber,
    ExifTags.Base.BodySerialNumber,
    ExifTags.Base.CameraOwnerName,
    ExifTags.Base.MakerNote,
    ExifTags.Base.ImageUniqueID,
}
_TIME_TAGS = {
    ExifTags.Base.DateTime,
    ExifTags.Base.DateTimeOriginal,
    ExifTags.Base.DateTimeDigitized,
    ExifTags.Base.OffsetTime,
    ExifTags.Base.OffsetTimeOriginal,
    ExifTags.Base.OffsetTimeDigitized,
    ExifTags.Base.SubsecTime,
    ExifTags.Base.SubsecTimeOriginal,
    ExifTags.Base.SubsecTimeDigitized,
}
_LAYOUT_TAGS = {
    ExifTags.Base.Orientation,
    ExifTags.Base.ExifOffset,
    ExifTags.Base.GPSInfo,
    ExifTags.Base.ExifInteroperabilityOffset,
}
_OTHER_METADATA = {"xmp", "XML:com.adobe.xmp", "photoshop", "comment", "icc_profile"}


def hidden_details(image: Image.Image) -> list[str]:
    """What a photo carries besides its pixels, by kind: location, time,
    camera, details (anything else). Only for staff to know what was
    removed: everything is removed, whatever is found."""
    found: list[str] = []
    exif = image.getexif()
    tags = dict(exif)
    tags.update(exif.get_ifd(ExifTags.IFD.Exif))
    if exif.get_ifd(ExifTags.IFD.GPSInfo):
        found.append("location")
    if _CAMERA_TAGS & tags.keys():
        found.append("camera")
    if _TIME_TAGS & tags.keys():
        found.append("time")
    others = tags.keys() - _CAMERA_TAGS - _TIME_TAGS - _LAYOUT_TAGS
    text = getattr(image, "text", None) or {}
    if others or text or _OTHER_METADATA & image.info.keys():
        found.append("details")
    return found


_SRGB = ImageCms.createProfile("sRGB")


def _pixels_only(image: Image.Image, encoder: str) -> Image.Image:
    """The first picture, turned upright, in sRGB, with nothing but pixels
    (and the transparency of a PNG or WebP)."""
    image.seek(0)
    image.load()
    ImageOps.exif_transpose(image, in_place=True)
    picture: Image.Image = image
    profile = image.info.get("icc_profile")
    if profile and picture.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(picture, source, _SRGB, outputMode="RGB")
            if converted is not None:
                picture = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile is dropped: colours as stored
    if picture.mode == "CMYK" or (encoder == "JPEG" and picture.mode not in ("RGB", "L")):
        picture = picture.convert("RGB")
    transparency = image.info.get("transparency") if encoder != "JPEG" else None
    picture.info = {} if transparency is None else {"transparency": transparency}
    return picture


def _encoder_options(source: Image.Image, encoder: str) -> dict[str, Any]:
    """Read before the picture is turned. No EXIF, XMP, profile or comment
    is passed on (the encoders would take them from these options)."""
    options: dict[str, Any] = {"exif": b"", "icc_profile": None}
    if encoder == "JPEG":
        options["comment"] = b""
        if source.format in ("JPEG", "MPO") and source.mode in ("RGB", "L"):
            sampling = JpegImagePlugin.get_sampling(source)
            if sampling != -1:
                # The camera's own quantisation: as little loss as re-encoding allows.
                options["qtables"] = source.quantization  # type: ignore[attr-defined]
                options["subsampling"] = sampling
        if "qtables" not in options:
            options["quality"] = 92
    elif encoder == "WEBP":
        options["quality"] = 90
    return options
