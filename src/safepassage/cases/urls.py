from django.urls import path

from safepassage.cases import hosts, journey_views, travel_views, views

app_name = "cases"

urlpatterns = [
    path("<str:code>/", views.case_view, name="case"),
    path("<str:code>/move-people/", views.move_people_view, name="move_people"),
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
    path("<str:code>/travel/", travel_views.travel_view, name="travel"),
    path(
        "<str:code>/travel/documents/new/",
        travel_views.document_new_view,
        name="travel_document_new",
    ),
    path(
        "<str:code>/travel/documents/<str:document_id>/",
        travel_views.document_edit_view,
        name="travel_document",
    ),
    path(
        "<str:code>/travel/applications/new/",
        travel_views.application_new_view,
        name="application_new",
    ),
    path(
        "<str:code>/travel/applications/<str:application_id>/",
        travel_views.application_edit_view,
        name="application",
    ),
    path("<str:code>/travel/journeys/new/", journey_views.journey_new_view, name="journey_new"),
    path(
        "<str:code>/travel/journeys/<str:journey_id>/", journey_views.journey_view, name="journey"
    ),
    path(
        "<str:code>/travel/journeys/<str:journey_id>/legs/new/",
        journey_views.leg_new_view,
        name="journey_leg_new",
    ),
    path(
        "<str:code>/travel/journeys/<str:journey_id>/legs/<str:leg_id>/",
        journey_views.leg_edit_view,
        name="journey_leg",
    ),
    path(
        "<str:code>/travel/journeys/<str:journey_id>/arrival/",
        journey_views.arrival_view,
        name="arrival",
    ),
    path("<str:code>/travel/claims/new/", travel_views.claim_new_view, name="asylum_claim_new"),
    path(
        "<str:code>/travel/claims/<str:claim_id>/",
        travel_views.claim_edit_view,
        name="asylum_claim",
    ),
]
