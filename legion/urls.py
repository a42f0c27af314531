from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("legion.api.urls")),
    path("staff/account/", include("legion.accounts.urls")),
    path("staff/security/", include("legion.audit.urls")),
    path("staff/reports/", include("legion.reports.urls")),
    path("staff/statistics/", include("legion.dashboard.urls")),
    path("staff/security/", include("legion.identity.urls")),
    path("staff/exports/", include("legion.exports.urls")),
    path("staff/", include("legion.workspace.urls")),
    path("", include("legion.portal.urls")),
]

# Error pages in the portal's style and the visitor's language (legion/portal/views/errors.py).
handler403 = "legion.portal.views.errors.permission_denied"
handler404 = "legion.portal.views.errors.page_not_found"
handler500 = "legion.portal.views.errors.server_error"
