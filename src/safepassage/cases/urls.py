from django.urls import path, register_converter

from safepassage.cases import (
    consent_views,
    hosts,
    household_views,
    journey_views,
    note_views,
    partner_views,
    task_views,
    testimony_views,
    travel_views,
    viewers,
    views,
    views_list,
    views_safehouses,
)

app_name = "cases"


class CaseCode:
    """A case's code (C- and letters or digits): other addresses under
    /cases/ (safe houses, hosts) are never taken for one."""

    regex = "C-[0-9A-Za-z]{1,10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CaseCode, "case")

urlpatterns = [
    path("", views_list.case_list_view, name="list"),
    # Tasks given to me or my teams ("tasks" is no case code).
    path("tasks/", task_views.my_tasks_view, name="my_tasks"),
    path("<case:code>/", views.case_view, name="case"),
    path("<case:code>/move-people/", views.move_people_view, name="move_people"),
    # Who each person of the household is.
    path("<case:code>/people/new/", household_views.member_new_view, name="person_new"),
    path("<case:code>/people/<str:person_id>/", household_views.person_view, name="person"),
    path(
        "<case:code>/people/<str:person_id>/testimony/",
        testimony_views.hand_over_view,
        name="hand_over_testimony",
    ),
    path(
        "<case:code>/people/<str:person_id>/testimony/tell/",
        testimony_views.tell_documentation_view,
        name="tell_documentation",
    ),
    # The workflow: stages, verification, who works on the case.
    path("<case:code>/move/", views.move_view, name="move"),
    path("<case:code>/edit/", views.edit_view, name="edit"),
    path("<case:code>/team/", views.team_view, name="team"),
    path("<case:code>/verification/check/", views.check_view, name="check"),
    path("<case:code>/verification/outcome/", views.outcome_view, name="outcome"),
    path("<case:code>/unlock/", views.unlock_view, name="unlock"),
    # Who read the case's identity (coordinators), from the audit log.
    path("<case:code>/viewers/", viewers.viewers_view, name="viewers"),
    # Safe houses (before the case pages: "safe-houses" is no case code).
    path("safe-houses/", views_safehouses.houses_view, name="safe_houses"),
    path("safe-houses/new/", views_safehouses.house_new_view, name="safe_house_new"),
    path("safe-houses/<str:house_id>/", views_safehouses.house_view, name="safe_house"),
    path(
        "safe-houses/<str:house_id>/edit/",
        views_safehouses.house_edit_view,
        name="safe_house_edit",
    ),
    path(
        "safe-houses/<str:house_id>/clearance/",
        views_safehouses.house_clearance_view,
        name="safe_house_clearance",
    ),
    # A case's stays in safe houses.
    path("<case:code>/stays/", views_safehouses.case_stays_view, name="stays"),
    path(
        "<case:code>/stays/<str:stay_id>/arrival/",
        views_safehouses.arrival_view,
        name="stay_arrival",
    ),
    path(
        "<case:code>/stays/<str:stay_id>/departure/",
        views_safehouses.departure_view,
        name="stay_departure",
    ),
    path(
        "<case:code>/stays/<str:stay_id>/cancel/", views_safehouses.cancel_view, name="stay_cancel"
    ),
    path("<case:code>/stays/<str:stay_id>/move/", views_safehouses.move_view, name="stay_move"),
    path(
        "<case:code>/stays/<str:stay_id>/edit/", views_safehouses.stay_edit_view, name="stay_edit"
    ),
]

