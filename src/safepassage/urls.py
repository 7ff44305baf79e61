"""The root URLconf. The site app puts every app's pages together
(site/urls.py), so this module imports no app."""

from django.urls import include, path

urlpatterns = [path("", include("safepassage.site.urls"))]

handler400 = "safepassage.site.views.error_400"
handler403 = "safepassage.site.views.error_403"
handler404 = "safepassage.site.views.error_404"
handler500 = "safepassage.site.views.error_500"
