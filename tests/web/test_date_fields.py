"""Every date a person types is read by one parser and offered the Jalali date picker."""

import importlib
import inspect
import pkgutil

from django import forms

import pishkhan
from pishkhan.common.forms import JalaliDateField
from pishkhan.common.forms import JalaliDateInput as Picker


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module_info in pkgutil.walk_packages(pishkhan.__path__, "pishkhan."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        found += [
            cls
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
        ]
    return found


def test_every_date_field_of_every_form_is_jalali_with_the_picker():
    date_fields = {}
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField | JalaliDateField):
                date_fields[f"{form_class.__module__}.{form_class.__name__}.{name}"] = field

    # The counter's day, the search's period, a suspension's end, a document's expiry, a legal
    # basis's date, a tariff's start: all of them, and nothing but the Jalali field.
    assert len(date_fields) >= 7, sorted(date_fields)
    assert [name for name, field in date_fields.items() if not isinstance(field, JalaliDateField)] == []
    without_picker = [name for name, field in date_fields.items() if not isinstance(field.widget, Picker)]
    assert without_picker == []


def test_the_date_box_carries_the_pickers_words_in_the_active_language():
    from django.utils import translation

    class DayForm(forms.Form):
        day = JalaliDateField(label="day")

    with translation.override("fa"):
        persian = str(DayForm()["day"])
    with translation.override("en"):
        english = str(DayForm()["day"])

    assert "data-datepicker=" in persian
    assert "آذر" in persian
    assert "&quot;persian&quot;: true" in persian
    assert "Azar" in english
    assert "&quot;persian&quot;: false" in english
    assert 'dir="ltr"' in english
