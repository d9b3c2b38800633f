"""URL configuration: the public archive under its Dutch paths, and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("beheer/", admin.site.urls),
    path("", include("minutes.urls")),
]
