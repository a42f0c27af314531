from django.urls import path

from legion.accounts import views

app_name = "accounts"
urlpatterns = [
    path("two-factor/", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
    path("confirm/", views.reauth, name="reauth"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("logout/", views.sign_out, name="logout"),
]
