from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from minutes import exports, feeds, health, opendata, views
from minutes.api import views as api_views
from minutes.sitemaps import SITEMAPS


class MeetingSlugConverter:
    """A meeting's address (Series.meeting_slug): its date, after its series' slug but
    for the SGO's, with -2, -3 … for a second meeting of the series on the same day:
    "2021-01-19", "technisch-overleg-digikoppeling-2021-03-04-2"."""

    regex = r"(?:[-a-zA-Z0-9_]{1,80}-)?\d{4}-\d{2}-\d{2}(?:-\d{1,3})?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class Sha256Converter:
    """A SHA-256 digest as the archive stores it: 64 lower-case hexadecimal digits."""

    regex = r"[0-9a-f]{64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MeetingSlugConverter, "meeting")
register_converter(Sha256Converter, "sha256")

app_name = "minutes"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("vergaderingen/", views.MeetingListView.as_view(), name="meeting_list"),
    path("vergaderingen/feed/", feeds.MeetingFeed(), name="meeting_feed"),
    path("vergaderingen/export.csv", exports.meetings_csv, name="meeting_export_csv"),
    path("vergaderingen/export.json", exports.meetings_json, name="meeting_export_json"),
    path("vergaderingen/<meeting:slug>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    # The meeting as data: the API's record of it (minutes/api), at the page's address.
    path(
        "vergaderingen/<meeting:slug>.json", api_views.MeetingDetail.as_view(), name="meeting_json"
    ),
    path("vergaderingen/<meeting:slug>/tekst/", views.meeting_text, name="meeting_text"),
    path(
        "vergaderingen/<meeting:slug>/tekst/<int:version>/",
        views.meeting_text_version,
        name="meeting_text_version",
    ),
    path("bronnen/<sha256:sha256>/", views.source_document, name="source_document"),
    path("reeksen/", views.SeriesListView.as_view(), name="series_list"),
    path("reeksen/<slug:slug>/", views.SeriesDetailView.as_view(), name="series_detail"),
    path("reeksen/<slug:slug>/feed/", feeds.SeriesFeed(), name="series_feed"),
    path("dekking/", views.CoverageView.as_view(), name="coverage"),
    path("weglakkingen/", views.RedactionsView.as_view(), name="redactions"),
    path("ministeries/", views.MinistryListView.as_view(), name="ministry_list"),
    path(
        "ministeries/vergelijken/",
        views.MinistryComparisonView.as_view(),
        name="ministry_compare",
    ),
    path("ministeries/<slug:slug>/", views.MinistryDetailView.as_view(), name="ministry_detail"),
    path("ministeries/<slug:slug>/feed/", feeds.MinistryFeed(), name="ministry_feed"),
    path(
        "ministeries/<slug:slug>/export.csv",
        exports.ministry_items_csv,
        name="ministry_export_csv",
    ),
    path(
        "ministeries/<slug:slug>/export.json",
        exports.ministry_items_json,
        name="ministry_export_json",
    ),
    path("onderwerpen/", views.TopicListView.as_view(), name="topic_list"),
    path("onderwerpen/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("onderwerpen/<slug:slug>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("onderwerpen/<slug:slug>/export.csv", exports.topic_items_csv, name="topic_export_csv"),
    path("onderwerpen/<slug:slug>/export.json", exports.topic_items_json, name="topic_export_json"),
    path("zoeken/", views.SearchView.as_view(), name="search"),
    path("zoeken/feed/", feeds.SearchFeed(), name="search_feed"),
    path("zoeken/export.csv", exports.search_csv, name="search_export_csv"),
    path("zoeken/export.json", exports.search_json, name="search_export_json"),
    path("besluiten/", views.DecisionListView.as_view(), name="decision_list"),
    path("besluiten/feed/", feeds.DecisionFeed(), name="decision_feed"),
    path("besluiten/export.csv", exports.decisions_csv, name="decision_export_csv"),
    path("besluiten/export.json", exports.decisions_json, name="decision_export_json"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
    path(
        "open-data/<str:name>",
        views.open_data_file,
        {"names": opendata.FILES},
        name="open_data_file",
    ),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]
