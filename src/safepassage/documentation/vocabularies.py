"""The controlled vocabularies at work: what ships with safepassage, how
administrators extend them, how forms offer them, and how imports are
kept from adding terms nobody asked for.

Shipped vocabularies are data (vocabularies/shipped-N.json, loaded by a
migration): the Events Standard Formats' micro-thesauri we use, with
their codes, and this region's additions (codes "L-..."). Every change
(a term added, renamed or retired) is a new version of its vocabulary,
saved with what changed and audited. A term is never deleted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation.models.base import Record
from safepassage.documentation.models.vocabulary import (
    LANGUAGES,
    MAX_DEPTH,
    Term,
    Vocabulary,
    VocabularyVersion,
)
from safepassage.documentation.precision import Place

SHIPPED = Path(__file__).resolve().parent / "vocabularies"
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


class VocabularyError(ValueError):
    """A change or a choice a vocabulary refuses; the message is for people."""


class UnknownTerms(VocabularyError):
    """Values an import named that are no term of the vocabulary (nothing was added)."""

    def __init__(self, key: str, values: list[str]) -> None:
        self.key = key
        self.values = values
        super().__init__(
            _("%(values)s: not in the vocabulary “%(vocabulary)s”. Nothing was added.")
            % {"values": ", ".join(values), "vocabulary": vocabulary(key).name()}
        )


# --- Shipped data ---------------------------------------------------------------


def shipped(version: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHIPPED / f"shipped-{version}.json").read_text())
    return data


def load_shipped(
    vocabulary_model: Any, version_model: Any, term_model: Any, data: dict[str, Any]
) -> None:
    """Add what a shipped file has and the database lacks: vocabularies,
    and terms as a new version of theirs. Terms already there are left as
    they are (renamed or retired ones included). The models may be a
    migration's historical ones."""
    for item in data["vocabularies"]:
        names = dict(zip(LANGUAGES, item["name"], strict=True))
        found, created = vocabulary_model.objects.get_or_create(
            key=item["key"],
            defaults={f"name_{lang}": names[lang] for lang in LANGUAGES}
            | {"standard": item["standard"]},
        )
        known = {t.code: t for t in term_model.objects.filter(vocabulary=found)}
        missing = [row for row in item["terms"] if row[0] not in known]
        if not missing:
            continue
        number = 1 if created else found.version + 1
        start = max((t.position for t in known.values()), default=0)
        for position, (code, parent_code, *labels) in enumerate(missing, start=start + 1):
            parent = known.get(parent_code) if parent_code else None
            depth = parent.depth + 1 if parent else 1
            if depth > MAX_DEPTH:
                raise VocabularyError(f"{item['key']}:{code} is deeper than {MAX_DEPTH} levels")
            known[code] = term_model.objects.create(
                vocabulary=found,
                code=code,
                parent=parent,
                depth=depth,
                position=position * 10,
                added_in=number,
                local=code.startswith("L-"),
                **{f"label_{lang}": label for lang, label in zip(LANGUAGES, labels, strict=True)},
            )
        version_model.objects.create(
            vocabulary=found,
            number=number,
            changes=[{"change": "shipped", "code": row[0]} for row in missing],
        )
        found.version = number
        found.save(update_fields=["version"])


# --- Reading ----------------------------------------------------------------------


def vocabulary(key: str) -> Vocabulary:
    return Vocabulary.objects.get(key=key)


def in_tree_order(terms: Iterable[Term]) -> list[Term]:
    """Parents before their children, siblings by position."""
    items = list(terms)
    children: dict[int | None, list[Term]] = {}
    present = {t.pk for t in items}
    for term in items:
        parent = term.parent_id if term.parent_id in present else None
        children.setdefault(parent, []).append(term)
    ordered: list[Term] = []

    def walk(parent: int | None) -> None:
        for term in sorted(children.get(parent, []), key=lambda t: (t.position, t.code)):
            ordered.append(term)
            walk(term.pk)

    walk(None)
    return ordered


def terms_of(key: str, *, keep: Iterable[Term | None] = ()) -> list[Term]:
    """The terms new records may use (not retired), in tree order, with
    the terms in ``keep`` (a record's own, retired since) among them."""
    kept = {t.pk for t in keep if t is not None}
    # Not with their vocabulary: a form offers a few hundred terms on each
    # page, and the vocabulary made again for each was work for nothing.
    found = Term.objects.filter(vocabulary__key=key)
    return in_tree_order(t for t in found if t.retired_in is None or t.pk in kept)


Stamp = tuple[int, int, Any]

# The options of each vocabulary in each language, as last made, with the
# stamp of the version they were made from: a form offers hundreds of
# terms on every list page, and making them each time was a good part of
# the event list's work (bench/README.md).
_OFFERED: dict[tuple[str, str], tuple[Stamp, list[tuple[Any, str]], frozenset[Any]]] = {}


