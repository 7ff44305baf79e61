"""Results in the reader's language: an estimate's summary is stored as
sentences (codes and figures) and put into Russian, French or English when
shown, numbers written the reader's way; ages on the review page too."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from safepassage.accounts.models import User
from safepassage.analysis.estimates import start_estimate
from safepassage.analysis.estimating import Plan
from safepassage.analysis.models import Estimate, LinkageRun, VictimRecord
from safepassage.analysis.runs import review_queue, start_run
from safepassage.analysis.wording import (
    MESSAGES,
    TERMS,
    birth_in_words,
    num,
    render,
    render_all,
    say,
    term,
)
from safepassage.vault.keyring import using_keyring
from tests.analysis.conftest import StoredLists
from tests.base import Vault, sign_in

# Figures for every placeholder any message uses.
FIGURES = {
    "lists": ["ngo", "press"],
    "count": 3,
    "model": {"m": "main effects"},
    "total": num(1183.74, 1),
    "note": say("two_lists"),
    "observed": 4,
    "low": num(900),
    "high": num(1500),
    "prior": term("reciprocal_prior"),
    "delta": {"g": 0.125},
    "mean": num(1100.5, 1),
    "mode": 1090,
    "bayes": num(1080.25, 1),
    "probability": num(0.37, 2),
    "share": num(37),
    "missing": 5000,
    "chains": 2,
    "samples": 1000,
    "thinning": 10,
    "burn_in": 10000,
    "seed": {"p": "7"},
    "ess": num(812),
    "rhat": num(1.004, 3),
    "limit": 400,
    "stratum": term("place"),
    "value": "grozny",
    "reason": say("no_model"),
    "kind": term("bca"),
    "figures": [say("threshold_total", threshold=num(0.3, 1), total=num(1200))],
    "threshold": num(0.3, 1),
    "iterations": 2_000_000,
    "cap": 21_000,
    "reasons": [say("linkage_swing", factor=num(2.4, 1), low=num(900), high=num(2160))],
    "factor": num(2.4, 1),
    "cells": num(1_048_575),
    "method": term("latent"),
    "p": num(0.012, 3),
    "expected": num(31.4),
    "far": num(27_000),
    "near": num(6_600),
    "more": 3,
    "fewer": 2,
    "credible_low": num(1_700),
    "credible_high": num(1_900),
    "wide_low": num(1_700),
    "wide_high": num(2_200),
}
ENGLISH = re.compile(r"\b(the|of|and|with|people|lists?|interval|estimated?|draws?)\b")


@pytest.mark.parametrize("language", ["ru", "fr"])
def test_every_sentence_is_in_the_readers_language(language: str) -> None:
    for code in MESSAGES:
        sentence = say(code, **FIGURES)
        english = render(sentence)
        with translation.override(language):
            translated = render(sentence)
        assert translated != english, code
        # Names from the data and model names aside, no English is left.
        words = translated.replace("main effects", "").replace("Madigan", "")
        assert not ENGLISH.search(words.replace("grozny", "")), (code, translated)
    for code, word in TERMS.items():
        english = str(word)
        with translation.override(language):
            assert str(word) != english, code


def test_numbers_are_written_the_readers_way() -> None:
    line = say("total", total=num(1183.74, 1))
    assert render(line) == "Estimated total: 1183.7"
    with translation.override("ru"):
        assert render(line) == "Оценка общего числа: 1183,7"
    with translation.override("fr"):
        assert render(line) == "Total estimé : 1183,7"
    with translation.override("ru"):
        assert render(say("interval", kind=term("bca"), count=21, low=num(1), high=num(2))) == (
            "95% интервал (бутстрэп BCa, 21 выборка): от 1 до 2"
        )
        assert "22 выборки" in render(
            say("interval", kind=term("bca"), count=22, low=num(1), high=num(2))
        )
        assert "25 выборок" in render(
            say("interval", kind=term("bca"), count=25, low=num(1), high=num(2))
        )


def test_summaries_stored_as_text_are_shown_as_they_are() -> None:
    assert render_all(["Estimated total: 12.0", ["total", {"total": num(12)}, 0]]) == [
        "Estimated total: 12.0",
        "Estimated total: 12",
    ]


@pytest.mark.django_db
def test_an_estimate_reads_in_russian_and_french(
    vault: Vault, lists: StoredLists, analyst: User
) -> None:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    plan = Plan("loglinear", stratum="act", resamples=20, linkage_draws=5, seed=2)
    entry = start_estimate(vault.keyring, run, plan, by="cli", background=False)
    with using_keyring(vault.keyring):
        stored = Estimate.objects.get(pk=entry.pk).result
    # Stored as sentences, not in anyone's words.
    assert all(isinstance(line, list) for line in stored["lines"])
    assert not any("Estimated" in str(line) for line in stored["lines"])
    client = Client()
    sign_in(client, analyst)
    client.cookies["django_language"] = "ru"
    page = client.get(reverse("analysis:estimate", args=[entry.pk])).content.decode()
    summary = page.split('<pre class="report">')[1].split("</pre>")[0]
    assert "Разбивка по признаку «что было сделано»: 2 слоя" in summary
    assert "Оценка общего числа:" in summary
    assert "При других порогах совпадения: 0,3:" in summary
    assert not ENGLISH.search(summary.replace("detention", "").replace("killing", ""))
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("analysis:estimate", args=[entry.pk])).content.decode()
    assert "Par strate (ce qui a été fait) : 2 strates" in page
    assert "Total estimé :" in page


def test_ages_are_said_in_the_readers_words() -> None:
    assert birth_in_words("~38 years") == "about 38 years old"
    assert birth_in_words("38") == "38 years old"
    assert birth_in_words("12.03.1987") == "12.03.1987"
    assert birth_in_words("no idea") == "no idea"
    # An infant's age in months is shown as written, not as "0 years old".
    assert birth_in_words("7 мес.") == "7 мес."
    with translation.override("ru"):
        assert birth_in_words("~38 years") == "примерно 38 лет"
        assert birth_in_words("около 21 года") == "примерно 21 год"
        assert birth_in_words("33 years") == "33 года"
    with translation.override("fr"):
        assert birth_in_words("~38 years") == "environ 38 ans"


@pytest.mark.django_db
def test_the_review_page_gives_ages_in_russian(
    vault: Vault, lists: StoredLists, documenter: User
) -> None:
    run = start_run(vault.keyring, lists.lists, by="cli", background=False)
    with using_keyring(vault.keyring):
        result = LinkageRun.objects.get(pk=run.pk).result
        queue = review_queue(run, result, {})
        births = {
            str(record.pk): record.data["birth"]
            for record in VictimRecord.objects.filter(pk__in=[queue[0].first, queue[0].second])
        }
    client = Client()
    sign_in(client, documenter)
    client.cookies["django_language"] = "ru"
    page = client.get(reverse("analysis:review", args=[run.pk])).content.decode()
    for birth in births.values():
        if "years" in birth:
            assert birth not in page
            assert "примерно" in page
    assert "years" not in page
