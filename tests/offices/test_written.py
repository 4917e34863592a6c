"""What officials type into the registry is stored as they typed it; search folds it, not the store."""

from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_list
from pishkhan.offices.services import office_update
from tests.offices.factories import make_office


def test_a_name_with_the_hamza_mark_is_stored_as_written_and_found_without_it(geo_loaded):
    # given an office registered with the hamza mark in its name and address
    office = make_office(1, name="دفتر پیشخوان پایهٔ یک", address="خیابان مادهٔ ۱۲")

    # when someone searches without the mark
    found = list(office_list(q="پایه").values_list("code", flat=True))

    # then the name and address are kept as written, and the search finds it
    stored = Office.objects.get(pk=office.pk)
    assert (stored.name, stored.address) == ("دفتر پیشخوان پایهٔ یک", "خیابان مادهٔ ۱۲")
    assert found == [office.code]


def test_a_change_of_name_is_stored_as_written_too(geo_loaded):
    office = make_office(1)

    office_update(office=office, name="  دفتر   خانهٔ ملت ", actor=None)

    assert Office.objects.get(pk=office.pk).name == "دفتر خانهٔ ملت"
    assert list(office_list(q="خانه ملت").values_list("code", flat=True)) == [office.code]
