"""Spanish formats: Django's, with the thousands separator the council's documents use
(«1.250,50 €», as in the BOE and the Basque public administrations), not a thin space."""

from django.conf.locale.es.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "."
