from django.urls import path, register_converter

from safepassage.cases import views, views_list

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
]
