"""Writes of the dashboard: company users."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jobriver.companies.models import Company, CompanyMember

logger = logging.getLogger(__name__)


def company_user_create(*, company: Company, username: str, email: str, password: str):
    """Create a user who signs in to the dashboard for `company`.

    Raise ValidationError naming the field when the username is taken or
    invalid, the e-mail address is invalid or the password fails the
    configured password validators.
    """
    user_model = get_user_model()
    user = user_model(username=username.strip(), email=user_model.objects.normalize_email(email.strip()))
    if not user.email:
        raise ValidationError({"email": _("An e-mail address is required, so that the user can reset the password.")})

    # full_clean checks the username's characters and uniqueness and the e-mail format.
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)

    with transaction.atomic():
        user.save()
        CompanyMember.objects.create(user=user, company=company)

    logger.info("company user created user_id=%s company_id=%s", user.pk, company.pk)
    return user
