"""Factories of the catalogue. They publish through the services, so every row is one a real agency
could have written (search keys, canonical office kinds, audit entries)."""

import datetime as dt

import factory
import jdatetime

from pishkhan.catalogue import services
from pishkhan.catalogue.models import Agency, AgencyKind, OutsourcingStatus, Service, Tariff


class AgencyFactory(factory.Factory):
    """An active agency with a sandbox back-end."""

    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency{n}")
    name_fa = factory.Sequence(lambda n: f"دستگاه آزمایشی {n}")
    name_en = factory.Sequence(lambda n: f"Test agency {n}")
    kind = AgencyKind.ORGANISATION

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.agency_create(actor=None, **kwargs)


class ServiceFactory(factory.Factory):
    """An outsourced service that Pishkhan offices may deliver."""

    class Meta:
        model = Service

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"service-{n}")
    title_fa = factory.Sequence(lambda n: f"خدمت آزمایشی {n}")
    title_en = factory.Sequence(lambda n: f"Test service {n}")
    trips_saved = 1
    target_minutes = 30
    office_kinds = factory.LazyFunction(lambda: ["pishkhan"])
    outsourcing = OutsourcingStatus.OUTSOURCED

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.service_create(actor=None, **kwargs)


def nowruz(year: int) -> dt.date:
    """Farvardin 1 of a Jalali year, as a Gregorian date."""
    return jdatetime.date(year, 1, 1).togregorian()


class TariffFactory(factory.Factory):
    """A service's tariff for a Jalali year, in force from Nowruz."""

    class Meta:
        model = Tariff

    service = factory.SubFactory(ServiceFactory)
    jalali_year = 1404
    government_fee = 500_000
    office_fee = 150_000
    effective_from = factory.LazyAttribute(lambda tariff: nowruz(tariff.jalali_year))

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.tariff_set(actor=None, **kwargs)
