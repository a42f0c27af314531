"""The REST API under /api/v1/ (django-ninja); routers call the same services as the UI."""

from ninja import NinjaAPI

api = NinjaAPI(title="Legion API", version="1", urls_namespace="api")
