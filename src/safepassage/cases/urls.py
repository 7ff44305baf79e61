from django.urls import path

from safepassage.cases import views

app_name = "cases"

urlpatterns = [
    path("<str:code>/", views.case_view, name="case"),
    path("<str:code>/move-people/", views.move_people_view, name="move_people"),
]
