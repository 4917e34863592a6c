"""The regulator's inspection checklist, version 1: what an inspector checks in every office.

Written here as data (not imported from the models' code), so that the migration seeds exactly these
rows whatever the code becomes. A later change to the checklist is a new version (new rows), never an
edit of these: inspections keep the version they were done with.
"""

from django.db import migrations

ITEMS = [
    # (code, weight, Persian, English)
    ("licence_displayed", 3, "پروانه دفتر در معرض دید است و با مشخصات دفتر و متصدی مطابقت دارد",
     "The licence is displayed and matches the office and its holder"),
    ("signboard", 2, "تابلوی سردر به شکل مقرر نصب شده است",
     "The signboard is in the prescribed form"),
    ("rate_board", 3, "تابلوی نرخ خدمات نصب شده و با تعرفه‌های مصوب مطابقت دارد",
     "The rate board is displayed and matches the tariffs in force"),
    ("staff_identified", 2, "کارکنان حاضرند و کارت شناسایی دارند",
     "Staff are present and identified"),
    ("opening_hours", 2, "ساعات کاری اعلام‌شده رعایت می‌شود",
     "The opening hours are kept"),
    ("equipment", 1, "تجهیزات (رایانه، چاپگر، اسکنر، کارت‌خوان) کار می‌کند",
     "Equipment (computers, printer, scanner, card reader) is working"),
    ("catalogue_only", 3, "خدمتی خارج از فهرست خدمات مجاز ارائه نمی‌شود",
     "No service outside the catalogue is offered"),
    ("citizen_data", 3, "اطلاعات و مدارک شهروندان به‌درستی نگهداری و حفاظت می‌شود",
     "Citizens' data and documents are handled properly"),
]  # fmt: skip


def seed(apps, schema_editor):
    ChecklistVersion = apps.get_model("supervision", "ChecklistVersion")
    ChecklistItem = apps.get_model("supervision", "ChecklistItem")
    if ChecklistVersion.objects.filter(number=1).exists():
        return
    version = ChecklistVersion.objects.create(number=1, note="The regulator's checklist, first edition")
    ChecklistItem.objects.bulk_create(
        ChecklistItem(version=version, code=code, position=index, weight=weight, text_fa=fa, text_en=en)
        for index, (code, weight, fa, en) in enumerate(ITEMS, start=1)
    )


def unseed(apps, schema_editor):
    ChecklistVersion = apps.get_model("supervision", "ChecklistVersion")
    ChecklistItem = apps.get_model("supervision", "ChecklistItem")
    ChecklistItem.objects.filter(version__number=1).delete()
    ChecklistVersion.objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_inspections")]

    operations = [migrations.RunPython(seed, unseed)]
