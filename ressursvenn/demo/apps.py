from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ressursvenn.demo"
    verbose_name = "Demo data"
