from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "ressursvenn.lib"
    label = "lib"
    verbose_name = "Revisjon"
