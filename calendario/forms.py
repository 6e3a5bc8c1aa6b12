from django import forms
from django.utils.translation import gettext_lazy as _


class YearForm(forms.Form):
    """The year selector of the public calendar (a GET form, no JavaScript)."""

    year = forms.TypedChoiceField(label=_("Año"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["year"].error_messages["invalid_choice"] = _(
            "No hay calendario publicado para el año «%(value)s»."
        )
