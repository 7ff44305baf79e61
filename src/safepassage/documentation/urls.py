from django.urls import path

from safepassage.documentation.views import (
    acts,
    events,
    people,
    recording,
    statements,
    transfer,
    vocabularies,
)

app_name = "documentation"

urlpatterns = [
    path("", events.event_list_view, name="events"),
    path("events/new/", recording.record_view, name="record"),
    path("events/<str:code>/", events.event_view, name="event"),
    path("events/<str:code>/edit/", events.event_edit_view, name="event_edit"),
    path("acts/<str:code>/edit/", acts.act_edit_view, name="act_edit"),
    path("acts/<str:code>/statement/", acts.act_statement_view, name="act_statement"),
    path("statements/", statements.statement_list_view, name="statements"),
    path("statements/new/", statements.statement_new_view, name="statement_new"),
    path("statements/<str:code>/", statements.statement_view, name="statement"),
    path("people/", people.people_view, name="people"),
    path("people/<str:code>/", people.person_view, name="person"),
    path("import/", transfer.import_view, name="import"),
    path("import/<uuid:draft>/", transfer.import_columns_view, name="import_columns"),
    path("import/<uuid:draft>/cancel/", transfer.import_cancel_view, name="import_cancel"),
    path("export/", transfer.export_view, name="export"),
    path("vocabularies/", vocabularies.vocabulary_list_view, name="vocabularies"),
    path("vocabularies/<slug:key>/", vocabularies.vocabulary_view, name="vocabulary"),
    path("terms/<int:term_id>/retire/", vocabularies.term_retire_view, name="term_retire"),
    path("terms/<int:term_id>/rename/", vocabularies.term_rename_view, name="term_rename"),
]
