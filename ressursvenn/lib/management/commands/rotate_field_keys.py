"""Re-encrypt every encrypted field value with the newest key in RESSURSVENN_FIELD_KEYS.

Run it after putting a new key first in RESSURSVENN_FIELD_KEYS (keeping the old ones after it);
once it has run, the old keys can be removed. Running it again is harmless.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from ressursvenn.lib.crypto import encrypted_fields

BATCH = 500


def rotate_model(model: type[models.Model]) -> int:
    """Re-encrypt the non-empty encrypted values of one model; returns how many were written."""
    fields = [model._meta.get_field(name).name for name in encrypted_fields(model)]
    manager = model._base_manager
    rotated = 0
    with transaction.atomic():
        # Reading through the ORM decrypts with any of the keys; writing encrypts with the newest.
        rows = manager.order_by("pk").values_list("pk", *fields)
        for pk, *values in rows.iterator(chunk_size=BATCH):
            update = {
                name: value
                for name, value in zip(fields, values, strict=True)
                if value not in (None, "", [])  # empty text or list: nothing encrypted
            }
            if update:
                manager.filter(pk=pk).update(**update)
                rotated += len(update)
    return rotated


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field value with the newest field key."

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            if model._meta.proxy or not model._meta.managed or not encrypted_fields(model):
                continue
            rotated = rotate_model(model)
            self.stdout.write(f"{model._meta.label}: {rotated} values rotated")
