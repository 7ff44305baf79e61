"""The kinds of background job, registered by the apps that run them.

A kind says what a job does and how people read it: its name (an app's
label and a word, "analysis.linkage"), what the seal page calls it
("Linkage run"), its stages in words, why it failed in words, and the work
itself. The jobs app knows no kind of its own; an app registers its kinds
when it is ready (``AppConfig.ready``), so the runner, the seal page and
the job pages serve retention purges, exports or linkage runs alike
without importing the app.

The work is called on the job's thread as ``work(job, progress, **inputs)``:
``job`` is the job's row fresh from the database (of the model that
started it: a model extending ``jobs.Job`` gets its own fields), ``progress``
reports how far it got (and raises ``Stopped`` when it must stop), and the
inputs are what the starter opened for it (they live in memory only). It
returns what to store (``Store``), or None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


class Progress(Protocol):
    def __call__(self, stage: str, fraction: float) -> None: ...


# What a finished job stores: it sets fields on the job's row (fresh from
# the database, locked, in the transaction that marks the job done) and
# names them; it may also write rows of its own there and name none.
Store = Callable[[Any], list[str]]
Work = Callable[..., Store | None]
Words = Mapping[str, "str | Promise"]


class UnknownKind(LookupError):
    """A job of a kind no installed app registered: it cannot be run."""


@dataclass(frozen=True, eq=False)
class Kind:
    name: str  # "analysis.linkage": the app's label, a dot, a word
    label: str | Promise  # "Linkage run", as people read it
    work: Work
    # What the job does at each stage ("scoring": "scoring pairs of records").
    stages: Words = field(default_factory=dict)
    # Why a job failed, by the exception's class (a job records only that).
    reasons: Words = field(default_factory=dict)

    def stage_label(self, stage: str) -> str:
        return str(self.stages.get(stage, stage))


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Make a kind of job known (from the app's ``ready``). A name is
    registered once: two apps cannot run different work under one name."""
    app, dot, word = kind.name.partition(".")
    if not (app and dot and word) or len(kind.name) > NAME_LENGTH:
        raise ImproperlyConfigured(
            f"a job kind is named app.word (at most {NAME_LENGTH}): {kind.name!r}"
        )
    known = _kinds.get(kind.name)
    if known is not None and known.work is not kind.work:
        raise ImproperlyConfigured(f"the job kind {kind.name!r} is registered twice")
    _kinds[kind.name] = kind


def kind_named(name: str) -> Kind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownKind(name) from None


def registered() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)


def label_of(name: str) -> str:
    """What people call a job of this kind (its name, if no app knows it
    any more: the row outlives the app that ran it)."""
    known = _kinds.get(name)
    return str(known.label) if known is not None else name


def stage_label(name: str, stage: str) -> str:
    known = _kinds.get(name)
    return known.stage_label(stage) if known is not None else stage


# The longest kind name the jobs table holds.
NAME_LENGTH = 60
