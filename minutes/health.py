"""`/healthz`: can this process serve the archive? For load balancers and monitoring.

Three checks, each cheap (no table scans): the database answers, every migration
on disk is applied, and the search index exists and can be read (an index behind the
archive's current version is named, and still passes). 200 when all pass, 503 naming
the failing check otherwise; the body is a
small JSON object a person can read too (in English, like the logs).
"""

from __future__ import annotations

import json
import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from minutes.search import index as search_index

logger = logging.getLogger(__name__)

OK = "ok"
# An index a moment behind the archive (an import's commit hook has yet to catch it
# up) still serves every page: named in the body, not a reason to take the server out.
BEHIND = "behind"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"unreachable: {exc}".strip()
    return OK


def check_migrations() -> str:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return f"unreadable: {exc}".strip()
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan)
        return f"{len(plan)} not applied: {names}"
    return OK


def check_search_index() -> str:
    try:
        state = search_index.status()
    except DatabaseError as exc:
        return f"not checkable: {exc}".strip()
    except (OSError, ValueError) as exc:  # a damaged index folder or files
        return f"unreadable: {exc}: run `manage.py search_index --rebuild`"
    if not state.exists:
        return "missing: run `manage.py search_index --ensure`"
    if not state.current:
        return (
            f"{BEHIND} (index at version {state.index_version}, archive at "
            f"{state.archive_version}): run `manage.py search_index --ensure`"
        )
    return OK


def run_checks() -> dict[str, str]:
    """Each check's result, "ok" or why not; the later ones need the database."""
    checks = {"database": check_database()}
    if checks["database"] != OK:
        skipped = "not checked: the database is unreachable"
        return {**checks, "migrations": skipped, "search_index": skipped}
    checks["migrations"] = check_migrations()
    checks["search_index"] = check_search_index()
    return checks


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    checks = run_checks()
    healthy = all(result == OK or result.startswith(BEHIND) for result in checks.values())
    if not healthy:
        logger.warning("Health check failed: %s", checks)
    body = {"status": OK if healthy else "fail", "checks": checks}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1) + "\n",
        status=200 if healthy else 503,
        content_type="application/json; charset=utf-8",
    )
