from django.urls import path

from safepassage.cases import views, views_safehouses

app_name = "cases"

urlpatterns = [
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
    path("<str:code>/", views.case_view, name="case"),
    path("<str:code>/move-people/", views.move_people_view, name="move_people"),
    # A case's stays in safe houses.
    path("<str:code>/stays/", views_safehouses.case_stays_view, name="stays"),
    path(
        "<str:code>/stays/<str:stay_id>/arrival/",
        views_safehouses.arrival_view,
        name="stay_arrival",
    ),
    path(
        "<str:code>/stays/<str:stay_id>/departure/",
        views_safehouses.departure_view,
        name="stay_departure",
    ),
    path(
        "<str:code>/stays/<str:stay_id>/cancel/", views_safehouses.cancel_view, name="stay_cancel"
    ),
    path("<str:code>/stays/<str:stay_id>/move/", views_safehouses.move_view, name="stay_move"),
    path("<str:code>/stays/<str:stay_id>/edit/", views_safehouses.stay_edit_view, name="stay_edit"),
]
