"""Where people say they are: the regions the public form offers for
"Where are you now?" (administrators' data, the Region model, edited on
the Request form page), and how a stored answer reads to staff.

A request stores the region's key. An empty answer ("—", the default) is
"not answered"; "I prefer not to say" is an answer of its own, always
offered, and never a region.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from safepassage.intake.models import Region

UNSAID = "unsaid"

# The list the form had built in before regions became data: what a new
# installation starts with (migration 0004_regions), in English, Russian
# and French.
DEFAULT_REGIONS = [
    ("chechnya", "Chechnya", "Чечня", "Tchétchénie"),
    (
        "caucasus",
        "Elsewhere in the North Caucasus",
        "Другое место на Северном Кавказе",
        "Ailleurs dans le Caucase du Nord",
    ),
    ("russia", "Elsewhere in Russia", "Другое место в России", "Ailleurs en Russie"),
    ("abroad", "Outside Russia", "За пределами России", "Hors de Russie"),  # noqa: RUF001
]


def seed(region_model: Any) -> None:
    """Add the default regions that are missing (``region_model`` may be a
    migration's historical model)."""
    for number, (key, english, russian, french) in enumerate(DEFAULT_REGIONS, start=1):
        region_model.objects.get_or_create(
            key=key,
            defaults={
                "name_en": english,
                "name_ru": russian,
                "name_fr": french,
                "position": number * 10,
            },
        )


def area_choices(regions: list[Region], language: str) -> list[tuple[str, str]]:
    """The public form's choices: nothing chosen, the active regions, and
    "I prefer not to say"."""
    return [
        ("", "—"),
        *((region.key, region.name(language)) for region in regions),
        (UNSAID, _("I prefer not to say")),
    ]


def area_label(key: str, language: str) -> str:
    """A stored answer as staff read it, in their language: the region's name
    (hidden regions included), "prefers not to say", "not answered", or the
    key itself when no region has it any more."""
    if not key:
        return _("not answered")
    if key == UNSAID:
        return _("prefers not to say")
    region = Region.objects.filter(key=key).first()
    return region.name(language) if region is not None else key
