"""Users, interesados, organisational units and the audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .constants import ResultadoAuditoria, TipoPersona, TipoUnidad
from .validators import validate_dir3, validate_nif


class Unidad(models.Model):
    """An organisational unit of the council, identified by its DIR3 code."""

    dir3 = models.CharField(_("código DIR3"), max_length=9, unique=True, validators=[validate_dir3])
    name_es = models.CharField(_("nombre (castellano)"), max_length=200)
    name_eu = models.CharField(_("nombre (euskera)"), max_length=200, blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=TipoUnidad.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("unidad superior"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_example = models.BooleanField(
        _("ejemplo"),
        default=False,
        help_text=_("Unidad inventada para la demostración: su código DIR3 no es oficial."),
    )
    active = models.BooleanField(_("vigente"), default=True)
    address = models.CharField(_("dirección"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("unidad")
        verbose_name_plural = _("unidades")
        ordering = ["name_es"]

    def __str__(self) -> str:
        return self.label_of(name_es=self.name_es, name_eu=self.name_eu, dir3=self.dir3)

    @property
    def name(self) -> str:
        if get_language() == "eu" and self.name_eu:
            return self.name_eu
        return self.name_es

    @staticmethod
    def label_of(*, name_es: str, name_eu: str, dir3: str) -> str:
        """``str(unidad)`` from its columns (lists that read rows, not instances)."""
        name = name_eu if get_language() == "eu" and name_eu else name_es
        return f"{name} ({dir3})"


class User(AbstractUser):
    """A person who logs in: a citizen (identified by NIF) or a member of staff."""

    nif = models.CharField(_("NIF"), max_length=12, unique=True, null=True, blank=True)
    second_last_name = models.CharField(_("segundo apellido"), max_length=150, blank=True)
    unidades = models.ManyToManyField(
        Unidad, verbose_name=_("unidades"), blank=True, related_name="staff"
    )

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    def clean(self) -> None:
        super().clean()
        if self.nif:
            self.nif = validate_nif(self.nif)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name, self.second_last_name) if p)


class Interesado(models.Model):
    """A party to a procedure: persona física (DNI/NIE) or persona jurídica (CIF)."""

    tipo = models.CharField(_("tipo de persona"), max_length=10, choices=TipoPersona.choices)
    nif = models.CharField(_("NIF"), max_length=12, unique=True)
    nombre = models.CharField(_("nombre"), max_length=150, blank=True)
    apellido1 = models.CharField(_("primer apellido"), max_length=150, blank=True)
    apellido2 = models.CharField(_("segundo apellido"), max_length=150, blank=True)
    razon_social = models.CharField(_("razón social"), max_length=250, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    telefono = models.CharField(_("teléfono móvil"), max_length=20, blank=True)
    direccion = models.CharField(_("dirección"), max_length=250, blank=True)
    codigo_postal = models.CharField(_("código postal"), max_length=5, blank=True)
    municipio = models.CharField(_("municipio"), max_length=100, blank=True)
    user = models.OneToOneField(
        User,
        verbose_name=_("usuario"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interesado",
    )
    created_at = models.DateTimeField(_("alta"), auto_now_add=True)

    class Meta:
        verbose_name = _("interesado")
        verbose_name_plural = _("interesados")
        ordering = ["nif"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.nif})"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        try:
            self.nif = validate_nif(self.nif, self.tipo)
        except ValidationError as exc:
            errors["nif"] = exc.messages
        if self.tipo == TipoPersona.FISICA and not (self.nombre and self.apellido1):
            errors["nombre"] = [_("Indique el nombre y el primer apellido.")]
        if self.tipo == TipoPersona.JURIDICA and not self.razon_social:
            errors["razon_social"] = [_("Indique la razón social.")]
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self) -> str:
        if self.tipo == TipoPersona.JURIDICA:
            return self.razon_social
        return " ".join(p for p in (self.nombre, self.apellido1, self.apellido2) if p)


class AuditChainHead(models.Model):
    """The head of the audit chain: the last chained row's sequence number and hash.

    Only the sequencer (``identidad.services.audit_chain_pending``, one at a time) locks and
    updates it; ``audit_record`` never touches it, so auditing costs one row insert and no
    request queues behind this row. ``audit_verify`` compares the walk with it, so removing
    rows at the tail shows.
    """

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEntry(models.Model):
    """One append-only audit event (ENS-1): who, when, object, action, result.

    Written by ``audit_record`` with a plain INSERT (``seq`` and the hashes empty); the
    sequencer then chains it: ``seq`` is its position in the chain and ``hash`` covers every
    field and the previous row's hash, so changing or removing a row breaks the chain
    (``manage.py audit_verify``).
    """

    seq = models.BigIntegerField(_("número"), unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("fecha y hora"))
    # No index of its own: (actor, created_at) below serves every look-up by actor, the
    # PROTECT check included, and each audited action would update a second one.
    actor = models.ForeignKey(
        User,
        verbose_name=_("usuario"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    actor_repr = models.CharField(_("quién"), max_length=200)
    action = models.CharField(_("acción"), max_length=100)
    object_type = models.CharField(_("tipo de objeto"), max_length=100, blank=True)
    object_id = models.CharField(_("objeto"), max_length=100, blank=True)
    result = models.CharField(_("resultado"), max_length=10, choices=ResultadoAuditoria.choices)
    detail = models.JSONField(_("detalle"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("registro de auditoría")
        verbose_name_plural = _("registros de auditoría")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "created_at"]),
            # The sequencer's queue: rows not chained yet, in insertion order.
            models.Index(
                fields=["id"], name="identidad_audit_pending_idx", condition=models.Q(seq=None)
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")
