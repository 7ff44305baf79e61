"""The web shell: security headers, no other hosts, error pages that leak
nothing, a language switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings

from safepassage.middleware import CONTENT_SECURITY_POLICY
from tests.base import Organisation, comparable, sign_in

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "safepassage"


def test_every_page_carries_the_security_headers(org: Organisation, client: Client) -> None:
    sign_in(client, org.caseworker)
    for url in ["/", "/login/", "/nowhere/"]:
        response = client.get(url)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Cache-Control"] == "no-store"
        assert "camera=()" in response["Permissions-Policy"]


def test_the_policy_allows_no_inline_script_and_no_other_host() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY


# Documents written into a file for reading offline, never served: a
# dossier's index is opened from the receiver's disk, where there is no
# stylesheet of ours to link to, so its few rules are in the page.
OFFLINE = {"documentation/dossier_index.html"}


def test_templates_load_nothing_from_other_hosts_and_have_no_inline_code() -> None:
    templates = list(PACKAGE.rglob("templates/**/*.html"))
    assert len(templates) > 10
    offline = [t for t in templates if t.as_posix().split("/templates/", 1)[1] in OFFLINE]
    assert len(offline) == len(OFFLINE)
    for template in templates:
        html = template.read_text()
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), template
        # Scripts only as files of our own, never inline.
        assert not re.search(r"<script(?![^>]*src=\"\{% static )", html), template
        if template not in offline:
            assert "<style" not in html, template
        assert " style=" not in html, template
        assert not re.search(r"\son[a-z]+=", html), template  # onclick= and the like


def test_static_files_are_served_by_our_own_process(client: Client) -> None:
    response = client.get("/static/css/safepassage.css")
    assert response.status_code == 200
    assert "Cache-Control" not in response or response["Cache-Control"] != "no-store"


def test_a_missing_page_and_a_forbidden_page_look_the_same(
    org: Organisation, client: Client
) -> None:
    sign_in(client, org.caseworker)
    forbidden = client.get("/audit/")
    missing = client.get("/no/such/page/")
    assert forbidden.status_code == missing.status_code == 404
    assert comparable(forbidden) == comparable(missing)
    assert "There is nothing here, or it is not for you." in missing.content.decode()


def test_the_server_error_page_says_nothing_of_the_error(org: Organisation) -> None:
    from safepassage.site import views

    response = views.error_500(Client().get("/healthz").wsgi_request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "Traceback" not in html


@override_settings(DEBUG=False)
def test_a_csrf_failure_gets_a_plain_page(org: Organisation) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "case", "password": "x"})
    assert response.status_code == 403
    assert "This form expired" in response.content.decode()


def test_the_health_check_needs_no_login(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Войти"), ("fr", "Se connecter"), ("en", "Log in")],
)
def test_the_login_page_speaks_three_languages(db: None, language: str, expected: str) -> None:
    client = Client(headers={"accept-language": language})
    html = client.get("/login/").content.decode()
    assert f'<html lang="{language}">' in html
    assert expected in html


def test_the_language_switch_remembers_the_choice(db: None, client: Client) -> None:
    response = client.post("/i18n/language/", {"language": "ru", "next": "/login/"})
    assert response.status_code == 302
    html = client.get("/login/").content.decode()
    assert '<html lang="ru">' in html
    assert "Войти" in html


def test_the_account_pages_are_translated(org: Organisation, client: Client) -> None:
    client.post("/i18n/language/", {"language": "fr", "next": "/"})
    sign_in(client, org.caseworker)
    html = client.get("/account/").content.decode()
    assert "Se déconnecter partout" in html
    assert "Log out everywhere" not in html
