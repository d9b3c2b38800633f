"""/api/: the read API, its OpenAPI description and its interactive docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from minutes.api import views

app_name = "api"

urlpatterns = [
    path("", views.Root.as_view(), name="root"),
    path("meetings/", views.MeetingList.as_view(), name="meeting_list"),
    path("meetings/<meeting:slug>/", views.MeetingDetail.as_view(), name="meeting_detail"),
    path("search/", views.Search.as_view(), name="search"),
    path("decisions/", views.DecisionList.as_view(), name="decision_list"),
    path("ministries/", views.MinistryList.as_view(), name="ministry_list"),
    path("ministries/<slug:slug>/", views.MinistryDetail.as_view(), name="ministry_detail"),
    path("topics/", views.TopicList.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetail.as_view(), name="topic_detail"),
    path("series/", views.SeriesList.as_view(), name="series_list"),
    path("series/<slug:slug>/", views.SeriesDetail.as_view(), name="series_detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ is a JSON 404, never the site's HTML page.
    re_path(r"^.*$", views.not_found),
]
