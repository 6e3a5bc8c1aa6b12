"""The form builder's vocabulary (issue 16): what catalogue editors may put into a form.

A form stays ONE format — a JSON Schema (draft 2020-12) plus the layout of
``procedimientos.forms_schema`` — that the citizen engine (``sede.filing``) renders and judges.
The builder only offers, as data, the pieces below; each one is expressed inside that format:

- **Blocks** (``bloques``): reusable groups of fields (applicant, representative, postal address,
  IBAN, cadastral reference, plate, household members, attachments list). Inserting a block copies
  its properties into the schema under a key the editor chooses, and a fieldset into the layout;
  each copied property carries ``"x-block": "<block id>"`` so the builder recognises it later.
- **Validators** (``validadores``): the engine's checks offered by name with their parameters
  and es/eu messages — per field: standard keywords (``minimum``, ``maximum``,
  ``exclusiveMinimum``/``exclusiveMaximum``, ``minLength``, ``maxLength``, ``pattern``),
  ``format``/``x-format`` for Spanish identifiers (``nif``, ``nie``, ``cif``, ``iban``,
  ``referencia-catastral``, ``matricula``) and ``x-date`` for dates relative to today
  (``{"min": "-P120Y", "max": "today"}``: ``today``, a signed ISO-8601 duration or a date,
  inclusive); per object (the form, or a repeatable group's items): ``x-rules``, a list of
  cross-field rules with pointers relative to it (``{"rule": "after", "field": "/fin",
  "other": "/inicio"}``; ``required-together``/``at-least-one-of`` and ``sum-at-most``/
  ``sum-equals`` take ``fields``). Any rule may carry ``message_es``/``message_eu``; a field
  overrides a keyword's message with ``"x-messages": {"pattern": {"message_es": …, …}}``.
  ``comprobacion`` refuses malformed ones at publication; ``sede.filing.reglas`` judges them.
  Conditional display is the layout's ``condition``; required-if is ``allOf: [{if, then}]``.
- **Prefill sources** (``prefill``): plugins that give initial values (the identification, the
  person's previous filings, municipal sources such as the padrón); a property names its source
  with ``"x-prefill": {"source": "<id>", "key": "<attribute>", "editable": true|false}``.

Apps above ``procedimientos`` (``sede``) implement what needs their data and register it here,
the way each app registers its staff pages in ``identidad.workspace``.
"""
