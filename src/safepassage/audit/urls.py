from django.urls import path

from safepassage.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log_view, name="log"),
    path("full-check/", views.full_check_view, name="full_check"),
]
