from django.urls import path

from minutes import views

app_name = "minutes"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("vergaderingen/", views.MeetingListView.as_view(), name="meeting_list"),
    path("vergaderingen/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("vergaderingen/<slug:slug>/tekst/", views.meeting_text, name="meeting_text"),
    path("ministeries/<slug:slug>/", views.MinistryDetailView.as_view(), name="ministry_detail"),
    path("onderwerpen/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
]
