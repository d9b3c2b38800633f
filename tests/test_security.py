"""Web security: login throttling, security headers on every kind of response, and the
production settings that `manage.py check --deploy` accepts without a warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import RequestFactory, TestCase, override_settings

from minutes.security import client_ip
from tests.conftest import ROOT

LOGIN = "/beheer/login/"
PASSWORD = "een-lang-en-sterk-wachtwoord"
ONE_YEAR = 365 * 24 * 60 * 60

# The production environment README.md's "Production" section documents (values invented).
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "r8Jq2vX0bN4mZ7cT1yK9wL3pF6hD5sG0aE2uQ8iO4nB7xV1zC3mJ6kR9tY5wP2lH",
    "DJANGO_ALLOWED_HOSTS": "sgo-archief.example.nl",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://sgo-archief.example.nl",
    "DATABASE_URL": "postgres://sgo@db.example.nl:5432/sgo_archief",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_SECURE_HSTS_PRELOAD": "true",
    "SGO_CLIENT_IP_HEADER": "X-Real-IP",
}


def run_django(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """A separate Python process on this checkout with exactly the given Django environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SGO_"))}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "sgo_archive.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class DeploySettingsTests(TestCase):
    def test_check_deploy_gives_no_warning_with_the_documented_production_environment(self):
        result = run_django(
            ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], PRODUCTION_ENV
        )
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)
        self.assertIn("System check identified no issues (0 silenced).", output)
        self.assertNotIn("WARNINGS", output)

    def test_the_environment_here_is_the_one_the_readme_documents(self):
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        section = readme.split("### Production", 1)[1].split("\n### ", 1)[0]
        block = section.split("The production environment:", 1)[1].split("```sh", 1)[1]
        lines = block.split("```", 1)[0].strip().splitlines()
        documented = {line.split("=", 1)[0] for line in lines}
        self.assertEqual(documented, set(PRODUCTION_ENV))

    def test_check_deploy_warns_without_it(self):
        # The guard above can fail: without the production variables the same check warns.
        result = run_django(
            ["manage.py", "check", "--deploy"],
            {"DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"]},
        )
        output = result.stdout + result.stderr
        for check in ["security.W004", "security.W008", "security.W012", "security.W018"]:
            self.assertIn(check, output)

    def test_the_environment_sets_the_security_settings(self):
        script = (
            "import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
            "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, "
            "s.SESSION_COOKIE_SECURE, s.AXES_FAILURE_LIMIT, "
            "s.AXES_COOLOFF_TIME.total_seconds(), s.SGO_CLIENT_IP_HEADER]))"
        )
        production = run_django(["-c", script], PRODUCTION_ENV)
        self.assertEqual(production.returncode, 0, production.stderr)
        self.assertEqual(
            json.loads(production.stdout),
            [ONE_YEAR, True, True, True, ["HTTP_X_FORWARDED_PROTO", "https"], True, 5, 900.0,
             "X-Real-IP"],
        )  # fmt: skip
        tuned = run_django(
            ["-c", script],
            {
                "DJANGO_DEBUG": "true",
                "DJANGO_SECURE_HSTS_SECONDS": "600",
                "SGO_LOGIN_FAILURE_LIMIT": "3",
                "SGO_LOGIN_COOLOFF_MINUTES": "30",
            },
        )
        self.assertEqual(tuned.returncode, 0, tuned.stderr)
        self.assertEqual(
            json.loads(tuned.stdout), [600, False, False, False, None, False, 3, 1800.0, ""]
        )
        debug = run_django(["-c", script], {"DJANGO_DEBUG": "true"})
        self.assertEqual(json.loads(debug.stdout)[0], 0)  # no HSTS while developing
        broken = run_django(["-c", script], {"SGO_LOGIN_COOLOFF_MINUTES": "0"})
        self.assertNotEqual(broken.returncode, 0)
        self.assertIn("SGO_LOGIN_COOLOFF_MINUTES must be more than 0", broken.stderr)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class SecurityHeaderTests(TestCase):
    """Every kind of response carries the headers, over HTTPS as production serves it."""

    URLS = {
        "HTML page": "/vergaderingen/2021-01-19/",
        "RSS feed": "/vergaderingen/feed/",
        "CSV export": "/vergaderingen/export.csv",
        "JSON export": "/vergaderingen/export.json",
        "plain text": "/vergaderingen/2021-01-19/tekst/",
        "robots.txt": "/robots.txt",
        "sitemap": "/sitemap.xml",
        "not found": "/bestaat-niet/",
        "admin login": LOGIN,
    }

    def test_every_response_type_carries_the_security_headers(self):
        for kind, url in self.URLS.items():
            with self.subTest(kind, url=url):
                response = self.client.get(url, secure=True)
                self.assertEqual(response.status_code, 404 if kind == "not found" else 200)
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["X-Frame-Options"], "DENY")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["Strict-Transport-Security"], f"max-age={ONE_YEAR}")
                policy = csp_directives(response["Content-Security-Policy"])
                self.assertEqual(policy["default-src"], ["'self'"])
                self.assertEqual(policy["script-src"], ["'self'"])
                self.assertEqual(policy["style-src"], ["'self'"])
                self.assertEqual(policy["object-src"], ["'none'"])
                self.assertEqual(policy["frame-ancestors"], ["'none'"])
                self.assertNotIn("unsafe-inline", response["Content-Security-Policy"])
                self.assertNotIn("unsafe-eval", response["Content-Security-Policy"])

    def test_cookies_are_secure_and_http_only(self):
        get_user_model().objects.create_user("beheerder", password=PASSWORD, is_staff=True)
        form = self.client.get(LOGIN, secure=True)
        csrf = form.cookies["csrftoken"]
        self.assertTrue(csrf["secure"])
        self.assertTrue(csrf["httponly"])
        response = self.client.post(
            LOGIN, {"username": "beheerder", "password": PASSWORD}, secure=True
        )
        self.assertEqual(response.status_code, 302)
        session = response.cookies["sessionid"]
        self.assertTrue(session["secure"])
        self.assertTrue(session["httponly"])

    def test_the_error_pages_stylesheet_is_served_at_its_plain_path(self):
        # templates/500.html links it without a template tag (nothing that could fail again).
        self.assertIn(
            '<link rel="stylesheet" href="/static/css/error.css">',
            (ROOT / "templates/500.html").read_text(encoding="utf-8"),
        )
        response = self.client.get("/static/css/error.css")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"font-family", b"".join(response.streaming_content))

    def test_the_templates_have_no_inline_script_or_style(self):
        # What the CSP would block: the pages must not depend on it.
        templates = sorted((ROOT / "templates").rglob("*.html"))
        self.assertIn(ROOT / "templates/admin/minutes/import/preview.html", templates)
        for path in templates:
            text = path.read_text(encoding="utf-8")
            with self.subTest(template=str(path.relative_to(ROOT))):
                self.assertNotRegex(text, r"<script(?![^>]*\bsrc=)[^>]*>")
                self.assertNotRegex(text, r"<style\b")
                self.assertNotRegex(text, r"\sstyle=")
                self.assertNotRegex(text, r"\son[a-z]+=")


