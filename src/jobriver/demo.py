"""Demo data: the categories and technologies of a German tech job board and one company.

`load_demo_data` is idempotent: catalogue entries are matched by slug and
the demo company's jobs are created only when it has none.
"""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from jobriver.access.models import ALL_PERMISSIONS
from jobriver.access.services import IssuedKey, api_key_create
from jobriver.companies.models import Company, CompanyMember
from jobriver.companies.services import company_create
from jobriver.dashboard.services import company_user_create
from jobriver.jobs.models import Category, Job, Technology
from jobriver.jobs.schemas import JobCreateIn
from jobriver.jobs.services import job_create

DEMO_COMPANY_NAME = "Jobriver Demo GmbH"
DEMO_JOB_LIMIT = 25
DEMO_USERNAME = "demo"
DEMO_EMAIL = "demo@jobriver.example"

CATEGORIES = [
    # slug, name, icon, description
    ("software-entwicklung", "Software-Entwicklung", "code", "Backend, Frontend, Fullstack, Mobile"),
    ("data-science", "Data Science", "bar-chart", "Machine Learning, Analytics, Data Engineering"),
    ("devops-cloud", "DevOps & Cloud", "cloud", "Betrieb, Automatisierung, Cloud-Plattformen"),
    ("it-sicherheit", "IT-Sicherheit", "shield", "Security Engineering, Pentesting, Beratung"),
    ("ui-ux-design", "UI/UX Design", "pen-tool", "Interaction Design, User Research, Prototyping"),
    ("produktmanagement", "Produktmanagement", "clipboard", "Product Owner, Product Manager"),
    ("qa-testing", "QA & Testing", "check-circle", "Testautomatisierung, Qualitätssicherung"),
    ("it-support", "IT-Support & Administration", "headset", "Service Desk, Systemadministration"),
]

TECHNOLOGIES = [
    # name, category, trending
    ("Python", "language", True),
    ("Java", "language", False),
    ("JavaScript", "language", False),
    ("TypeScript", "language", True),
    ("Go", "language", True),
    ("Rust", "language", True),
    ("PHP", "language", False),
    ("C#", "language", False),
    ("Kotlin", "language", False),
    ("Django", "framework", False),
    ("FastAPI", "framework", True),
    ("Laravel", "framework", True),
    ("React", "framework", True),
    ("Vue.js", "framework", False),
    ("Angular", "framework", False),
    ("Spring Boot", "framework", False),
    ("PostgreSQL", "database", True),
    ("MySQL", "database", False),
    ("MariaDB", "database", False),
    ("MongoDB", "database", False),
    ("Redis", "database", False),
    ("Docker", "devops", False),
    ("Kubernetes", "devops", True),
    ("Terraform", "devops", True),
    ("GitLab CI", "devops", False),
    ("AWS", "cloud", True),
    ("Microsoft Azure", "cloud", False),
    ("Google Cloud", "cloud", False),
    ("Git", "tool", False),
    ("Jira", "tool", False),
    ("SAP", "other", False),
]

_TEAM = (
    " Du arbeitest in einem kleinen, erfahrenen Team mit kurzen Entscheidungswegen,"
    " Code-Reviews und einer gelebten Feedback-Kultur."
)

