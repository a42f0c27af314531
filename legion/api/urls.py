from django.urls import path

from legion.api.api import api

urlpatterns = [path("", api.urls)]
