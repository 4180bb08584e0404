from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "ressursvenn.participants"
    verbose_name = _("Deltakere og henvisninger")
