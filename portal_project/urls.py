from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import home

# The staff admin signs in through allauth, so its login shares allauth's rate limits.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("invite/", include("access_control.urls")),
    path("link/", include("family_links.urls")),
    path("portal/", include("portal.urls")),
    path("practitioner/", include("prescribers.urls")),
    path("api/v1/", include("prescribers.api.urls")),
    # The API's schema and docs are public (README, "API"); LoginRequiredMiddleware guards the rest.
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    # The split view serves its start-up script from a URL of its own: the CSP runs no inline code.
    path(
        "api/docs/",
        login_not_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
]