JOBS = [
    # title, category slug, location, type, level, employment, salary, technologies, active
    ("Senior Backend Developer (m/w/d)", "software-entwicklung", "Berlin", "hybrid", "senior", "fulltime",
     (65000, 85000), ["Python", "Django", "PostgreSQL", "Docker"], True),
    ("Frontend-Entwickler React (m/w/d)", "software-entwicklung", "Hamburg", "remote", "mid", "fulltime",
     (55000, 70000), ["React", "TypeScript"], True),
    ("DevOps Engineer Kubernetes (m/w/d)", "devops-cloud", "München", "hybrid", "senior", "fulltime",
     (70000, 90000), ["Kubernetes", "Docker", "Terraform", "AWS"], True),
    ("Data Scientist (m/w/d)", "data-science", "Köln", "hybrid", "mid", "fulltime",
     (60000, 78000), ["Python", "PostgreSQL"], True),
    ("Junior PHP-Entwickler (m/w/d)", "software-entwicklung", "Leipzig", "onsite", "junior", "fulltime",
     (42000, 50000), ["PHP", "Laravel", "MariaDB"], True),
    ("IT-Sicherheitsberater (m/w/d)", "it-sicherheit", "Frankfurt am Main", "hybrid", "senior", "fulltime",
     (75000, 95000), [], True),
    ("Fullstack Developer TypeScript (m/w/d)", "software-entwicklung", "Stuttgart", "remote", "mid", "fulltime",
     (58000, 72000), ["TypeScript", "React", "PostgreSQL"], True),
    ("Werkstudent Softwareentwicklung (m/w/d)", "software-entwicklung", "Dresden", "hybrid", "junior", "parttime",
     None, ["Python", "Git"], True),
    ("Cloud Architect Azure (m/w/d)", "devops-cloud", "Düsseldorf", "remote", "lead", "fulltime",
     (85000, 110000), ["Microsoft Azure", "Terraform"], True),
    ("QA Engineer Testautomatisierung (m/w/d)", "qa-testing", "Nürnberg", "onsite", "mid", "fulltime",
     (50000, 64000), ["Java", "GitLab CI"], True),
    ("Product Owner E-Commerce (m/w/d)", "produktmanagement", "Berlin", "hybrid", "senior", "fulltime",
     (68000, 82000), ["Jira"], True),
    ("Java Backend-Entwickler Spring Boot (m/w/d)", "software-entwicklung", "Hannover", "onsite", "mid", "fulltime",
     (56000, 70000), ["Java", "Spring Boot", "PostgreSQL"], False),
]


def _load_catalogue() -> None:
    for position, (slug, name, icon, description) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "icon": icon, "description": description, "sort_order": position * 10},
        )
    for name, category, trending in TECHNOLOGIES:
        slug = name.lower().replace("#", "sharp").replace(".", "").replace(" ", "-")
        Technology.objects.update_or_create(
            slug=slug, defaults={"name": name, "category": category, "is_trending": trending}
        )


def _job_body(entry: tuple) -> dict:
    title, category_slug, location, location_type, level, employment, salary, technologies, active = entry
    body = {
        "title": title,
        "description": (
            f"Für unseren Standort {location} suchen wir Verstärkung als {title}."
            " Du gestaltest unsere Produkte von der Idee bis zum Betrieb mit." + _TEAM
        ),
        "requirements": "Abgeschlossene Ausbildung oder Studium, sehr gute Deutschkenntnisse, Neugier.",
        "benefits": "Flexible Arbeitszeiten, 30 Tage Urlaub, Weiterbildungsbudget, Jobrad.",
        "location": location,
        "location_type": location_type,
        "employment_type": employment,
        "experience_level": level,
        "category_id": Category.objects.get(slug=category_slug).pk,
        "technologies": list(Technology.objects.filter(name__in=technologies).values_list("pk", flat=True)),
        "languages_required": ["Deutsch", "Englisch"],
        "soft_skills": ["Teamfähigkeit", "Kommunikation"],
        "is_active": active,
    }
    if salary:
        body["salary_min"], body["salary_max"] = salary
    return body


def load_demo_data() -> tuple[Company, IssuedKey]:
    """Load the catalogue and the demo company, and return the company with a fresh full-access key."""
    with transaction.atomic():
        _load_catalogue()
        company = Company.objects.filter(name=DEMO_COMPANY_NAME).first()
        if company is None:
            company = company_create(name=DEMO_COMPANY_NAME, job_limit=DEMO_JOB_LIMIT)
        issued = api_key_create(company=company, name="Demo key", permissions=ALL_PERMISSIONS)
        if not Job.objects.filter(company=company).exists():
            for entry in JOBS:
                job_create(api_key=issued.credential, data=JobCreateIn.model_validate(_job_body(entry)))
    return company, issued


def demo_user_reset(*, company: Company, username: str = DEMO_USERNAME) -> str | None:
    """Create the company's dashboard user, or give it a new password; return the password.

    Return None, changing nothing, when a user of that name exists and is
    not a member of `company`, so that the demo never takes over a real
    account.
    """
    password = secrets.token_urlsafe(12)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        company_user_create(company=company, username=username, email=DEMO_EMAIL, password=password)
        return password

    if not CompanyMember.objects.filter(user=user, company=company).exists():
        return None
    user.set_password(password)
    user.save(update_fields=["password"])
    return password
