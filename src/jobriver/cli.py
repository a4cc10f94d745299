"""The `jobriver` command: serve the API, load demo data, manage companies and keys.

Run `jobriver --help` or `jobriver COMMAND --help` for the options. Errors
in options or data print one line and exit with status 2.
"""

import argparse
import datetime
import os
import sys
from collections.abc import Callable
from typing import NoReturn

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Python threads serving requests in each worker. A few let one request run
# while another waits for PostgreSQL or Redis. granian's own default for
# WSGI is 512, and with that many threads under load each request waited
# seconds for locks (the database's and logging's) and a worker's memory
# grew to over 400 MiB in the benchmark.
DEFAULT_THREADS = 4
MAX_PORT = 65535


class CliError(Exception):
    """A problem with the command's input, shown as one line."""


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser that reports a usage error as one line on stderr, without the usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {_one_line(message)} (see `{self.prog} --help`)\n")


def _one_line(text: object) -> str:
    """Return the text with its line breaks and runs of spaces folded into single spaces."""
    return " ".join(str(text).split())


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_PORT:
        raise argparse.ArgumentTypeError(f"{text!r} must be at most {MAX_PORT}")
    return value


def _resolve_port(port: int | None) -> int:
    """Return --port if given, else JOBRIVER_PORT if set, else the default port."""
    if port is not None:
        return port
    text = os.environ.get("JOBRIVER_PORT", "")
    if not text:
        return DEFAULT_PORT
    try:
        return _port(text)
    except argparse.ArgumentTypeError as error:
        raise CliError(f"JOBRIVER_PORT: {error}") from None


def _url_host(host: str) -> str:
    """Return the host as a URL writes it: an IPv6 address goes in brackets."""
    return f"[{host}]" if ":" in host else host


