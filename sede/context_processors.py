from django.conf import settings
from django.utils import timezone


def sede(request):
    """Council identity and the official date and time (TIME-1) for every page."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_name_eu": settings.COUNCIL_NAME_EU,
        "official_now": timezone.localtime(),
    }
