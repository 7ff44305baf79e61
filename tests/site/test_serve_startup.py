"""`safepassage serve` freezes what start-up made (gc.freeze) once the
application is loaded and before its workers are forked, so that later
full collections scan only what requests make."""

from __future__ import annotations

import gc

from safepassage.site.management.commands.serve import freeze_startup_objects


def test_it_moves_what_start_up_made_out_of_the_collections() -> None:
    held = [object() for _ in range(10)] + [[number] for number in range(10)]
    try:
        frozen = freeze_startup_objects()
        # At least: another thread may free a frozen object meanwhile.
        assert frozen >= gc.get_freeze_count() > len(held)
        # Nothing frozen is left in the generations a collection scans.
        scanned = {id(item) for generation in range(3) for item in gc.get_objects(generation)}
        assert not any(id(item) in scanned for item in held[10:])
        # Collections go on working for what is made afterwards.
        later = [[1], [2]]
        assert any(item is later[0] for item in gc.get_objects(0))
    finally:
        gc.unfreeze()