def _permissions(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _expiry(text: str) -> datetime.datetime:
    """Parse YYYY-MM-DD (end of that day in the platform time zone) or an ISO 8601 time with offset."""
    from django.utils import timezone

    try:
        if len(text) == 10:
            day = datetime.date.fromisoformat(text)
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--expires: {text!r} is not YYYY-MM-DD or an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise CliError(f"--expires: {text!r} needs a UTC offset, e.g. 2027-01-31T18:00:00+01:00")
    return moment


def _future_expiry(text: str) -> datetime.datetime:
    """Parse an expiry as `_expiry` does, and reject one that has already passed."""
    from django.utils import timezone

    moment = _expiry(text)
    if moment <= timezone.now():
        raise CliError(f"--expires: {text!r} is in the past. Give a later date or date-time.")
    return moment


# Commands. Each imports Django code inside, after django.setup().


def cmd_serve(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from granian.constants import Interfaces
    from granian.server import Server

    port = _resolve_port(args.port)
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    print(f"Jobriver serves on http://{_url_host(args.host)}:{port}/api/v1/ with {args.workers} worker(s)", flush=True)
    Server(
        "jobriver.wsgi:application",
        address=args.host,
        port=port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
    ).serve()


def cmd_demo(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from jobriver.demo import load_demo_data

    port = _resolve_port(args.port)
    call_command("migrate", interactive=False, verbosity=0)
    company, issued = load_demo_data()
    base_url = f"http://{_url_host(args.host)}:{port}/api/v1"
    print(f"Demo data loaded: company {company.name!r} (id {company.pk}), {company.jobs.count()} jobs.")
    print()
    print("A new API key with all permissions. It is shown only now; store it safely:")
    print(f"  {issued.plaintext}")
    print()
    print("Try it once the server runs:")
    print(f'  curl -H "X-API-Key: {issued.plaintext}" "{base_url}/jobs"')
    _print_demo_user(company, f"http://{_url_host(args.host)}:{port}/dashboard/")


def _print_demo_user(company, dashboard_url: str) -> None:
    from jobriver.demo import DEMO_USERNAME, demo_user_reset

    print()
    password = demo_user_reset(company=company)
    if password is None:
        print(f"The user {DEMO_USERNAME!r} exists and is not the demo company's; its password was not changed.")
        return
    print(f"The company dashboard: {dashboard_url}")
    print(f"  username {DEMO_USERNAME}, password {password} (new on every run of `jobriver demo`)")


def cmd_company_create(args: argparse.Namespace) -> None:
    from jobriver.companies.services import company_create

    company = company_create(
        name=args.name,
        job_limit=None if args.unlimited else args.job_limit,
        rate_limit=args.rate_limit,
        api_access_enabled=not args.no_api_access,
    )
    print(f"Created company {company.pk}: {company.name} (slug {company.slug})")


def cmd_company_list(args: argparse.Namespace) -> None:
    from jobriver.companies.selectors import company_list

    print(f"{'ID':>5}  {'SLUG':<30} {'JOB LIMIT':>9}  {'RATE':>5}  API  NAME")
    for company in company_list():
        limit = "-" if company.job_limit is None else company.job_limit
        rate = company.rate_limit or "-"
        access = "on " if company.api_access_enabled else "off"
        print(f"{company.pk:>5}  {company.slug:<30} {limit!s:>9}  {rate!s:>5}  {access}  {company.name}")


def _company(reference: str):
    from jobriver.companies.selectors import company_find

    company = company_find(reference=reference)
    if company is None:
        raise CliError(f"no company with id or slug {reference!r}; see `jobriver company list`")
    return company


def cmd_company_show(args: argparse.Namespace) -> None:
    from jobriver.jobs.selectors import active_job_count

    company = _company(args.company)
    limit = "unlimited" if company.job_limit is None else company.job_limit
    print(f"id:            {company.pk}")
    print(f"name:          {company.name}")
    print(f"slug:          {company.slug}")
    print(f"job limit:     {limit} ({active_job_count(company_id=company.pk)} active)")
    print(f"rate limit:    {company.rate_limit or 'platform default'}")
    print(f"API access:    {'enabled' if company.api_access_enabled else 'disabled'}")
    print(f"API keys:      {company.api_keys.count()}")


def cmd_key_create(args: argparse.Namespace) -> None:
    from jobriver.access.services import api_key_create

    issued = api_key_create(
        company=_company(args.company),
        name=args.name,
        permissions=args.permissions,
        ip_allowlist=args.ip or [],
        expires_at=_future_expiry(args.expires) if args.expires else None,
        rate_limit=args.rate_limit,
    )
    key = issued.credential
    print(f"Created API key {key.pk} ({key.prefix}…) for {key.company.name}.")
    print("The key is shown only now; store it safely:")
    print(f"  {issued.plaintext}")


def _print_key_row(key) -> None:
    from django.utils import timezone

    expires = timezone.localdate(key.expires_at).isoformat() if key.expires_at else "-"
    print(
        f"{key.pk:>5}  {key.prefix:<9} {key.status:<8} {','.join(key.permissions) or '-':<26} "
        f"{expires:<10}  {key.company_id:>7}  {key.name}"
    )


def cmd_key_list(args: argparse.Namespace) -> None:
    from jobriver.access.models import ApiKey

    keys = ApiKey.objects.order_by("company_id", "-created_at")
    if args.company:
        keys = keys.filter(company=_company(args.company))
    print(f"{'ID':>5}  {'PREFIX':<9} {'STATUS':<8} {'PERMISSIONS':<26} {'EXPIRES':<10}  {'COMPANY':>7}  NAME")
    for key in keys:
        _print_key_row(key)


def _key(key_id: int):
    from jobriver.access.models import ApiKey

    key = ApiKey.objects.select_related("company").filter(pk=key_id).first()
    if key is None:
        raise CliError(f"no API key with id {key_id}; see `jobriver key list`")
    return key


def cmd_key_show(args: argparse.Namespace) -> None:
    from jobriver.access.selectors import api_keys_with_usage

    # With Redis, the row's usage counts lag; this reads the exact ones.
    [key] = api_keys_with_usage([_key(args.key_id)])
    print(f"id:            {key.pk}")
    print(f"name:          {key.name}")
    print(f"prefix:        {key.prefix}")
    print(f"company:       {key.company.name} ({key.company_id})")
    print(f"status:        {key.status}")
    print(f"permissions:   {', '.join(key.permissions) or '-'}")
    print(f"IP allow-list: {', '.join(key.ip_allowlist) or 'any address'}")
    print(f"expires:       {key.expires_at.isoformat() if key.expires_at else 'never'}")
    print(f"rate limit:    {key.rate_limit or 'company or platform default'}")
    print(f"created:       {key.created_at.isoformat()}")
    last_used = f"{key.last_used_at.isoformat()} from {key.last_used_ip or '-'}" if key.last_used_at else "never"
    print(f"last used:     {last_used}")
    print(f"requests:      {key.requests_total}")


def _key_action(service_name: str, verb: str) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        from jobriver.access import services

        key = getattr(services, service_name)(api_key=_key(args.key_id))
        print(f"API key {key.pk} ({key.prefix}…) {verb}.")

    return run


def _read_password_line() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CliError("--password-stdin: standard input has no password on its first line")
    return password


def cmd_user_create(args: argparse.Namespace) -> None:
    import secrets

    from jobriver.dashboard.services import company_user_create

    company = _company(args.company)
    password = _read_password_line() if args.password_stdin else secrets.token_urlsafe(12)
    user = company_user_create(company=company, username=args.username, email=args.email, password=password)
    print(f"Created user {user.pk} ({user.username}) for {company.name}; they sign in at /dashboard/.")
    if not args.password_stdin:
        print("The password is shown only now; pass it on safely:")
        print(f"  {password}")


def cmd_manage(args: argparse.Namespace) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jobriver manage", *args.rest])


def cmd_createsuperuser(args: argparse.Namespace) -> None:
    from django.core.management import call_command, execute_from_command_line

    call_command("migrate", interactive=False, verbosity=0)
    execute_from_command_line(["jobriver", "createsuperuser", *args.rest])


def build_parser() -> argparse.ArgumentParser:
    # Subparsers are built with the parent's class, so every level reports errors on one line.
    parser = ArgumentParser(prog="jobriver", description="The Jobriver job-board server.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="apply migrations, then serve HTTP with granian")
    serve.add_argument("--host", default=os.environ.get("JOBRIVER_HOST", DEFAULT_HOST), help="address to bind to")
    serve.add_argument(
        "--port", type=_port, default=None, help=f"TCP port (default: JOBRIVER_PORT, else {DEFAULT_PORT})"
    )
    serve.add_argument("--workers", type=_positive_int, default=1, help="worker processes (default 1)")
    serve.add_argument(
        "--threads",
        type=_positive_int,
        default=DEFAULT_THREADS,
        help=f"threads per worker that run requests (default {DEFAULT_THREADS})",
    )
    serve.add_argument("--no-migrate", action="store_true", help="skip applying migrations first")
    serve.set_defaults(handler=cmd_serve)

    demo = commands.add_parser("demo", help="load German demo data and print a new key with a curl line")
    demo.add_argument(
        "--host", default=os.environ.get("JOBRIVER_HOST", DEFAULT_HOST), help="host used in the printed curl line"
    )
    demo.add_argument(
        "--port",
        type=_port,
        default=None,
        help=f"port used in the printed curl line (default: JOBRIVER_PORT, else {DEFAULT_PORT})",
    )
    demo.set_defaults(handler=cmd_demo)

    company = commands.add_parser("company", help="create, list and show companies")
    company_commands = company.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = company_commands.add_parser("create", help="create a company")
    create.add_argument("name")
    limit = create.add_mutually_exclusive_group()
    limit.add_argument("--job-limit", type=_positive_int, default=None, help="maximum active jobs")
    limit.add_argument("--unlimited", action="store_true", help="no limit on active jobs (the default)")
    create.add_argument("--rate-limit", type=_positive_int, default=None, help="requests per minute for its keys")
    create.add_argument("--no-api-access", action="store_true", help="create with API access disabled")
    create.set_defaults(handler=cmd_company_create)
    company_commands.add_parser("list", help="list companies").set_defaults(handler=cmd_company_list)
    show = company_commands.add_parser("show", help="show one company")
    show.add_argument("company", help="id or slug")
    show.set_defaults(handler=cmd_company_show)

    key = commands.add_parser("key", help="create, list, show, deactivate, activate and revoke API keys")
    key_commands = key.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = key_commands.add_parser("create", help="create a key and print it once")
    create.add_argument("--company", required=True, help="company id or slug")
    create.add_argument("--name", required=True, help="a name that tells where the key is used")
    create.add_argument(
        "--permissions",
        type=_permissions,
        default=["read"],
        help="comma-separated: read,create,update,delete (default read)",
    )
    create.add_argument("--ip", action="append", metavar="CIDR", help="allowed network; repeat for several")
    create.add_argument("--expires", help="expiry: YYYY-MM-DD (end of day) or ISO 8601 with offset")
    create.add_argument("--rate-limit", type=_positive_int, default=None, help="requests per minute for this key")
    create.set_defaults(handler=cmd_key_create)
    listing = key_commands.add_parser("list", help="list keys")
    listing.add_argument("--company", help="only this company's keys (id or slug)")
    listing.set_defaults(handler=cmd_key_list)
    for action, handler, help_text in [
        ("show", cmd_key_show, "show one key"),
        ("deactivate", _key_action("api_key_deactivate", "deactivated"), "reject the key until reactivated"),
        ("activate", _key_action("api_key_activate", "reactivated"), "accept a deactivated key again"),
        ("revoke", _key_action("api_key_revoke", "revoked"), "reject the key for good"),
    ]:
        sub = key_commands.add_parser(action, help=help_text)
        sub.add_argument("key_id", type=_positive_int, metavar="KEY_ID")
        sub.set_defaults(handler=handler)

    user = commands.add_parser("user", help="create company users for the company dashboard")
    user_commands = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = user_commands.add_parser("create", help="create a user who signs in to the dashboard for a company")
    create.add_argument("--company", required=True, help="company id or slug")
    create.add_argument("--username", required=True, help="the name the user signs in with")
    create.add_argument("--email", required=True, help="e-mail address, used for password reset links")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (default: generate and print one)",
    )
    create.set_defaults(handler=cmd_user_create)

    superuser = commands.add_parser("createsuperuser", help="create a staff user for the admin dashboard")
    superuser.add_argument("rest", nargs=argparse.REMAINDER)
    superuser.set_defaults(handler=cmd_createsuperuser)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return parser


def _validation_messages(error) -> str:
    """Return a ValidationError's messages as `field: message` pairs, or plain messages if it has no fields."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items())


# Commands whose arguments go to Django unparsed. argparse.REMAINDER would
# reject a first argument that looks like an option (`createsuperuser --noinput`).
PASS_THROUGH_COMMANDS = {"manage": cmd_manage, "createsuperuser": cmd_createsuperuser}


def _parse(argv: list[str] | None) -> argparse.Namespace:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in PASS_THROUGH_COMMANDS:
        return argparse.Namespace(command=argv[0], rest=argv[1:], handler=PASS_THROUGH_COMMANDS[argv[0]])
    return build_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobriver.settings")
    if args.command != "serve":
        # State changes are logged at INFO for the server's log; a one-off command prints its own summary.
        os.environ.setdefault("JOBRIVER_LOG_LEVEL", "WARNING")

    import django
    from django.core.exceptions import ImproperlyConfigured, ValidationError
    from django.core.management.base import CommandError
    from django.db import DatabaseError
    from django.utils import translation

    try:
        django.setup()
        # The command's own output is English, so the messages of the services it calls are English too.
        translation.activate("en")
        args.handler(args)
    except ValidationError as error:
        print(f"jobriver: error: {_one_line(_validation_messages(error))}", file=sys.stderr)
        return 2
    except (CliError, CommandError, ImproperlyConfigured, ValueError) as error:
        print(f"jobriver: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except DatabaseError as error:
        print(
            f"jobriver: database error: {_one_line(error)}. Check DATABASE_URL, "
            "and run `jobriver manage migrate` if tables are missing.",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
