from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .forms import YearForm


def index(request):
    """The published calendar of non-working days, one year at a time (TIME-7, SEDE-2)."""
    today = timezone.localdate()
    years = sorted(set(selectors.calendar_years()) | {today.year, today.year + 1})
    form = YearForm(request.GET or None, years=years)
    year = form.cleaned_data["year"] if form.is_valid() else today.year
    if not form.is_bound or not form.is_valid():
        form_for_select = YearForm(initial={"year": year}, years=years)
    else:
        form_for_select = form
    dias = list(selectors.dia_inhabil_list(year=year))
    return render(
        request,
        "calendario/index.html",
        {
            "form": form_for_select,
            "errors": form.errors.get("year", []) if form.is_bound else [],
            "year": year,
            "dias": dias,
            "has_unverified": any(not d.verified for d in dias),
            "unverified_non_working": selectors.unverified_days_are_non_working(),
        },
        status=200,
    )
