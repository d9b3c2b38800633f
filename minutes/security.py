"""Login throttling hooks for django-axes: the client's address and the lock-out page."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def client_ip(request: HttpRequest) -> str | None:
    """The address a login attempt came from.

    Behind a reverse proxy every request comes from the proxy; SGO_CLIENT_IP_HEADER then
    names the header in which the proxy passes the client's address. Its last entry is
    the one the proxy added itself (a client can prepend anything to X-Forwarded-For).
    """
    header = settings.SGO_CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The admin's page for a locked-out login: in Dutch, with the wait, status 429."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Inloggen tijdelijk geblokkeerd",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    response = TemplateResponse(request, "admin/login_locked.html", context, status=429)
    return response.render()
