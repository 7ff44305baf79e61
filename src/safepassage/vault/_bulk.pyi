# Types of the C module built from _bulk.c (where a C compiler was at hand).
from collections.abc import Callable
from typing import Any

def open_into(
    ciphers: tuple[tuple[int, int, int, int], ...],
    unpad: int,
    pad_block: int,
    header_bytes: int,
    keys: tuple[tuple[bytes, bytes, int], ...],
    states: list[dict[str, Any]],
    attname: str,
    name: str,
    prefix: bytes,
    rows: list[bytes],
    decode: Callable[[bytes], object] | None,
) -> int: ...