# --- Travel: hosts and pathways, and each case's travel records ----------------------
# The hosts' list comes first: "hosts/" would otherwise be read as a case code.
urlpatterns = [
    path("hosts/", hosts.hosts_view, name="hosts"),
    path("hosts/new/", hosts.host_new_view, name="host_new"),
    path("hosts/<int:host_id>/", hosts.host_edit_view, name="host"),
    path("hosts/<int:host_id>/retire/", hosts.host_retire_view, name="host_retire"),
    path("hosts/<int:host_id>/pathways/new/", hosts.pathway_new_view, name="pathway_new"),
    path("hosts/pathways/<int:pathway_id>/", hosts.pathway_edit_view, name="pathway"),
    path(
        "hosts/pathways/<int:pathway_id>/retire/",
        hosts.pathway_retire_view,
        name="pathway_retire",
    ),
    *urlpatterns,
    path("<case:code>/travel/", travel_views.travel_view, name="travel"),
    path(
        "<case:code>/travel/documents/new/",
        travel_views.document_new_view,
        name="travel_document_new",
    ),
    path(
        "<case:code>/travel/documents/<str:document_id>/",
        travel_views.document_edit_view,
        name="travel_document",
    ),
    path(
        "<case:code>/travel/applications/new/",
        travel_views.application_new_view,
        name="application_new",
    ),
    path(
        "<case:code>/travel/applications/<str:application_id>/",
        travel_views.application_edit_view,
        name="application",
    ),
    path("<case:code>/travel/journeys/new/", journey_views.journey_new_view, name="journey_new"),
    path(
        "<case:code>/travel/journeys/<str:journey_id>/", journey_views.journey_view, name="journey"
    ),
    path(
        "<case:code>/travel/journeys/<str:journey_id>/legs/new/",
        journey_views.leg_new_view,
        name="journey_leg_new",
    ),
    path(
        "<case:code>/travel/journeys/<str:journey_id>/legs/<str:leg_id>/",
        journey_views.leg_edit_view,
        name="journey_leg",
    ),
    path(
        "<case:code>/travel/journeys/<str:journey_id>/arrival/",
        journey_views.arrival_view,
        name="arrival",
    ),
    path("<case:code>/travel/claims/new/", travel_views.claim_new_view, name="asylum_claim_new"),
    path(
        "<case:code>/travel/claims/<str:claim_id>/",
        travel_views.claim_edit_view,
        name="asylum_claim",
    ),
    # Consent, referrals and transfers: partner organisations and bundles received.
    path("partners/", partner_views.partners_view, name="partners"),
    path("partners/new/", partner_views.partner_edit_view, name="partner_new"),
    path("partners/<int:partner_id>/", partner_views.partner_edit_view, name="partner_edit"),
    path(
        "partners/<int:partner_id>/verify/",
        partner_views.partner_verify_view,
        name="partner_verify",
    ),
    path("import/", partner_views.import_view, name="import"),
    # Consent, referrals and transfers of one case.
    path("<case:code>/consent/", consent_views.consent_view, name="consent"),
    path("<case:code>/consent/record/", consent_views.record_view, name="consent_record"),
    path(
        "<case:code>/consent/<str:consent_id>/withdraw/",
        consent_views.withdraw_view,
        name="consent_withdraw",
    ),
    path("<case:code>/consent/share/", consent_views.share_view, name="consent_share"),
    path(
        "<case:code>/consent/sent/<str:bundle_id>/bundle/",
        consent_views.download_view,
        name="consent_download",
    ),
    path(
        "<case:code>/consent/sent/<str:bundle_id>/answer/",
        consent_views.answer_view,
        name="consent_answer",
    ),
    # Notes and tasks of one case.
    path("<case:code>/notes/", note_views.notes_view, name="notes"),
    path("<case:code>/notes/new/", note_views.note_new_view, name="note_new"),
    path("<case:code>/notes/<str:note_id>/", note_views.note_edit_view, name="note"),
    path("<case:code>/tasks/", task_views.case_tasks_view, name="tasks"),
    path("<case:code>/tasks/new/", task_views.task_new_view, name="task_new"),
    path(
        "<case:code>/tasks/reminders/done/",
        task_views.reminder_done_view,
        name="reminder_done",
    ),
    path("<case:code>/tasks/<str:task_id>/", task_views.task_edit_view, name="task"),
    path("<case:code>/tasks/<str:task_id>/done/", task_views.task_done_view, name="task_done"),
    path(
        "<case:code>/tasks/<str:task_id>/reopen/",
        task_views.task_reopen_view,
        name="task_reopen",
    ),
]
