from django.urls import path

from safepassage.cases import views

app_name = "cases"

urlpatterns = [path("<str:code>/", views.case_view, name="case")]
