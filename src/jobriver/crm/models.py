import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobriver.api.fields import EMAIL_MAX_LENGTH

# Limits shared by the models, the admin forms and the Admin API schemas.
NAME_MAX_LENGTH = 100
FIRMA_MAX_LENGTH = 255
ADRESSE_MAX_LENGTH = 255
TELEFON_MAX_LENGTH = 50
TELEFON_MIN_DIGITS = 3
NOTIZEN_MAX_LENGTH = 10_000
ANGEBOT_NUMMER_MAX_LENGTH = 50
ANGEBOT_PDF_PATH_MAX_LENGTH = 500
PACKAGE_NAME_MAX_LENGTH = 100

# Money is in euros with cent precision. The largest amount is 9,999,999,999.99.
MONEY_MAX_DIGITS = 12
MONEY_DECIMAL_PLACES = 2
MONEY_MAX = Decimal("9999999999.99")
ANZAHL_MAX = 1_000_000
RABATT_MAX = Decimal("100")  # percent

# Digits, spaces and the separators people write in phone numbers, with an optional leading +.
_TELEFON_PATTERN = re.compile(r"\+?[0-9 ()/.\-]+")


def is_phone_number(value: str) -> bool:
    """Return whether `value` looks like a phone number such as "+49 (0)30 123-456"."""
    if not _TELEFON_PATTERN.fullmatch(value):
        return False
    return sum(character.isdigit() for character in value) >= TELEFON_MIN_DIGITS


def validate_phone(value: str) -> None:
    if not is_phone_number(value):
        raise ValidationError(
            _("Enter a phone number with at least %(min_digits)s digits, using only digits, spaces and + ( ) / . -"),
            code="invalid_phone",
            params={"min_digits": TELEFON_MIN_DIGITS},
        )


class LeadStatus(models.TextChoices):
    """Stages of a lead in the sales pipeline, with the values the Admin API uses."""

    NEU = "neu", _("new")
    WV = "wv", _("follow-up")
    TERMIN = "termin", _("appointment")
    ANGEBOT = "angebot", _("quote")
    DEAL = "deal", _("deal")
    TOT = "tot", _("lost")


class AngebotStatus(models.TextChoices):
    """States of the quote sent to a lead."""

    KEINE = "keine", _("none")
    ERSTELLT = "erstellt", _("created")
    VERSENDET = "versendet", _("sent")
    ANGENOMMEN = "angenommen", _("accepted")
    ABGELEHNT = "abgelehnt", _("rejected")


class Package(models.Model):
    """A product package that leads can be offered, with its list price in euros.

    Packages that leads refer to cannot be deleted; deactivate them instead,
    which also stops new leads from naming them.
    """

    name = models.CharField(_("name"), max_length=PACKAGE_NAME_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True, default="")
    price = models.DecimalField(
        _("price (EUR)"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MONEY_MAX)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="crm_package_name_unique"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="crm_package_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Lead(models.Model):
    """A sales contact, with the package, price and quote it is being offered.

    The field names are the Admin API's (German, as in the sales team's
    forms). `preis` is in euros and `rabatt` in percent. `datum_eingang` is
    the day the lead came in and `reminder` the day to follow it up.
    """

    vorname = models.CharField(_("first name"), max_length=NAME_MAX_LENGTH)
    nachname = models.CharField(_("last name"), max_length=NAME_MAX_LENGTH)
    firma = models.CharField(_("company"), max_length=FIRMA_MAX_LENGTH, null=True, blank=True)
    adresse = models.CharField(_("address"), max_length=ADRESSE_MAX_LENGTH, null=True, blank=True)
    telefon = models.CharField(
        _("phone"), max_length=TELEFON_MAX_LENGTH, null=True, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("e-mail"), max_length=EMAIL_MAX_LENGTH, null=True, blank=True)
    datum_eingang = models.DateField(_("date received"))
    reminder = models.DateField(_("reminder"), null=True, blank=True, help_text=_("Day to follow up this lead."))
    package = models.ForeignKey(
        Package,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("package"),
    )
    preis = models.DecimalField(
        _("price (EUR)"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MONEY_MAX)],
    )
    anzahl = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(ANZAHL_MAX)]
    )
    rabatt = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=MONEY_DECIMAL_PLACES,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(RABATT_MAX)],
    )
    status = models.CharField(_("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEU)
    angebot_status = models.CharField(
        _("quote status"), max_length=12, choices=AngebotStatus.choices, default=AngebotStatus.KEINE
    )
    angebot_pdf_path = models.CharField(
        _("quote PDF path"), max_length=ANGEBOT_PDF_PATH_MAX_LENGTH, null=True, blank=True
    )
    angebot_nummer = models.CharField(_("quote number"), max_length=ANGEBOT_NUMMER_MAX_LENGTH, null=True, blank=True)
    notizen = models.TextField(_("notes"), max_length=NOTIZEN_MAX_LENGTH, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-datum_eingang", "-id"]
        indexes = [
            models.Index(fields=["status", "-datum_eingang"], name="crm_lead_status_received"),
            models.Index(fields=["-datum_eingang", "-id"], name="crm_lead_received"),
            models.Index(fields=["reminder"], name="crm_lead_reminder"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preis__isnull=True) | models.Q(preis__gte=0), name="crm_lead_preis_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(anzahl__gte=1), name="crm_lead_anzahl_at_least_one"),
            models.CheckConstraint(
                condition=models.Q(rabatt__gte=0, rabatt__lte=RABATT_MAX), name="crm_lead_rabatt_percent"
            ),
            models.CheckConstraint(condition=models.Q(status__in=LeadStatus.values), name="crm_lead_status_known"),
            models.CheckConstraint(
                condition=models.Q(angebot_status__in=AngebotStatus.values), name="crm_lead_angebot_status_known"
            ),
        ]

    def __str__(self) -> str:
        if self.firma:
            return f"{self.vorname} {self.nachname} ({self.firma})"
        return f"{self.vorname} {self.nachname}"
