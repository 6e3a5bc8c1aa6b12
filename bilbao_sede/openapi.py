"""OpenAPI truthfulness: the error answers every operation can give, declared in the schema.

A drf-spectacular post-processing hook adds them where the operation does not declare its own:
400 (bad input: validation, or a NUL anywhere — ``bilbao_sede.bad_input``), 401 and 403 (when
the operation needs a login or a permission), 404 (an object that does not exist or that the
caller may not see — the access rule answers 404 — and an invalid page) and 413 (a body over
the limit). Error bodies are JSON: ``{"detail": "..."}`` or, for validation
errors, the messages by field.
"""

from __future__ import annotations

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "description": "`detail`: el motivo; en errores de validación, los mensajes por campo.",
    "additionalProperties": True,
}
# Validation errors: the messages by field; ``detail`` (the errors of no one field) is a message
# or, where a rule gives several reasons at once, the list of them.
VALIDATION_ERROR = {
    "anyOf": [
        {
            **ERROR,
            "properties": {
                "detail": {
                    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                }
            },
        },
        {"type": "array", "items": {"type": "string"}},
    ]
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}

DESCRIPTIONS = {
    "400": "Petición no válida: los mensajes dicen qué corregir.",
    "401": "Falta la autenticación o no es válida.",
    "403": "No tiene permiso para esta operación.",
    "404": "No existe, o no tiene acceso a ello.",
    "413": "El cuerpo de la petición supera el máximo admitido.",
}


def _response(code: str, schema: dict) -> dict:
    return {
        "description": DESCRIPTIONS[code],
        "content": {"application/json": {"schema": schema}},
    }


def _anonymous(operation: dict, default_security: list | None) -> bool:
    security = operation.get("security", default_security)
    return not security or {} in security


def document_error_responses(result, generator, request, public):
    default_security = result.get("security")
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            wanted = {"400": VALIDATION_ERROR, "404": ERROR}
            if not _anonymous(operation, default_security):
                wanted |= {"401": ERROR, "403": ERROR}
            if "requestBody" in operation:
                wanted["413"] = ERROR
            for code, schema in wanted.items():
                responses.setdefault(code, _response(code, schema))
    return result