# A fast hasher: these tests log in dozens of times; the throttling does not depend on it.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class LoginThrottlingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        users = get_user_model().objects
        cls.admin = users.create_user("beheerder", password=PASSWORD, is_staff=True)
        cls.colleague = users.create_user("collega", password=PASSWORD, is_staff=True)

    def login(self, username: str, password: str, ip: str = "192.0.2.10"):
        self.client.logout()
        return self.client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)

    def fail_logins(self, times: int, username: str = "beheerder", ip: str = "192.0.2.10") -> None:
        for _ in range(times):
            response = self.login(username, "fout", ip)
            self.assertIn(response.status_code, {200, 429})

    def assert_logged_in(self, response, user) -> None:
        self.assertEqual(response.status_code, 302, response.content[:300])
        self.assertEqual(self.client.session.get("_auth_user_id"), str(user.pk))

    def assert_locked_out(self, response) -> None:
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "admin/login_locked.html")
        self.assertContains(response, "Inloggen tijdelijk geblokkeerd", status_code=429)
        self.assertContains(response, "Probeer het over 15 minuten opnieuw.", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_default_limit_is_five(self):
        from django.conf import settings

        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)

    def test_after_the_limit_even_the_right_password_is_refused(self):
        self.fail_logins(4)
        # Below the limit the right password still works (and clears the failures).
        self.assert_logged_in(self.login("beheerder", PASSWORD), self.admin)
        self.fail_logins(5)
        self.assert_locked_out(self.login("beheerder", PASSWORD))

    def test_the_lock_out_page_is_the_admins_in_dutch(self):
        self.fail_logins(5)
        response = self.login("beheerder", PASSWORD)
        self.assertContains(response, "Er is 5 keer achter elkaar een verkeerd", status_code=429)
        self.assertContains(response, '<html lang="nl"', status_code=429)
        self.assertContains(response, f'href="{LOGIN}"', status_code=429)

    def test_the_lock_out_is_per_user_and_address(self):
        self.fail_logins(5, "beheerder", "192.0.2.10")
        self.assert_locked_out(self.login("beheerder", PASSWORD, "192.0.2.10"))
        # Another user from the same address, and the same user from elsewhere, log in.
        self.assert_logged_in(self.login("collega", PASSWORD, "192.0.2.10"), self.colleague)
        self.assert_logged_in(self.login("beheerder", PASSWORD, "198.51.100.7"), self.admin)

    @override_settings(SGO_CLIENT_IP_HEADER="X-Real-IP")
    def test_behind_a_proxy_the_address_comes_from_its_header(self):
        def via_proxy(password: str, client: str):
            credentials = {"username": "beheerder", "password": password}
            return self.client.post(
                LOGIN, credentials, REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP=client
            )

        for _ in range(5):
            via_proxy("fout", "192.0.2.10")
        self.assert_locked_out(via_proxy(PASSWORD, "192.0.2.10"))
        self.assert_logged_in(via_proxy(PASSWORD, "198.51.100.7"), self.admin)
        self.assertEqual(
            set(AccessAttempt.objects.values_list("ip_address", flat=True)), {"192.0.2.10"}
        )

    @override_settings(SGO_CLIENT_IP_HEADER="X-Forwarded-For")
    def test_a_forwarded_for_header_counts_the_address_the_proxy_added(self):
        # A client can send any X-Forwarded-For; the proxy appends the address it saw.
        forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 192.0.2.10"}
        requests = RequestFactory()
        self.assertEqual(client_ip(requests.post(LOGIN, **forwarded)), "192.0.2.10")
        self.assertEqual(client_ip(requests.post(LOGIN, REMOTE_ADDR="10.0.0.2")), "10.0.0.2")

    def test_failures_and_the_lock_out_are_logged_as_warnings(self):
        with self.assertLogs("axes", "WARNING") as logs:
            self.fail_logins(5)
        messages = "\n".join(logs.output)
        self.assertIn('login failure by {username: "beheerder", ip_address: "192.0.2.10"', messages)
        self.assertIn("Locking out", messages)
        self.assertEqual(sum("login failure by" in line for line in logs.output), 5)
        self.assertNotIn("fout", messages)  # never the password

    @override_settings(AXES_COOLOFF_TIME=timedelta(minutes=2))
    def test_after_the_cool_off_login_works_again(self):
        self.fail_logins(5)
        response = self.login("beheerder", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Probeer het over 2 minuten opnieuw.", status_code=429)
        # One minute later: still locked out.
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=1)
        )
        self.assertEqual(self.login("beheerder", PASSWORD).status_code, 429)
        # The attempt that was refused during the lock-out restarted the cool-off; let it pass.
        attempt = AccessAttempt.objects.get()
        AccessAttempt.objects.update(attempt_time=attempt.attempt_time - timedelta(minutes=3))
        self.assert_logged_in(self.login("beheerder", PASSWORD), self.admin)
