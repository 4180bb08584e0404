"""The 500 page is ours even when the database is gone (it needs nothing from it)."""

from __future__ import annotations

from django.db.utils import OperationalError
from django.test import RequestFactory

from ressursvenn.lib.views import server_error


class _Gone:
    """A request attribute that fails as a lost database connection does."""

    def __getattr__(self, name: str) -> None:
        raise OperationalError("server closed the connection unexpectedly")


def test_the_error_page_renders_without_the_session_or_the_user() -> None:
    request = RequestFactory().get("/")
    request.user = _Gone()  # type: ignore[assignment]
    request.session = _Gone()  # type: ignore[assignment]
    response = server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Beklager, noe gikk galt" in body
    assert "Ingenting er lagret fra den siste handlingen." in body
