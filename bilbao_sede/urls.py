from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from firma.urls import verificar_urlpatterns
from identidad.views import staff_login

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    # Staff sign-in through the council's own identity provider (identidad.staff_auth).
    path("oidc-personal/", include("identidad.staff_oidc_urls")),
    path("saml2/", include("djangosaml2.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("bilbao_sede.api_urls")),
]

urlpatterns += i18n_patterns(
    # The staff login (password + second factor, or the council's IdP) replaces Django's
    # password-only admin form, at the admin's own address so django-axes throttles it.
    path("admin/login/", staff_login, name="staff_login"),
    path("admin/", admin.site.urls),
    path("identidad/", include("identidad.urls")),
    path("catalogo/", include("procedimientos.urls")),
    path("calendario/", include("calendario.urls")),
    path("registro/", include("registro.urls")),
    path("expedientes/", include("expedientes.urls")),
    path("firma/", include("firma.urls")),
    # CSV verification (FIR-8): the QR codes on issued documents point here.
    path("verificar/", include((verificar_urlpatterns, "verificar"))),
    path("notificaciones/", include("notificaciones.urls")),
    path("apoderamientos/", include("apoderamientos.urls")),
    path("gestion/", include("gestion.urls")),
    path("tablon/", include("tablon.urls")),
    path("pagos/", include("pagos.urls")),
    path("", include("sede.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
