from django.core.management.base import BaseCommand

from jobriver.jobs.services import job_counts_recount


class Command(BaseCommand):
    help = (
        "Recount the active jobs of every category and technology (their job_count). The job services keep "
        "the counts up to date; this repairs them after jobs were changed another way, such as by SQL. Job "
        "writes wait while it counts."
    )

    def handle(self, *args, **options) -> None:
        categories, technologies = job_counts_recount()
        self.stdout.write(
            f"Recounted active jobs: {categories} categories and {technologies} technologies had a wrong count "
            "and were corrected."
        )
