from django.urls import path, register_converter

from safepassage.cases import views, views_list, views_safehouses

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
    path("<case:code>/", views.case_view, name="case"),
    path("<case:code>/move-people/", views.move_people_view, name="move_people"),
    # The workflow: stages, verification, who works on the case.
    path("<case:code>/move/", views.move_view, name="move"),
    path("<case:code>/edit/", views.edit_view, name="edit"),
    path("<case:code>/team/", views.team_view, name="team"),
    path("<case:code>/verification/check/", views.check_view, name="check"),
    path("<case:code>/verification/outcome/", views.outcome_view, name="outcome"),
    path("<case:code>/unlock/", views.unlock_view, name="unlock"),
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
