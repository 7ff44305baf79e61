"""Progress bars for long steps on the command line (tqdm, on stderr)."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any


class ProgressBar:
    """A kinds.Progress that draws one bar, relabelled at each stage. Off a
    terminal (a pipe, a log file) it writes nothing."""

    def __init__(self, stream: Any) -> None:
        from tqdm import tqdm

        target: IO[str] = getattr(stream, "_out", stream)
        self._bar = tqdm(
            total=100,
            file=target,
            disable=not getattr(target, "isatty", lambda: False)(),
            bar_format="{desc:<28} {bar} {percentage:3.0f}% {elapsed}",
            leave=False,
        )

    def __call__(self, stage: str, fraction: float) -> None:
        self._bar.set_description_str(stage, refresh=False)
        self._bar.update(max(0, round(fraction * 100) - self._bar.n))
        if fraction >= 1:
            self._bar.close()

    def fraction(self, stage: str) -> Callable[[float], None]:
        """A callback for steps that report only the fraction done."""
        return lambda done: self(stage, done)
