# Types of the C module built from _bulk.c.
from collections.abc import Callable
from typing import Any

def open_into(
    ciphers: tuple[tuple[int, int, int], ...],
    states: list[dict[str, Any]],
    attname: str,
    name: str,
    prefix: bytes,
    rows: list[bytes],
    headers: bytes,
    keys: bytes,
    suites: bytes,
    decode: Callable[[bytes], object] | None,
) -> int: ...
def row_ids(states: list[dict[str, Any]], pk_name: str, uuid_type: type) -> list[bytes]: ...
