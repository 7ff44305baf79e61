"""What a list is called on a page, in the reader's language.

An imported list is called what its importer typed. A list made by
counting from our documentation (analysis.handover) keeps a stored name,
in English, that the command line finds it by; pages build its label
again for each reader from what the list keeps of where it came from
(VictimList.origin): its source (an organisation's name, or the code of a
kind of individual source: victim, witness, relative...), which acts were
counted and the count's number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from safepassage.analysis.importing import clean_list_name
from safepassage.analysis.models import CountScope, VictimList
from safepassage.documentation.models import Term

CONNECTIONS = "source_connection"


def count_list_label(source: str, scope: str, number: int, suffix: int = 0) -> str:
    """A counted list's label in the active language; ``suffix`` tells it
    apart from an imported list that had its name already."""
    if scope == CountScope.VERIFIED:
        text = _("%(source)s · documented, verified acts (count %(number)s)")
    else:
        text = _("%(source)s · documented, every act (count %(number)s)")
    label = text % {"source": source, "number": number}
    return clean_list_name(f"{label} ({suffix})" if suffix else label)


def source_label(origin: dict[str, Any], connections: dict[str, Term]) -> str:
    """The source of a counted list in the active language: an
    organisation by its name, a kind of source by its term's label."""
    if origin.get("kind") == "organisation":
        return str(origin.get("source", ""))
    term = connections.get(str(origin.get("source", "")))
    return term.label() if term is not None else str(origin.get("source", ""))


def label_lists(lists: Iterable[VictimList]) -> list[VictimList]:
    """Give each list its label in the reader's language (``item.label``),
    reading the kinds of source once for all of them."""
    items = list(lists)
    origins = [item.origin for item in items if item.origin]
    connections: dict[str, Term] = {}
    if any(origin.get("kind") == "connection" for origin in origins):
        connections = {term.code: term for term in Term.objects.filter(vocabulary__key=CONNECTIONS)}
    for item in items:
        origin = item.origin
        if origin:
            item.label = count_list_label(
                source_label(origin, connections),
                str(origin.get("scope", "")),
                int(origin.get("number", 0)),
                int(origin.get("suffix", 0)),
            )
        else:
            item.label = str(item.name)
    return items
