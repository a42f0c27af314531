from django.urls import path

from legion.identity import views

app_name = "security"
urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("duplicates/<int:pk>/", views.duplicate_detail, name="duplicate"),
    path("watchlist-hits/<int:pk>/", views.hit_detail, name="hit"),
    path("<str:kind>/<int:pk>/decide/", views.decide, name="decide"),
]
