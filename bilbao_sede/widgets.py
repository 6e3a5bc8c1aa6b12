"""Form widgets that render long option lists in Python (issue 10).

Django renders a ``<select>`` through one template per option (and one more for each
option's attributes): ~0.1 ms an option, so the registry book's list of ~100 units cost
more than its 50 rows. ``Select`` writes exactly the HTML of Django's templates
(``django/forms/widgets/select.html``, ``select_option.html``, ``attrs.html``), checked
against them in ``tests/test_widgets.py``; a subclass that names other templates is
rendered by them as usual."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

DJANGO_SELECT = "django/forms/widgets/select.html"
DJANGO_OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


class FastSelectMixin:
    def render(self, name, value, attrs=None, renderer=None):
        if self.template_name != DJANGO_SELECT or self.option_template_name != DJANGO_OPTION:
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                html.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value escaped above


class Select(FastSelectMixin, forms.Select):
    pass
