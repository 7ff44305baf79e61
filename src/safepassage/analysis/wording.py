"""Results in plain words, in the reader's language.

An estimate's summary is stored once (sealed) and read in English, Russian
or French; storing it as text would fix it in the language of whoever
started it. So it is stored as sentences: a code from MESSAGES and the
sentence's figures, put into words when shown, through gettext, with
numbers formatted for the reader's language.

Figures are plain JSON: an integer; ``num(value, places)`` for a decimal
number; ``{"g": value}`` for a number with as many digits as it
takes; ``plain(value)`` for a number never formatted (a seed, a year);
``term(code)`` for a word of TERMS; ``model(label)`` for a log-linear
model; a nested sentence; a list of figures (joined with commas); or text
from the data (a list's or a stratum's name), shown as it is. A message
with a plural form takes its number from the figure ``count``. Summaries
stored before sentences existed are lines of text, shown as they are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from safepassage.analysis import verdicts
from safepassage.analysis.values import Unreadable, read_birth

Plural = Callable[[int], str]

MESSAGES: dict[str, Promise | Plural] = {
    # What an estimate rests on.
    "lists": _("Lists: %(lists)s (%(count)s)"),
    "observed": _("People on at least one list: %(count)s"),
    "joined": _(
        "Counted as one list, as the analyst said that one takes its cases from another: %(lists)s"
    ),
    "model": _("Model: %(model)s"),
    "model_lowest_bic": lambda n: ngettext(
        "Model: %(model)s, the lowest BIC of %(count)s model",
        "Model: %(model)s, the lowest BIC of %(count)s models",
        n,
    ),
    "models_skipped": lambda n: ngettext(
        "%(count)s model had no finite or unique estimate",
        "%(count)s models had no finite or unique estimate",
        n,
    ),
    "total": _("Estimated total: %(total)s"),
    "unobserved": _("of whom on no list: %(count)s"),
    "meaning_loglinear": _(
        "What this means: the total counts people on no list too, inferred from how the "
        "lists overlap. It assumes the model's picture of how the lists depend on each "
        "other holds, and that the records were linked correctly into people."
    ),
    "warning": _("Warning: %(note)s"),
    "two_lists": _(
        "Only two lists: the estimate rests entirely on the assumption that being on one "
        "list does not change the chance of being on the other."
    ),
    "sparse": lambda n: ngettext(
        "Sparse table: only %(observed)s of %(count)s possible pattern was observed, so some "
        "models cannot be estimated and others are fragile.",
        "Sparse table: only %(observed)s of %(count)s possible patterns were observed, so some "
        "models cannot be estimated and others are fragile.",
        n,
    ),
    "models_disagree": _(
        "Models that fit about equally well disagree: %(low)s to %(high)s. Report the range, "
        "not one number."
    ),
    # Model averaging.
    "bma_method": lambda n: ngettext(
        "Method: Bayesian model averaging over all %(count)s decomposable graphical model "
        "(Madigan and York 1997, as in the R package dga)",
        "Method: Bayesian model averaging over all %(count)s decomposable graphical models "
        "(Madigan and York 1997, as in the R package dga)",
        n,
    ),
    "bma_prior": _("Prior on the total: %(prior)s; prior weight per cell: %(delta)s"),
    "posterior_median": _("Estimated total (posterior median): %(total)s"),
    "credible": _("95%% credible interval: %(low)s to %(high)s"),
    "bma_moments": _(
        "posterior mean %(mean)s, mode %(mode)s, Bayes estimate (least relative squared "
        "error) %(bayes)s"
    ),
    "bma_top": _("Most probable models of how the lists depend on each other:"),
    "model_probability": _("%(model)s: %(probability)s"),
    "meaning_bma": _(
        "What this means: the total counts people on no list too, inferred from how the "
        "lists overlap. Rather than trusting one model of how the lists depend on each "
        "other, every decomposable model is weighed by how well it explains the overlaps; "
        "the interval includes the uncertainty of that choice. It assumes that the "
        "population was closed over the period, that the records were linked correctly "
        "into people, and that people on no list resemble those on the lists in the way "
        "the models describe. The prior matters when the lists overlap little."
    ),
    "bma_unconvincing": _(
        "No model is convincing (the most probable has %(share)s%%): the data do not settle "
        "how the lists depend on each other, so the estimate rests on the average."
    ),
    "bma_edge": _(
        "%(share)s%% of the posterior lies near the top of the range searched (%(missing)s "
        "missing): the range is too small and the estimate and interval are too low. Search "
        "a larger range."
    ),
    "bma_sparse": lambda n: ngettext(
        "Sparse table: only %(observed)s of %(count)s possible pattern was observed, so the "
        "prior weighs more than usual.",
        "Sparse table: only %(observed)s of %(count)s possible patterns were observed, so the "
        "prior weighs more than usual.",
        n,
    ),
    # Latent classes.
    "latent_model": lambda n: ngettext(
        "Model: latent classes (LCMCR, Manrique-Vallier 2016), at most %(count)s class",
        "Model: latent classes (LCMCR, Manrique-Vallier 2016), at most %(count)s classes",
        n,
    ),
    "latent_chains": _(
        "chains: %(chains)s of %(samples)s draws, one kept every %(thinning)s iterations "
        "after a burn-in of %(burn_in)s (seed %(seed)s)"
    ),
    "posterior_mean": _("posterior mean: %(mean)s"),
    "unobserved_median": _("of whom on no list (median): %(count)s"),
    "convergence": _("Effective sample size of the total: %(ess)s; R-hat: %(rhat)s"),
    "latent_dispersed": _(
        "One chain starts at LCMCR's usual point, the other with as many people on no list as "
        "the sampler allows, so that R-hat sees a far mode of the posterior."
    ),
    "latent_fit": _(
        "Check of fit (how many lists people are on, against tables drawn from the model): "
        "p = %(p)s; below 0.05 the model does not describe the lists."
    ),
    "latent_widened": _("widened to hold a model with more groups of people: %(low)s to %(high)s"),
    "latent_groups_checked": _(
        "Groups of people fitted by maximum likelihood: %(more)s by Akaike's criterion, "
        "%(fewer)s by the Bayesian one; with %(more)s, the total is %(total)s."
    ),
    "meaning_latent": _(
        "What this means: the total counts people on no list too. The model lets people "
        "differ in how likely they are to be documented, grouping them into classes it "
        "infers from how the lists overlap; it assumes the records were linked correctly "
        "into people and that the people missed by every list resemble some of those found. "
        "The interval holds the total with 95%% probability under the model."
    ),
    "latent_few_lists": lambda n: ngettext(
        "Only %(count)s list: latent classes are meant for many lists. With few, the classes "
        "are poorly determined by the data and the prior shapes the estimate.",
        "Only %(count)s lists: latent classes are meant for many lists. With few, the classes "
        "are poorly determined by the data and the prior shapes the estimate.",
        n,
    ),
    "latent_low_ess": _(
        "Effective sample size of the total is %(ess)s, below %(limit)s: the interval ends "
        "are unsteady. Run more samples or a larger thinning."
    ),
    "latent_rhat": _(
        "R-hat is %(rhat)s, above %(limit)s: the chains have not settled on one answer. Run a "
        "longer burn-in and more samples before using the estimate."
    ),
    "latent_full": lambda n: ngettext(
        "The %(count)s latent class was in use in %(share)s%% of draws: the limit on classes "
        "may be cutting the model short. Run again with more.",
        "All %(count)s latent classes were in use in %(share)s%% of draws: the limit on "
        "classes may be cutting the model short. Run again with more.",
        n,
    ),
    "latent_wide": _(
        "The upper end of the interval is more than ten times the number observed: the lists "
        "say little about how many people are on none of them."
    ),
    # Strata.
    "stratified": lambda n: ngettext(
        "Stratified by %(stratum)s: %(count)s stratum, estimated on its own",
        "Stratified by %(stratum)s: %(count)s strata, estimated one by one and added up",
        n,
    ),
    "stratum_estimated": _("%(value)s: %(count)s seen, estimated %(total)s"),
    "stratum_unestimated": _("%(value)s: %(count)s seen, no estimate (%(reason)s)"),
    "stratum_no_estimate": lambda n: ngettext(
        "Stratum %(value)s has no estimate; its %(count)s person is counted as seen only, so "
        "the total is a lower bound for it.",
        "Stratum %(value)s has no estimate; its %(count)s people are counted as seen only, so "
        "the total is a lower bound for it.",
        n,
    ),
    "stratum_note": _("%(value)s: %(note)s"),
    "strata_disagree": lambda n: ngettext(
        "The records of %(count)s person disagree about their %(stratum)s; they were put "
        "where most of them place the person.",
        "The records of %(count)s people disagree about their %(stratum)s; each was put "
        "where most of their records place them.",
        n,
    ),
    # Uncertainty.
    "interval": lambda n: ngettext(
        "95%% interval (%(kind)s, %(count)s draw): %(low)s to %(high)s",
        "95%% interval (%(kind)s, %(count)s draws): %(low)s to %(high)s",
        n,
    ),
    "failed_draws": lambda n: ngettext(
        "%(count)s draw had no finite estimate; the upper end may be unbounded.",
        "%(count)s draws had no finite estimate; the upper end may be unbounded.",
        n,
    ),
    "combined": lambda n: ngettext(
        "95%% interval with the linkage uncertainty too (%(count)s clustering drawn from the "
        "match probabilities): %(low)s to %(high)s",
        "95%% interval with the linkage uncertainty too (%(count)s clusterings drawn from the "
        "match probabilities): %(low)s to %(high)s",
        n,
    ),
    "linkage_only": _("the linkage alone moves the estimate between %(low)s and %(high)s"),
    "thresholds": _("At other match thresholds: %(figures)s"),
    "threshold_total": _("%(threshold)s: %(total)s"),
    # Why there is no estimate.
    "no_finite_estimate": _("this model gives no finite estimate for these data"),
    "not_determined": _("these data do not determine this model's estimate"),
    "no_model": _("no model gives a finite, identifiable estimate for these data"),
    "nobody_listed": _("no one is on any list"),
    "latent_three_lists": _("the latent-class model needs at least three lists"),
}

TERMS: dict[str, Promise] = {
    "bca": _("BCa bootstrap"),
    "percentile": _("percentile bootstrap"),
    "posterior": _("posterior"),
    "main_effects": _("main effects"),
    "heterogeneity": _("heterogeneity"),
    "reciprocal_prior": _("proportional to 1/N, dga's default"),
    "place": _("place"),
    "period": _("year of the events"),
    "act": _("what was done"),
    "unknown": _("unknown"),
}

MESSAGES.update(verdicts.VERDICTS)
TERMS.update(verdicts.TERMS)

# Exception messages of the estimators that can end up in a summary (a
# stratum without an estimate), by the message code that translates them.
REASONS = {
    "this model gives no finite estimate for these data": "no_finite_estimate",
    "these data do not determine this model's estimate": "not_determined",
    "no model gives a finite, identifiable estimate for these data": "no_model",
    "no one is on any list": "nobody_listed",
    "the table has nobody on any list: there is nothing to estimate from": "nobody_listed",
}


@dataclass(frozen=True)
class Sentence:
    """One line of a summary: a message code, its figures, an indent."""

    code: str
    figures: dict[str, Any] = field(default_factory=dict)
    indent: int = 0

    def __str__(self) -> str:
        return render(self)

    def as_json(self) -> list[Any]:
        return [
            self.code,
            {key: _stored(value) for key, value in self.figures.items()},
            self.indent,
        ]


def _stored(value: Any) -> Any:
    if isinstance(value, Sentence):
        return {"s": value.as_json()}
    if isinstance(value, list):
        return [_stored(item) for item in value]
    return value


# A blank line, and text shown as it is (an estimator's message we have no
# sentence for).
BLANK_CODE = "blank"
TEXT_CODE = "text"


def say(code: str, indent: int = 0, **figures: Any) -> Sentence:
    if code not in MESSAGES and code not in (BLANK_CODE, TEXT_CODE):
        raise KeyError(f"no message {code!r}")
    return Sentence(code, figures, indent)


BLANK = Sentence(BLANK_CODE)


def warning(note: Sentence) -> Sentence:
    return say("warning", note=note)


def num(value: float, places: int = 0) -> dict[str, Any]:
    return {"n": float(value), "d": places}


def plain(value: object) -> dict[str, Any]:
    return {"p": str(value)}


def term(code: str) -> dict[str, Any]:
    return {"t": code}


def model(label: str) -> dict[str, Any]:
    return {"m": label}


def reason(error: BaseException) -> Sentence:
    """Why a table has no estimate, as a sentence when it is one we know."""
    sentence = getattr(error, "sentence", None)
    if isinstance(sentence, Sentence):
        return sentence
    text = str(error)
    if text.startswith("the latent-class model needs at least three lists"):
        return say("latent_three_lists")
    code = REASONS.get(text)
    return say(code) if code else say(TEXT_CODE, text=text)


def load(item: Any) -> Sentence | str:
    """A stored line: a sentence, or (stored before sentences) text."""
    if isinstance(item, Sentence):
        return item
    known = (*MESSAGES, BLANK_CODE, TEXT_CODE)
    if isinstance(item, list) and item and isinstance(item[0], str) and item[0] in known:
        figures = item[1] if len(item) > 1 and isinstance(item[1], dict) else {}
        indent = item[2] if len(item) > 2 and isinstance(item[2], int) else 0
        return Sentence(item[0], figures, indent)
    return str(item)


def dump(lines: Iterable[Sentence | str]) -> list[Any]:
    return [line.as_json() if isinstance(line, Sentence) else line for line in lines]


def render_all(stored: Iterable[Any]) -> list[str]:
    """Stored lines in the reader's language."""
    return [render(load(item)) for item in stored]


