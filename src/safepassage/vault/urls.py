from django.urls import path

from safepassage.vault import views

app_name = "vault"

urlpatterns = [
    path("", views.vault_view, name="overview"),
    path("seal/", views.seal_view, name="seal"),
    path("sealed/", views.sealed_view, name="sealed"),
    path("<slug:compartment>/grant/", views.grant_view, name="grant"),
    path("<slug:compartment>/revoke/<int:user_id>/", views.revoke_view, name="revoke"),
]
