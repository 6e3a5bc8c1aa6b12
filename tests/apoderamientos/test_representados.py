"""``representados_of``: whom an apoderado may act for now, in one query — the same answer
as ``can_act`` for every kind of power (REA-2) and every state (REA-4..6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apoderamientos.decision import can_act, person_interesado
from apoderamientos.selectors import representados_of
from apoderamientos.services import apoderamiento_revoke
from identidad.models import Interesado
from tests.sede.filing_support import catalogo, make_power

__all__ = ["catalogo"]

pytestmark = pytest.mark.django_db


def test_general_and_procedure_powers_in_force(
    catalogo, ciudadana, otra_ciudadana, representante, django_assert_num_queries
):
    miren, ane = person_interesado(ciudadana), person_interesado(otra_ciudadana)
    jon = person_interesado(representante)
    ig, aes = catalogo["instancia-general"], catalogo["aes"]
    make_power(poderdante=miren, apoderado=jon)
    make_power(poderdante=ane, apoderado=jon, procedimientos=[aes])
    with django_assert_num_queries(1):
        scope = representados_of(jon)
    assert scope.everywhere == {miren.pk}
    assert scope.by_procedure == {ane.pk: {aes.pk}}
    assert scope.procedure_groups() == [(frozenset({ane.pk}), frozenset({aes.pk}))]
    # The same answers as the one question everybody asks.
    assert can_act(person=jon, interesado=miren, procedimiento=ig)
    assert can_act(person=jon, interesado=ane, procedimiento=aes)
    assert not can_act(person=jon, interesado=ane, procedimiento=ig)
    # Powers do not work backwards.
    assert not representados_of(miren) and not representados_of(ane)


def test_a_revoked_or_future_power_gives_nothing(catalogo, ciudadana, representante):
    miren, jon = person_interesado(ciudadana), person_interesado(representante)
    power = make_power(poderdante=miren, apoderado=jon)
    assert representados_of(jon).everywhere == {miren.pk}
    assert not representados_of(jon, timezone.now() - timedelta(days=1))  # not yet registered
    apoderamiento_revoke(apoderamiento=power, actor=ciudadana)
    assert representados_of(jon).everywhere == {miren.pk}  # kept on the object: one request
    assert not representados_of(Interesado.objects.get(pk=jon.pk))  # the next request
    assert not representados_of(None)
