"""The vocabularies: documenters browse them; administrators add terms,
rename them and retire them. Every change is a new version, audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.documentation import vocabularies
from safepassage.documentation.access import get_term_for
from safepassage.documentation.forms import TermForm, TermLabelsForm
from safepassage.documentation.models import Term, Vocabulary
from safepassage.documentation.views.shared import user_of


def require_browse(user: User) -> None:
    """Terms are no secret: those who document or keep the vocabularies see them."""
    if user.can(Perm.MANAGE_VOCABULARIES):
        return
    require(user, Perm.VIEW_DOCUMENTATION)


@require_GET
def vocabulary_list_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_browse(user)
    found = list(Vocabulary.objects.order_by("key"))
    sizes = {
        v.pk: Term.objects.filter(vocabulary=v, retired_in__isnull=True).count() for v in found
    }
    return render(
        request,
        "documentation/vocabulary_list.html",
        {"vocabularies": [(v, sizes[v.pk]) for v in found]},
    )


@require_http_methods(["GET", "POST"])
def vocabulary_view(request: HttpRequest, key: str) -> HttpResponse:
    user = user_of(request)
    require_browse(user)
    vocab = Vocabulary.objects.filter(key=key[:40]).first()
    if vocab is None:
        raise deny(user, "vocabulary", "vocabulary:unknown")
    can_manage = user.can(Perm.MANAGE_VOCABULARIES)
    form = TermForm(request.POST or None)
    form.fields["parent"].choices = [  # type: ignore[attr-defined]
        ("", _("— the top level —")),
        *(
            (t.pk, "\u2003" * (t.depth - 1) + t.label())
            for t in vocabularies.terms_of(key)
            if t.depth < 5
        ),
    ]
    if request.method == "POST":
        require(user, Perm.MANAGE_VOCABULARIES)
        if form.is_valid():
            data = form.cleaned_data
            parent = Term.objects.filter(vocabulary=vocab, pk=data["parent"]).first()
            try:
                term = vocabularies.add_term(
                    vocab,
                    parent=parent,
                    code=data["code"],
                    labels={lang: data[f"label_{lang}"] for lang in ("en", "ru", "fr")},
                    by=user,
                )
            except vocabularies.VocabularyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("“%(term)s” was added (code %(code)s).")
                    % {"term": term.label(), "code": term.code},
                )
                return redirect("documentation:vocabulary", key=vocab.key)
    terms = vocabularies.in_tree_order(Term.objects.filter(vocabulary=vocab))
    return render(
        request,
        "documentation/vocabulary.html",
        {
            "vocabulary": vocab,
            "terms": terms,
            "versions": vocab.versions.select_related("made_by").order_by("-number")[:20],
            "form": form if can_manage else None,
            "can_manage": can_manage,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def term_retire_view(request: HttpRequest, term_id: int) -> HttpResponse:
    user = user_of(request)
    term = get_term_for(user, term_id)
    try:
        retired = vocabularies.retire_term(term, by=user)
    except vocabularies.VocabularyError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("“%(term)s” was retired. Records that used it keep it.") % {"term": term.label()}
            if len(retired) == 1
            else _(
                "“%(term)s” and the terms below it were retired. Records that used them keep them."
            )
            % {"term": term.label()},
        )
    return redirect("documentation:vocabulary", key=term.vocabulary.key)


@require_http_methods(["GET", "POST"])
def term_rename_view(request: HttpRequest, term_id: int) -> HttpResponse:
    user = user_of(request)
    term = get_term_for(user, term_id)
    initial = {f"label_{lang}": label for lang, label in term.labels().items()}
    form = TermLabelsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            vocabularies.rename_term(
                term,
                labels={lang: form.cleaned_data[f"label_{lang}"] for lang in ("en", "ru", "fr")},
                by=user,
            )
        except vocabularies.VocabularyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The term was renamed; its code stays."))
            return redirect("documentation:vocabulary", key=term.vocabulary.key)
    return render(
        request,
        "documentation/term_rename.html",
        {"term": term, "form": form},
        status=400 if form.errors else 200,
    )
