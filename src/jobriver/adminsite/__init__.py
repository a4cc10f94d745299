"""Jobriver's Django admin site at /admin/, installed in place of `django.contrib.admin`."""
