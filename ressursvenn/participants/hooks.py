"""Hooks through which a higher app takes part in a participants action.

participants sits below matching (and the apps to come) in the layers contract and may not
import them. Where a change here must reach them, the action calls the handlers registered in
a list below; the higher app registers its handler in its ``AppConfig.ready()``. Handlers run
inside the action's transaction, with the referral locked and the permission checked, so
their writes commit or roll back with it. Not Django signals: the hooks are named, listed
here and called explicitly, and a handler's exception aborts the action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ressursvenn.participants.models import Referral

WithdrawnHandler = Callable[..., None]
"""``handler(referral, *, by, reason)``."""

on_referral_withdrawn: list[WithdrawnHandler] = []
"""Called when the centre withdraws a referral or records that the woman withdrew her consent
(``actions.withdraw_referral``, ``actions.withdraw_consent``), before the referral's own status
changes. matching registers ``actions.matches.cancel_for_withdrawn_referral``: it cancels the
open match and a planned koblingsmøte (with the calendar cancellation)."""


def register(hook: list[WithdrawnHandler], handler: WithdrawnHandler) -> None:
    """Add `handler` to `hook` once (``ready()`` may run more than once)."""
    if handler not in hook:
        hook.append(handler)


def referral_withdrawn(referral: Referral, *, by: Any, reason: str) -> None:
    for handler in on_referral_withdrawn:
        handler(referral, by=by, reason=reason)
