"""Every URL of the project × every principal × GET and POST gives the declared answer.

A URL with no entry fails. Refused requests must not write anything (no audit events).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ressursvenn.conftest import World, login
from ressursvenn.lib.models import AuditEvent
from ressursvenn.tests.access import OK, PRINCIPALS, REDIRECT, Entry


def _collect(resolver: URLResolver, namespace: str = "") -> list[tuple[str, Any]]:
    names: list[tuple[str, Any]] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(_collect(pattern, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append((f"{namespace}{pattern.name}", pattern))
        elif isinstance(pattern, URLPattern):
            names.append((f"{namespace}<unnamed {pattern.pattern}>", pattern))
    return names


def _entries() -> dict[str, Entry]:
    """Merge ENTRIES of every `ressursvenn/<app>/tests/access*.py` and `tests/access_root.py`."""
    entries: dict[str, Entry] = {}
    root = Path(__file__).resolve().parent.parent
    paths = [*root.glob("*/tests/access*.py"), *root.glob("tests/access_*.py")]
    for path in sorted(paths):
        module_name = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        module = importlib.import_module(module_name)
        overlap = entries.keys() & module.ENTRIES.keys()
        assert not overlap, f"declared twice: {overlap}"
        entries.update(module.ENTRIES)
    return entries


ALL_URLS = _collect(get_resolver())
PROJECT_URLS = sorted({name for name, _ in ALL_URLS if not name.startswith("admin:")})
ADMIN_URLS = sorted({name for name, _ in ALL_URLS if name.startswith("admin:")})
ENTRIES = _entries()


def test_every_url_has_an_entry() -> None:
    assert sorted(set(PROJECT_URLS) - ENTRIES.keys()) == []
    assert sorted(ENTRIES.keys() - set(PROJECT_URLS)) == []


def _client_for(principal: str, world: World) -> Client:
    client = Client()
    if principal == "anonymous":
        return client
    user = world.leader if principal == "unverified" else getattr(world, principal)
    user.refresh_from_db()  # an earlier principal may have ended its sessions (logout)
    return login(client, user, verified=principal != "unverified")


@pytest.mark.parametrize("name", PROJECT_URLS)
def test_url_answers_as_declared_for_every_principal(name: str, world: World) -> None:
    entry = ENTRIES[name]
    url = reverse(name, kwargs=entry.kwargs(world))
    assert set(entry.expect) == set(PRINCIPALS), f"{name}: every principal needs an answer"
    failures = []
    for principal in PRINCIPALS:
        expected_get, expected_post = entry.expect[principal]
        client = _client_for(principal, world)
        got_get = client.get(url).status_code
        events_before = AuditEvent.objects.count()
        got_post = client.post(url, {}).status_code
        wrote = AuditEvent.objects.count() - events_before
        if (got_get, got_post) != (expected_get, expected_post):
            failures.append(
                f"{principal}: expected {(expected_get, expected_post)}, got {(got_get, got_post)}"
            )
        if expected_post not in (OK, REDIRECT) and wrote:
            failures.append(f"{principal}: a refused POST wrote {wrote} audit events")
    assert failures == [], f"{name} ({url})"


def _admin_kwargs(pattern: Any) -> dict[str, str]:
    regex = pattern.pattern.regex.pattern
    kwargs: dict[str, str] = {}
    for key in pattern.pattern.regex.groupindex:
        if key == "app_label":
            kwargs[key] = regex.split("(?P<app_label>")[1].split(")")[0].split("|")[0]
        elif key == "content_type_id":
            kwargs[key] = "1"
        else:
            kwargs[key] = "1"
    return kwargs


UNNAMED_ADMIN = {
    "admin:<unnamed (?P<url>.*)$>": "/admin/finnes-ikke/",
    "admin:<unnamed <path:object_id>/>": "/admin/accounts/user/1/",
}


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_admin_is_closed_to_every_role(name: str, world: World) -> None:
    """No principal here is a system administrator: no admin page may answer with data."""
    pattern = dict(ALL_URLS)[name]
    url = UNNAMED_ADMIN.get(name) or reverse(name, kwargs=_admin_kwargs(pattern))
    for principal in PRINCIPALS:
        client = _client_for(principal, world)
        response = client.get(url)
        assert response.status_code in (REDIRECT, 404, 405), (name, principal)
