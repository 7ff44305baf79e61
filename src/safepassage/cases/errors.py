"""What the actions of cases raise when they change nothing: the reader's
words for each thing that stands in the way (translated), so a page can
show them as they are."""

from __future__ import annotations

from django.utils.translation import gettext as _


class Refused(Exception):
    """An action refused: nothing was changed. ``problems`` are sentences
    in the reader's language, each saying what is missing or wrong."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class Conflict(Refused):
    """Someone else changed the case after the form was shown (optimistic
    locking): nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this case after you opened it: nothing was saved. "
                "Look at the page again and make your change once more."
            )
        )
