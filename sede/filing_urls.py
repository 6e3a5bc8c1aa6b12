"""Routes of the filing flow, under /tramites/ (included by sede/urls.py, namespace "sede")."""

from django.urls import path

from . import filing_views as views
from . import pago_views

urlpatterns = [
    path("borrador/<uuid:public_id>/", views.resume, name="filing_resume"),
    path("borrador/<uuid:public_id>/paso/<slug:step_id>/", views.step, name="filing_step"),
    path("borrador/<uuid:public_id>/revisar/", views.review, name="filing_review"),
    path("borrador/<uuid:public_id>/pago/", pago_views.pago, name="filing_pago"),
    path("borrador/<uuid:public_id>/firmar/", views.sign, name="filing_sign"),
    path("borrador/<uuid:public_id>/solicitud.pdf", views.solicitud_pdf, name="filing_solicitud"),
    path("borrador/<uuid:public_id>/presentar/", views.submit, name="filing_submit"),
    path("borrador/<uuid:public_id>/eliminar/", views.delete, name="filing_delete"),
    path("presentacion/<uuid:public_id>/", views.receipt, name="filing_receipt"),
    path(
        "presentacion/<uuid:public_id>/justificante.pdf",
        views.receipt_pdf,
        name="filing_receipt_pdf",
    ),
    path("<slug:code>/", views.start, name="filing_start"),
]
