from django.urls import path

from safepassage.cases import consent_views, partner_views, views

app_name = "cases"

urlpatterns = [
    # Consent, referrals and transfers: pages of their own first (before a
    # case's code, which would take their names).
    path("partners/", partner_views.partners_view, name="partners"),
    path("partners/new/", partner_views.partner_edit_view, name="partner_new"),
    path("partners/<int:partner_id>/", partner_views.partner_edit_view, name="partner_edit"),
    path(
        "partners/<int:partner_id>/verify/",
        partner_views.partner_verify_view,
        name="partner_verify",
    ),
    path("import/", partner_views.import_view, name="import"),
    path("<str:code>/", views.case_view, name="case"),
    path("<str:code>/move-people/", views.move_people_view, name="move_people"),
    # Consent, referrals and transfers of one case.
    path("<str:code>/consent/", consent_views.consent_view, name="consent"),
    path("<str:code>/consent/record/", consent_views.record_view, name="consent_record"),
    path(
        "<str:code>/consent/<str:consent_id>/withdraw/",
        consent_views.withdraw_view,
        name="consent_withdraw",
    ),
    path("<str:code>/consent/share/", consent_views.share_view, name="consent_share"),
    path(
        "<str:code>/consent/sent/<str:bundle_id>/bundle/",
        consent_views.download_view,
        name="consent_download",
    ),
    path(
        "<str:code>/consent/sent/<str:bundle_id>/answer/",
        consent_views.answer_view,
        name="consent_answer",
    ),
]
