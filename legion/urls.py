from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("legion.api.urls")),
    path("staff/account/", include("legion.accounts.urls")),
    path("staff/security/", include("legion.audit.urls")),
    path("staff/reports/", include("legion.reports.urls")),
    path("staff/security/", include("legion.identity.urls")),
    path("staff/", include("legion.workspace.urls")),
    path("", include("legion.portal.urls")),
]