def render(line: Sentence | str) -> str:
    if isinstance(line, str):
        return line
    if line.code == BLANK_CODE:
        return ""
    if line.code == TEXT_CODE:
        return "  " * line.indent + str(line.figures.get("text", ""))
    values = {key: _figure(value) for key, value in line.figures.items()}
    try:
        text = _template(line) % values
    except (KeyError, ValueError, TypeError):
        # A translation that does not fit its figures: the English one does.
        with translation.override("en"):
            text = _template(line) % values
    return "  " * line.indent + text


def _template(line: Sentence) -> str:
    message = MESSAGES[line.code]
    if isinstance(message, Promise):
        return str(message)
    return message(_count(line.figures.get("count", 0)))


def _count(value: Any) -> int:
    if isinstance(value, dict) and "n" in value:
        value = value["n"]
    try:
        return abs(int(value))
    except (TypeError, ValueError, OverflowError):
        return 0


def _figure(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number_format(value)
    if isinstance(value, float):
        return _number(value, 1)
    if isinstance(value, list):
        return ", ".join(_figure(item) for item in value)
    if isinstance(value, Sentence):
        return render(value)
    if isinstance(value, dict):
        if "s" in value:
            return render(load(value["s"]))
        if "n" in value:
            return _number(float(value["n"]), int(value.get("d", 0)))
        if "g" in value:  # as many digits as it takes
            return number_format(float(value["g"]))
        if "p" in value:
            return str(value["p"])
        if "t" in value:
            found = TERMS.get(str(value["t"]))
            return str(found) if found is not None else str(value["t"])
        if "m" in value:
            return _model(str(value["m"]))
    return str(value)


def _number(value: float, places: int) -> str:
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return number_format(round(value, places), decimal_pos=places)


def _model(label: str) -> str:
    """A log-linear model's label with its words translated (the list names
    in it are the data's)."""
    main, _comma, rest = label.partition(", heterogeneity ")
    text = str(TERMS["main_effects"]) if main == "main effects" else main
    if rest:
        text += f", {TERMS['heterogeneity']} {rest}"
    return text


def birth_in_words(text: str) -> str:
    """A birth as a record gives it, for a person comparing two records: an
    age in the reader's words ("~38 years" is "около 38 лет" in Russian),
    anything else as written."""
    try:
        reading = read_birth(text)
    except Unreadable:
        return text
    if reading.kind != "age" or reading.age is None:
        return text
    if reading.approximate:
        template = ngettext("about %(count)s year old", "about %(count)s years old", reading.age)
    else:
        template = ngettext("%(count)s year old", "%(count)s years old", reading.age)
    return template % {"count": number_format(reading.age)}
