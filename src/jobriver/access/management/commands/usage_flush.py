"""`jobriver manage usage_flush`: write the usage counts stored in Redis to the database now."""

from django.core.management.base import BaseCommand, CommandError

from jobriver.access.counters import CountersUnavailable, get_counters


class Command(BaseCommand):
    help = (
        "Write the usage counts stored in Redis to the database rows now, for example before Redis "
        "maintenance. Without REDIS_URL the rows are always current and nothing is written."
    )

    def handle(self, *args, **options) -> None:
        counters = get_counters()
        if counters.name != "redis":
            self.stdout.write("REDIS_URL is not set: the usage counts are in the database already.")
            return
        try:
            written = counters.flush_usage()
        except CountersUnavailable:
            raise CommandError("Redis did not respond; check REDIS_URL and that Redis runs, then try again.") from None
        self.stdout.write(f"Wrote the usage counts of {written} keys and tokens to the database.")
