"""View decorators about the session's identification."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from .constants import NivelGarantia
from .session import has_level


def level_required(minimum: int):
    """Let the view run only when the session's level of assurance is at least ``minimum``.

    Otherwise send the citizen to the login page (keeping ``next``) with a message that
    names the level needed, so they can identify again with a stronger method.
    """
    minimum = NivelGarantia(int(minimum))

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if has_level(request, minimum):
                return view(request, *args, **kwargs)
            if request.user.is_authenticated:
                messages.warning(
                    request,
                    _(
                        "Este trámite exige un nivel de garantía de identificación "
                        "%(nivel)s o superior. Identifíquese con un método de ese nivel, "
                        "por ejemplo con certificado electrónico."
                    )
                    % {"nivel": minimum.label.lower()},
                )
            return redirect_to_login(request.get_full_path())

        wrapped.level_required = minimum
        return wrapped

    return decorator
