"""The API's errors: JSON that names what went wrong, never an HTML page or a 500."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """{"errors": {"<parameter>": ["<message>"]}} for a bad parameter (400), and
    {"errors": {"detail": ["<message>"]}} for anything else DRF answers (404, 405)."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        errors = {name: [str(m) for m in _messages(value)] for name, value in exc.detail.items()}
    elif isinstance(exc, Http404 | exceptions.NotFound):
        errors = {"detail": ["Not found."]}
    else:
        errors = {"detail": [str(m) for m in _messages(response.data.get("detail", exc))]}
    response.data = {"errors": errors}
    return response


def _messages(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    if isinstance(value, dict):
        return [m for item in value.values() for m in _messages(item)]
    return [value]
