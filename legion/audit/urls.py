from django.urls import path

from legion.audit import views

app_name = "audit"
urlpatterns = [
    path("break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/log/", views.break_glass_log, name="break_glass_log"),
]
