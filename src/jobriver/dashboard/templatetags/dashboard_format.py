from django import template

from jobriver.access.models import Permission

register = template.Library()


@register.filter
def permission_label(value: str) -> str:
    """Return the translated name of a key permission, or the stored value if it is unknown."""
    try:
        return Permission(value).label
    except ValueError:
        return value
