from django.apps import AppConfig


class ChoresConfig(AppConfig):
    """An app of the test suite that runs background jobs as any app would:
    it registers its kinds with the jobs app and imports nothing else."""

    name = "tests.jobs.chores"
    label = "chores"

    def ready(self) -> None:
        from tests.jobs.chores import work

        work.register_kinds()
