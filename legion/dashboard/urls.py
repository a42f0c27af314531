from django.urls import path

from legion.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:chart>.csv", views.chart_csv, name="csv"),
]
