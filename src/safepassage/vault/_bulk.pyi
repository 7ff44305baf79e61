# Types of the C module built from _bulk.c.
from collections.abc import Callable
from typing import Any

def open_into(
    address: int,
    states: list[dict[str, Any]],
    attname: str,
    name: str,
    prefix: bytes,
    rows: list[bytes],
    headers: bytes,
    keys: bytes,
    decode: Callable[[bytes], object] | None,
) -> int: ...
def row_ids(states: list[dict[str, Any]], pk_name: str, uuid_type: type) -> list[bytes]: ...
