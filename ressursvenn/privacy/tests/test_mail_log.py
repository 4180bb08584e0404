"""The sent-mail log keeps no e-mail (docs/privacy.md says so): after the worker has sent a
message, its log row holds neither the address, the subject nor the body."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.mail import send_mail
from django.core.management import call_command
from mailer.models import RESULT_SUCCESS, MessageLog

pytestmark = pytest.mark.django_db


def test_the_log_of_a_sent_message_holds_no_address_or_body(mail_queue: Any) -> None:
    send_mail("Emne", "Lenke: https://example.no/hemmelig-token", None, ["kari@example.no"])
    call_command("run_worker", once=True)
    log = MessageLog.objects.get()
    assert (log.result, log.message_data) == (RESULT_SUCCESS, None)
    assert "kari@example.no" not in str(log.log_message)
