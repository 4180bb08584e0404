"""Privacy operations: a person's own page (what is held, who viewed it: `urls_export.py`)
and erasure on request (`urls_erasure.py`)."""

from ressursvenn.privacy.urls_erasure import urlpatterns as erasure
from ressursvenn.privacy.urls_export import urlpatterns as export

app_name = "privacy"

urlpatterns = [*export, *erasure]
