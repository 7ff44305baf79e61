from django.urls import path

from safepassage.analysis.views import counts, estimates, lists, runs

app_name = "analysis"

urlpatterns = [
    path("", lists.home_view, name="home"),
    path("import/", lists.import_view, name="import"),
    path("import/<uuid:draft>/", lists.import_columns_view, name="import_columns"),
    path("import/<uuid:draft>/cancel/", lists.import_cancel_view, name="import_cancel"),
    path("counts/", counts.count_start_view, name="count_start"),
    path("counts/<uuid:count_id>/", counts.count_view, name="count"),
    path("runs/", runs.run_start_view, name="run_start"),
    path("runs/<uuid:run_id>/", runs.run_view, name="run"),
    path("runs/<uuid:run_id>/people.csv", runs.run_export_view, name="run_export"),
    path("runs/<uuid:run_id>/cancel/", runs.run_cancel_view, name="run_cancel"),
    path("runs/<uuid:run_id>/restart/", runs.run_restart_view, name="run_restart"),
    path("runs/<uuid:run_id>/review/", runs.review_view, name="review"),
    path("runs/<uuid:run_id>/estimate/", estimates.estimate_start_view, name="estimate_start"),
    path("estimates/<uuid:estimate_id>/", estimates.estimate_view, name="estimate"),
    path(
        "estimates/<uuid:estimate_id>/sensitivity/",
        estimates.estimate_sensitivity_view,
        name="estimate_sensitivity",
    ),
    path(
        "estimates/<uuid:estimate_id>/cancel/",
        estimates.estimate_cancel_view,
        name="estimate_cancel",
    ),
    path(
        "estimates/<uuid:estimate_id>/restart/",
        estimates.estimate_restart_view,
        name="estimate_restart",
    ),
]
