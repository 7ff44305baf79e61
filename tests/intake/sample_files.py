"""Files as a phone or a hostile sender makes them, built here with the
libraries the platform itself uses."""

from __future__ import annotations

import io
import struct
import zlib

import pikepdf
from PIL import ExifTags, Image, PngImagePlugin

BLUE = (0, 0, 255)
RED = (255, 0, 0)


def camera_exif(model: str = "Pixel 7") -> Image.Exif:
    """What a phone writes: its make and model, the time, where, and how it
    was held (orientation 6: turned a quarter clockwise to be seen)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.Base.Model] = model
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.DateTime] = "2017:04:01 23:10:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 19.0, 4.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (45.0, 41.0, 30.0)
    return exif


def sideways_picture() -> Image.Image:
    """40 wide, 20 high, blue on the left quarter: seen upright (orientation
    6), it is 20 wide, 40 high, blue along the top."""
    picture = Image.new("RGB", (40, 20), RED)
    picture.paste(BLUE, (0, 0, 10, 20))
    return picture


def phone_photo(model: str = "Pixel 7", fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    sideways_picture().save(out, fmt, exif=camera_exif(model), quality=95)
    return out.getvalue()


def png_with_text(text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", text)
    out = io.BytesIO()
    Image.new("RGBA", (12, 12), (10, 20, 30, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp_with_exif(model: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 12), BLUE).save(out, "WEBP", exif=camera_exif(model))
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int) -> bytes:
    """A few hundred bytes that claim a huge picture (a decompression
    bomb): one bit a pixel, all of it zeros."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * 8, 9))
        + _chunk(b"IEND", b"")
    )


def hostile_pdf(script: str, payload: bytes) -> bytes:
    """A PDF that acts when opened: JavaScript on opening (/OpenAction),
    on showing its page (/AA), a named document script, an embedded file,
    a link that reaches out, an XFA form, and its author's name."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(200, 200))
    page = document.pages[0].obj
    document.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String(script)
    )
    page.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(script))
    )
    named = document.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(script))
    )
    document.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("start"), named]))
    )
    document.attachments["notes.txt"] = pikepdf.AttachedFileSpec(document, payload)
    page.Annots = document.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=pikepdf.Array([0, 0, 50, 50]),
                    A=pikepdf.Dictionary(
                        S=pikepdf.Name.URI, URI=pikepdf.String("http://tracker.invalid/")
                    ),
                )
            ]
        )
    )
    document.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array(),
        XFA=document.make_stream(b"<xdp:xdp><script>" + script.encode() + b"</script></xdp:xdp>"),
    )
    document.docinfo["/Author"] = "Author Name"
    out = io.BytesIO()
    document.save(out, compress_streams=False)
    return out.getvalue()


def locked_pdf() -> bytes:
    document = pikepdf.new()
    document.add_blank_page(page_size=(200, 200))
    out = io.BytesIO()
    document.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    return out.getvalue()
