"""URL configuration: the public archive under its Dutch paths (English under /en/), and
the admin (Dutch only)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("beheer/", admin.site.urls),
    *i18n_patterns(path("", include("minutes.urls")), prefix_default_language=False),
    # The read API speaks English and has no page language: outside i18n_patterns (and
    # after the site's URLs, which register the meeting address converter it uses too).
    path("api/", include("minutes.api.urls")),
]
