from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from tests.specimens import views

urlpatterns = [
    path("specimens/upload/", login_not_required(views.upload)),
    path("specimens/files/<uuid:file_id>/", views.download),
    path("", include("safepassage.urls")),
]
