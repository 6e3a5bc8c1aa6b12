"""Accessibility of the sede shell, checked on the HTML every page serves (SEDE-2).

A small HTML parser asserts what an automated checker would: every form control has a label,
every image has a text alternative, headings start at h1 and never skip a level, ids are unique,
and nothing is loaded from another site. The shared form components are checked on a real form
with errors. (tests/e2e runs axe-core in a browser on top of this when Chromium is present.)
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.urls import reverse
from django.utils import translation

from identidad.constants import MetodoIdentificacion
from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY

# Every citizen page of the shell (url names in the "sede" namespace), in both languages.
SEDE_PAGES = [
    "home",
    "titularidad",
    "identificacion",
    "normas_registro",
    "fecha_calendario",
    "accesibilidad",
    "aviso_legal",
    "verificacion",
    "incidencias",
    "quejas",
    "mapa",
]
LANGUAGES = ["es", "eu"]
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "image", "reset"}

# Citizens log in through an identity provider (Giltza, OIDC); its session backend here.
CITIZEN_BACKEND = "identidad.backends.oidc.GiltzaOIDCBackend"


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests to /eu/ leave Basque active in this thread: give later tests Spanish back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


class PageParser(HTMLParser):
    """Collects what the checks need from one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html_lang: str | None = None
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict] = []  # {"tag", "attrs", "in_label"}
        self.images: list[dict] = []
        self.resources: list[tuple[str, str]] = []  # (tag, url) of link/script/img
        self.links: list[dict] = []
        self.landmarks: set[str] = set()
        self.tags: list[tuple[str, dict]] = []
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        if tag in {"header", "nav", "main", "footer"}:
            self.landmarks.add(tag)
        if tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        is_button = tag == "input" and attrs.get("type", "text") in UNLABELLED_INPUT_TYPES
        if tag in {"input", "select", "textarea"} and not is_button:
            self.controls.append({"tag": tag, "attrs": attrs, "in_label": self._label_depth})
        if tag == "img":
            self.images.append(attrs)
            self.resources.append((tag, attrs.get("src", "")))
        if tag == "script" and attrs.get("src"):
            self.resources.append((tag, attrs["src"]))
        if tag == "link" and attrs.get("rel") != "alternate":
            self.resources.append((tag, attrs.get("href", "")))
        if tag == "a":
            self.links.append(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1


def parse(html: str | bytes) -> PageParser:
    parser = PageParser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser


def accessibility_problems(page: PageParser) -> list[str]:
    problems = []
    for control in page.controls:
        attrs = control["attrs"]
        labelled = (
            control["in_label"]
            or attrs.get("id") in page.label_for
            or attrs.get("aria-label", "").strip()
            or attrs.get("aria-labelledby", "").strip()
        )
        if not labelled:
            problems.append(f"{control['tag']} without a label: {attrs}")
    for image in page.images:
        if "alt" not in image:
            problems.append(f"img without alt: {image}")
    if not page.headings or page.headings[0] != 1:
        problems.append(f"headings do not start at h1: {page.headings}")
    if page.headings.count(1) != 1:
        problems.append(f"expected exactly one h1: {page.headings}")
    for previous, current in zip(page.headings, page.headings[1:], strict=False):
        if current > previous + 1:
            problems.append(f"heading skips from h{previous} to h{current}: {page.headings}")
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    if duplicates:
        problems.append(f"duplicate ids: {sorted(duplicates)}")
    return problems


def external_resources(page: PageParser) -> list[tuple[str, str]]:
    return [
        (tag, url)
        for tag, url in page.resources
        if url.lower().startswith(("http://", "https://", "//"))
    ]


def _url(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(f"sede:{name}")


def _logged_in(client, user):
    client.force_login(user, backend=CITIZEN_BACKEND)
    session = client.session
    session[SESSION_METHOD_KEY] = str(MetodoIdentificacion.BAKQ)
    session[SESSION_LEVEL_KEY] = 2
    session.save()
    return client


def _all_pages(client, user) -> list[tuple[str, bytes]]:
    """(url, html) of every shell page in both languages, Mi carpeta logged in, and the 404."""
    pages = []
    for language in LANGUAGES:
        for name in SEDE_PAGES:
            url = _url(name, language)
            pages.append((url, client.get(url).content))
        pages.append((f"/{language}/no-existe/", client.get(f"/{language}/no-existe/").content))
    _logged_in(client, user)
    for language in LANGUAGES:
        url = _url("mi_carpeta", language)
        pages.append((url, client.get(url).content))
        pages.append((_url("home", language), client.get(_url("home", language)).content))
    return pages


@pytest.mark.django_db
class TestEveryPage:
    def test_every_page_passes_the_accessibility_checks(self, client, ciudadana):
        failures = {
            url: problems
            for url, html in _all_pages(client, ciudadana)
            if (problems := accessibility_problems(parse(html)))
        }
        assert failures == {}

    def test_no_page_loads_anything_from_another_site(self, client, ciudadana):
        """No external CDN: stylesheets, scripts and images are served by the sede itself."""
        for url, html in _all_pages(client, ciudadana):
            page = parse(html)
            assert page.resources, url  # the parser did see the stylesheet and logo
            assert external_resources(page) == [], url

    def test_the_skip_link_is_the_first_link_and_reaches_main(self, client):
        page = parse(client.get("/").content)
        assert page.links[0].get("href") == "#main"
        assert "main" in page.ids
        main = next(attrs for tag, attrs in page.tags if tag == "main")
        assert main.get("id") == "main"

    def test_landmarks_are_present(self, client):
        for language in LANGUAGES:
            page = parse(client.get(_url("titularidad", language)).content)
            assert {"header", "nav", "main", "footer"} <= page.landmarks
            navs = [attrs for tag, attrs in page.tags if tag == "nav"]
            # Several navigation regions, each with its own accessible name.
            names = [n.get("aria-label") for n in navs]
            assert all(names) and len(set(names)) == len(names)


class TestTheCheckerItself:
    """The checks above would be worthless if the parser could not see a problem."""

    def test_it_reports_an_unlabelled_input_a_missing_alt_and_a_skipped_heading(self):
        page = parse(
            '<html lang="es"><h1>A</h1><h3>B</h3><input name="x" id="x"><img src="/a.png">'
            '<link rel="stylesheet" href="https://cdn.example.com/x.css"></html>'
        )
        problems = accessibility_problems(page)
        assert any("input without a label" in p for p in problems)
        assert any("img without alt" in p for p in problems)
        assert any("skips from h1 to h3" in p for p in problems)
        assert external_resources(page) == [("link", "https://cdn.example.com/x.css")]

    def test_a_label_for_or_around_the_control_counts(self):
        page = parse(
            '<h1>A</h1><label for="a">A</label><input id="a"><label>B <select></select></label>'
        )
        assert accessibility_problems(page) == []


class SampleForm(forms.Form):
    nif = forms.CharField(label="NIF", help_text="Con la letra final.", max_length=9)
    canal = forms.ChoiceField(
        label="Canal",
        choices=[("sede", "Sede"), ("postal", "Postal")],
        widget=forms.RadioSelect,
        help_text="Dónde recibir las notificaciones.",
    )
    acepto = forms.BooleanField(label="Acepto las condiciones")
    email = forms.EmailField(label="Correo", required=False)


FORM_TEMPLATE = Template(
    '{% extends "base.html" %}{% block content %}<h1>Formulario</h1><form method="post">'
    '{% include "components/form_errors.html" with form=form %}'
    "{% for field in form %}"
    '{% include "components/field.html" with field=field %}{% endfor %}'
    "</form>{% endblock %}"
)


@pytest.mark.django_db
class TestFormComponents:
    """templates/components/form_errors.html and field.html on a form with errors."""

    def _render(self, rf, data, language="es"):
        form = SampleForm(data=data)
        form.is_valid()
        request = rf.get("/")
        request.user = AnonymousUser()
        with translation.override(language):
            return FORM_TEMPLATE.render(RequestContext(request, {"form": form}))

    def test_the_error_summary_links_to_each_field_with_an_error(self, rf):
        html = self._render(rf, {"nif": "", "email": "no-es-correo"})
        page = parse(html)
        summary = [attrs for tag, attrs in page.tags if attrs.get("role") == "alert"]
        assert len(summary) == 1
        hrefs = {a.get("href") for a in page.links}
        assert {"#id_nif", "#id_canal", "#id_acepto", "#id_email"} <= hrefs
        assert "Hay 4 problemas en el formulario" in html

    def test_a_field_with_an_error_is_marked_invalid_and_described_by_help_and_error(self, rf):
        page = parse(self._render(rf, {"nif": ""}))
        nif = next(a for tag, a in page.tags if tag == "input" and a.get("name") == "nif")
        assert nif["aria-invalid"] == "true"
        assert nif["aria-describedby"].split() == ["id_nif_helptext", "id_nif_error"]
        assert {"id_nif_helptext", "id_nif_error"} <= set(page.ids)
        radios = next(a for tag, a in page.tags if tag == "fieldset")
        assert radios["aria-describedby"].split() == ["id_canal_helptext", "id_canal_error"]

    def test_a_valid_field_is_not_marked_invalid(self, rf):
        page = parse(self._render(rf, {"nif": "12345678Z", "canal": "sede", "acepto": "on"}))
        nif = next(a for tag, a in page.tags if tag == "input" and a.get("name") == "nif")
        assert "aria-invalid" not in nif
        assert not [attrs for tag, attrs in page.tags if attrs.get("role") == "alert"]

    def test_the_rendered_form_passes_the_accessibility_checks(self, rf):
        for language in LANGUAGES:
            page = parse(self._render(rf, {"nif": ""}, language))
            assert accessibility_problems(page) == []
