from django.urls import path

from safepassage.documentation.views import (
    acts,
    commitments,
    events,
    interventions,
    involvements,
    people,
    recording,
    sharing,
    sources,
    statements,
    timeline,
    vocabularies,
)

app_name = "documentation"

urlpatterns = [
    path("", events.event_list_view, name="events"),
    path("timeline/", timeline.timeline_view, name="timeline"),
    path("events/new/", recording.record_view, name="record"),
    path("events/<str:code>/", events.event_view, name="event"),
    path("events/<str:code>/edit/", events.event_edit_view, name="event_edit"),
    path("events/<str:code>/sharing/", sharing.sharing_view, name="event_sharing"),
    path("events/<str:code>/acts/new/", involvements.act_new_view, name="act_new"),
    path("events/<str:code>/sources/new/", sources.information_new_view, name="information_new"),
    path(
        "events/<str:code>/interventions/new/",
        interventions.intervention_new_view,
        name="intervention_new",
    ),
    path("acts/<str:code>/edit/", acts.act_edit_view, name="act_edit"),
    path("acts/<str:code>/statement/", acts.act_statement_view, name="act_statement"),
    path(
        "acts/<str:code>/perpetrators/new/",
        involvements.involvement_new_view,
        name="involvement_new",
    ),
    path(
        "involvements/<str:involvement_id>/edit/",
        involvements.involvement_edit_view,
        name="involvement_edit",
    ),
    path("sources/", sources.sources_view, name="sources"),
    path(
        "sources/<str:information_id>/edit/",
        sources.information_edit_view,
        name="information_edit",
    ),
    path("interventions/", interventions.interventions_view, name="interventions"),
    path(
        "interventions/<str:intervention_id>/edit/",
        interventions.intervention_edit_view,
        name="intervention_edit",
    ),
    path("statements/", statements.statement_list_view, name="statements"),
    path("statements/new/", statements.statement_new_view, name="statement_new"),
    path("statements/<str:code>/", statements.statement_view, name="statement"),
    path("promises/", commitments.commitments_view, name="commitments"),
    path("promises/new/", commitments.commitment_new_view, name="commitment_new"),
    path("promises/<str:code>/", commitments.commitment_view, name="commitment"),
    path("promises/<str:code>/edit/", commitments.commitment_edit_view, name="commitment_edit"),
    path("people/", people.people_view, name="people"),
    path("people/<str:code>/", people.person_view, name="person"),
    path("vocabularies/", vocabularies.vocabulary_list_view, name="vocabularies"),
    path("vocabularies/<slug:key>/", vocabularies.vocabulary_view, name="vocabulary"),
    path("terms/<int:term_id>/retire/", vocabularies.term_retire_view, name="term_retire"),
    path("terms/<int:term_id>/rename/", vocabularies.term_rename_view, name="term_rename"),
]
