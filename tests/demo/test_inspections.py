"""The demo's inspections: visits for the demo inspector in Tehran, one submitted with a photo and a
score; made once."""

from pishkhan.demo.inspections import demo_inspections_ensure
from pishkhan.supervision.models import Inspection, InspectionPhoto
from tests.accounts.factories import UserFactory
from tests.offices.factories import make_office
from tests.supervision.test_inspections import photo_dir  # noqa: F401 (fixtures)


def test_the_demo_plans_visits_for_the_inspector_and_submits_one(geo_loaded):
    for n in range(1, 6):
        make_office(n)
    UserFactory(username="directorate", role="directorate", jurisdiction_code="23")
    inspector = UserFactory(username="inspector", role="inspector", jurisdiction_code="23")
    assert demo_inspections_ensure() == 4
    visits = Inspection.objects.order_by("planned_for", "id")
    assert {visit.inspector_id for visit in visits} == {inspector.pk}
    assert [visit.status for visit in visits] == ["submitted", "planned", "planned", "planned"]
    assert 0 < visits[0].score < 100
    assert InspectionPhoto.objects.get().item.code == "rate_board"
    assert demo_inspections_ensure() == 0
    assert Inspection.objects.count() == 4
