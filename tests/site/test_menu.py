"""The main menu, gathered by the site app from each app's menu.py: in one
order for everyone, each person seeing the entries their role allows, in
their language, and nothing before both factors."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.site.menu import every_entry
from tests.base import Organisation, Vault, make_user, sign_in


def _menu(client: Client) -> list[tuple[str, str]]:
    """The menu's links on the dashboard: (address, label)."""
    html = client.get("/").content.decode()
    nav = re.search(r'<nav aria-label="[^"]+">(.*?)</nav>', html, re.S)
    assert nav is not None, "the page has a main menu"
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))


def _labels(user: User) -> list[str]:
    client = Client()
    sign_in(client, user)
    return [label for _href, label in _menu(client)]


def test_it_gathers_every_apps_entries_in_one_order() -> None:
    keys = [entry.key for entry in every_entry()]
    assert keys == [
        "dashboard",
        "teams",
        "staff",
        "audit",
        "intake",
        "questions",
        "cases",
        "my_tasks",
        "safe_houses",
        "hosts",
        "partners",
        "bundles",
        "analysis",
        "documentation",
        "vocabularies",
        "vault",
        "account",
    ]


@pytest.mark.django_db
def test_it_shows_each_role_its_own_entries(org: Organisation) -> None:
    assert _labels(org.caseworker) == [
        "Dashboard",
        "Teams",
        "Cases",
        "My tasks",
        "Safe houses",
        "Vault",
        "My account",
    ]
    assert _labels(org.coordinator) == [
        "Dashboard",
        "Teams",
        "Staff",
        "Requests",
        "Cases",
        "My tasks",
        "Safe houses",
        "Hosts and pathways",
        "Partner organisations",
        "Open a bundle from a partner",
        "Vault",
        "My account",
    ]
    assert _labels(org.auditor) == [
        "Dashboard",
        "Teams",
        "Staff",
        "Audit log",
        "Vault",
        "My account",
    ]
    assert _labels(make_user("analyst", Role.ANALYST)) == [
        "Dashboard",
        "Teams",
        "Counting victims",
        "Vault",
        "My account",
    ]
    assert "Request form" in _labels(org.admin)


@pytest.mark.django_db
def test_it_leads_to_each_page_and_marks_the_current_one(org: Organisation, vault: Vault) -> None:
    client = Client()
    sign_in(client, org.coordinator)
    links = dict((label, href) for href, label in _menu(client))
    assert links["Requests"] == "/intake/"
    for href in links.values():
        assert client.get(href).status_code == 200, href
    html = client.get(links["Teams"]).content.decode()
    assert f'<a href="{links["Teams"]}" aria-current="page">' in html


@pytest.mark.django_db
def test_it_speaks_the_readers_language(org: Organisation) -> None:
    client = Client()
    sign_in(client, org.coordinator)
    client.cookies["django_language"] = "ru"
    labels = [label for _href, label in _menu(client)]
    assert labels[:2] == ["Обзор", "Команды"]
    assert "Запросы" in labels


@pytest.mark.django_db
def test_it_shows_no_menu_before_both_factors(org: Organisation) -> None:
    client = Client()
    client.force_login(org.coordinator, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get("/login/").content.decode()
    assert "<nav aria-label=" not in html
