from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "ressursvenn.privacy"
    verbose_name = _("Personvern")

    def ready(self) -> None:
        # lib sits below privacy and reaches the inventory only through its hook: the audit
        # trail masks every field the inventory calls personal or secret (lib/audit.py).
        from ressursvenn.lib import audit
        from ressursvenn.privacy.inventory import INVENTORY, Level

        audit.PERSONAL_FIELDS.clear()
        audit.PERSONAL_FIELDS.update(
            {
                label: frozenset(entry.fields_at(Level.PERSONAL, Level.SECRET))
                for label, entry in INVENTORY.items()
            }
        )
        checks.register(check_inventory)


def check_inventory(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` (and so every start) names a field the data inventory misses."""
    from ressursvenn.privacy.inventory import secret_mismatches, stale, unclassified

    errors: list[checks.CheckMessage] = []
    for name in unclassified():
        errors.append(
            checks.Error(
                f"{name} is not classified in the data inventory.",
                hint="Add it to ressursvenn/privacy/inventory.py and run manage.py privacy_doc.",
                id="ressursvenn.E101",
            )
        )
    for name in stale():
        errors.append(
            checks.Error(
                f"{name} is classified in the data inventory but does not exist.",
                hint="Remove it from ressursvenn/privacy/inventory.py.",
                id="ressursvenn.E102",
            )
        )
    for name in secret_mismatches():
        errors.append(
            checks.Error(
                f"{name}: a secret field must be encrypted, and an encrypted field secret.",
                hint="Use lib.crypto.EncryptedTextField, or classify it as Level.SECRET.",
                id="ressursvenn.E103",
            )
        )
    return errors
