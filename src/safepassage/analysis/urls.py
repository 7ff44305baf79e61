from django.urls import path

from safepassage.analysis import views

app_name = "analysis"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("import/", views.import_view, name="import"),
    path("runs/", views.run_start_view, name="run_start"),
    path("runs/<uuid:run_id>/", views.run_view, name="run"),
    path("runs/<uuid:run_id>/review/", views.review_view, name="review"),
    path("runs/<uuid:run_id>/estimate/", views.estimate_start_view, name="estimate_start"),
    path("estimates/<uuid:estimate_id>/", views.estimate_view, name="estimate"),
]
