from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "mutuelle.web.members"
    label = "members"
    verbose_name = "Adhésions"