def stamps() -> dict[str, Stamp]:
    """Each vocabulary's current version, by key, in one query: its id, its
    number and when it was made. Every change of a term is a new version
    (see above), so options made from the same stamp are still right; the
    time tells apart versions of the same number made in databases rolled
    back or restored."""
    rows = VocabularyVersion.objects.filter(number=F("vocabulary__version")).values_list(
        "vocabulary__key", "vocabulary_id", "number", "made_at"
    )
    return {key: (pk, number, made_at) for key, pk, number, made_at in rows}


def _options(key: str, keep: Iterable[Term | None]) -> list[tuple[Any, str]]:
    options: list[tuple[Any, str]] = []
    for term in terms_of(key, keep=keep):
        label = term.label()
        if term.retired:
            label = _("%(term)s (retired)") % {"term": label}
        options.append((term.pk, "\u2003" * (term.depth - 1) + label))
    return options


def choices(
    key: str,
    *,
    keep: Iterable[Term | None] = (),
    blank: str | None = None,
    current: dict[str, Stamp] | None = None,
) -> list:
    """(id, label) pairs for a select, indented by level, in the reader's
    language. The options of a vocabulary's current version are made once
    in each language and kept (``current``: the stamps, when the caller
    read them already for several vocabularies)."""
    first: list[tuple[Any, str]] = [] if blank is None else [("", blank)]
    kept = [term for term in keep if term is not None]
    stamp = (current if current is not None else stamps()).get(key)
    place = (key, get_language() or "")
    found = _OFFERED.get(place)
    if stamp is None:  # a vocabulary with no version yet
        return first + _options(key, kept)
    if found is None or found[0] != stamp:
        options = _options(key, ())
        found = (stamp, options, frozenset(pk for pk, _label in options))
        _OFFERED[place] = found
    if any(term.pk not in found[2] for term in kept):
        return first + _options(key, kept)  # a record's own term, retired since
    return first + found[1]


def descendants(term: Term) -> set[int]:
    """The ids of a term and of every term below it (filters use them all)."""
    below: dict[int | None, list[int]] = {}
    for pk, parent in Term.objects.filter(vocabulary_id=term.vocabulary_id).values_list(
        "pk", "parent_id"
    ):
        below.setdefault(parent, []).append(pk)
    found, waiting = set(), [term.pk]
    while waiting:
        pk = waiting.pop()
        found.add(pk)
        waiting.extend(below.get(pk, []))
    return found


def term_named(key: str, code: str) -> Term:
    term = Term.objects.select_related("vocabulary").filter(vocabulary__key=key, code=code).first()
    if term is None:
        raise VocabularyError(_("No term %(code)s in this vocabulary.") % {"code": code})
    return term


def check_usable(term: Term | None, key: str, *, current: Term | None = None) -> None:
    """A record may keep a term retired since it chose it, but a retired
    term is not chosen anew, nor one of another vocabulary."""
    if term is None:
        return
    if term.vocabulary.key != key:
        raise VocabularyError(_("That term belongs to another vocabulary."))
    if term.retired and (current is None or term.pk != current.pk):
        raise VocabularyError(
            _("“%(term)s” has been retired: choose another term.") % {"term": term.label()}
        )


def stamp(item: Record, *keys: str, versions: dict[str, int] | None = None) -> None:
    """Note on a record the current version of each vocabulary it uses
    (from ``versions``, every vocabulary's current one, when the caller
    stamps many records at once)."""
    if versions is None:
        versions = dict(
            Vocabulary.objects.filter(key__in=keys).values_list("key", "version").order_by("key")
        )
    item.vocabularies = {
        **(item.vocabularies or {}),
        **{key: versions[key] for key in sorted(keys) if key in versions},
    }


def place_from_parts(precision: str, area_code: str, detail: str) -> Place:
    """A Place from its text parts (``Place.to_parts``), as imports give it."""
    area = term_named("place", area_code) if area_code else None
    return Place.of(precision, area, detail)


# --- Changes (each a new version, audited) -----------------------------------------


def _new_version(vocab: Vocabulary, by: User | None, changes: list[dict[str, Any]]) -> int:
    locked = Vocabulary.objects.select_for_update().get(pk=vocab.pk)
    number = locked.version + 1
    VocabularyVersion.objects.create(vocabulary=locked, number=number, made_by=by, changes=changes)
    locked.version = number
    locked.save(update_fields=["version"])
    vocab.version = number
    return number


def new_code(vocab: Vocabulary, english: str, taken: set[str] | None = None) -> str:
    """A local code from the English label ("L-FORCED-OUTING"), never one
    in use (nor in ``taken``, codes about to be used)."""
    taken = set(taken or ()) | set(
        Term.objects.filter(vocabulary=vocab, code__startswith="L-").values_list("code", flat=True)
    )
    stem = "L-" + (slugify(english).upper()[:30] or "TERM")
    code, n = stem, 1
    while code in taken:
        n += 1
        code = f"{stem}-{n}"
    return code


def _check_labels(labels: dict[str, str]) -> dict[str, str]:
    cleaned = {lang: " ".join((labels.get(lang) or "").split()) for lang in LANGUAGES}
    if not all(cleaned.values()):
        raise VocabularyError(_("Give the term's label in English, Russian and French."))
    return cleaned


