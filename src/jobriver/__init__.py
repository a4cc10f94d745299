"""Jobriver: the job-board server behind the company API, the Admin API and the dashboards."""

__version__ = "0.1.0"
