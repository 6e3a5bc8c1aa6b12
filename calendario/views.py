from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .forms import YearForm


def index(request):
    """The published calendar of non-working days, one year at a time (TIME-7, SEDE-2)."""
    today = timezone.localdate()
    years = sorted(set(selectors.calendar_years()) | {today.year, today.year + 1})
    form = YearForm(request.GET or None, years=years)
    errors: list[str] = []
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
    else:
        year = today.year
        errors = form.errors.get("year", []) if form.is_bound else []
        form = YearForm(initial={"year": year}, years=years)
    dias = list(selectors.dia_inhabil_list(year=year))
    return render(
        request,
        "calendario/index.html",
        {
            "form": form,
            "errors": errors,
            "year": year,
            "dias": dias,
            "has_unverified": any(not d.verified for d in dias),
            "unverified_non_working": selectors.unverified_days_are_non_working(),
        },
    )