def add_term(
    vocab: Vocabulary,
    *,
    labels: dict[str, str],
    by: User | None,
    parent: Term | None = None,
    code: str = "",
) -> Term:
    labels = _check_labels(labels)
    code = code.strip() or new_code(vocab, labels["en"])
    if not CODE.match(code):
        raise VocabularyError(
            _("A code has letters, digits, dots, hyphens and underscores, at most 40.")
        )
    if Term.objects.filter(vocabulary=vocab, code=code).exists():
        raise VocabularyError(_("That code is taken: codes are never reused."))
    if parent is not None and parent.vocabulary_id != vocab.pk:
        raise VocabularyError(_("The broader term belongs to another vocabulary."))
    if parent is not None and parent.retired:
        raise VocabularyError(_("The broader term has been retired."))
    depth = parent.depth + 1 if parent else 1
    if depth > MAX_DEPTH:
        raise VocabularyError(_("A vocabulary has at most five levels."))
    with transaction.atomic():
        number = _new_version(vocab, by, [{"change": "added", "code": code}])
        siblings = Term.objects.filter(vocabulary=vocab, parent=parent)
        last = max((t.position for t in siblings), default=parent.position if parent else 0)
        term = Term.objects.create(
            vocabulary=vocab,
            code=code,
            parent=parent,
            depth=depth,
            position=last + 1,
            added_in=number,
            local=True,
            **{f"label_{lang}": labels[lang] for lang in LANGUAGES},
        )
        record(
            by, "documentation.term_added", term, vocabulary=vocab.key, term=code, revision=number
        )
    return term


def rename_term(term: Term, *, labels: dict[str, str], by: User | None) -> Term:
    labels = _check_labels(labels)
    before = term.labels()
    if labels == before:
        return term
    with transaction.atomic():
        number = _new_version(
            term.vocabulary, by, [{"change": "renamed", "code": term.code, "before": before}]
        )
        for lang in LANGUAGES:
            setattr(term, f"label_{lang}", labels[lang])
        term.save(update_fields=[f"label_{lang}" for lang in LANGUAGES])
        record(
            by,
            "documentation.term_renamed",
            term,
            vocabulary=term.vocabulary.key,
            term=term.code,
            revision=number,
        )
    return term


def retire_term(term: Term, *, by: User | None) -> list[Term]:
    """Retire a term and every term below it that is still in use: records
    that used them keep them; new records cannot choose them."""
    if term.retired:
        raise VocabularyError(_("That term has been retired already."))
    below = descendants(term)
    retiring = list(Term.objects.filter(pk__in=below, retired_in__isnull=True))
    with transaction.atomic():
        number = _new_version(
            term.vocabulary, by, [{"change": "retired", "code": t.code} for t in retiring]
        )
        Term.objects.filter(pk__in=[t.pk for t in retiring]).update(retired_in=number)
        record(
            by,
            "documentation.term_retired",
            term,
            vocabulary=term.vocabulary.key,
            term=term.code,
            terms=len(retiring),
            revision=number,
        )
    term.retired_in = number
    return retiring


# --- Imports: no new term unless asked ---------------------------------------------


def resolve(
    key: str, values: Iterable[str], *, allow_new: bool = False, by: User | None = None
) -> dict[str, Term]:
    """The term each value names (by code, or by its label in any of the
    three languages, case aside). A value that names no term refuses the
    whole set (UnknownTerms) unless ``allow_new``, which adds the missing
    ones as terms of the top level, one new version, audited. A retired
    term is refused like a missing one: imported data is new data."""
    vocab = vocabulary(key)
    by_name: dict[str, Term] = {}
    for term in Term.objects.filter(vocabulary=vocab, retired_in__isnull=True):
        by_name[term.code.casefold()] = term
        for lang in LANGUAGES:
            by_name.setdefault(getattr(term, f"label_{lang}").casefold(), term)
    wanted = {" ".join(value.split()) for value in values if value and value.strip()}
    found = {value: by_name[value.casefold()] for value in wanted if value.casefold() in by_name}
    unknown = sorted(wanted - set(found))
    if unknown and not allow_new:
        raise UnknownTerms(key, unknown)
    if unknown:
        with transaction.atomic():
            codes: list[str] = []
            for value in unknown:
                codes.append(new_code(vocab, value, set(codes)))
            number = _new_version(vocab, by, [{"change": "added", "code": c} for c in codes])
            top = max(Term.objects.filter(vocabulary=vocab).values_list("position", flat=True))
            for offset, (value, code) in enumerate(zip(unknown, codes, strict=True), start=1):
                found[value] = Term.objects.create(
                    vocabulary=vocab,
                    code=code,
                    depth=1,
                    position=top + offset,
                    added_in=number,
                    local=True,
                    **{f"label_{lang}": value for lang in LANGUAGES},
                )
            record(
                by,
                "documentation.terms_imported",
                vocab,
                vocabulary=vocab.key,
                terms=len(unknown),
                revision=number,
            )
    return found
