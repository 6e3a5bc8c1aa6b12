"""The catalogue as data: validate, import (idempotent, all or nothing) and export.

File format (YAML or JSON), documented in docs/catalogo.md::

    format: bilbao-sede-catalogo/1
    materias: [{slug, name_es, name_eu, name_eu_verified, order}]
    unidades: [{dir3, name_es, name_eu, kind, parent, is_example, name_eu_verified,
                sources, notes}]
    procedimientos: [{code, title_es, ..., guide: {...}, form: {schema, layout}}]
"""

from .exporting import catalogo_export
from .fileformat import FILE_SCHEMA, FORMAT, CatalogoImportError, dump, load_file
from .importing import catalogo_import
from .validation import catalogo_validate

__all__ = [
    "FILE_SCHEMA",
    "FORMAT",
    "CatalogoImportError",
    "catalogo_export",
    "catalogo_import",
    "catalogo_validate",
    "dump",
    "load_file",
]
