"""The message templates, Persian and English: the texts the regulator may edit in the admin.

``placeholders`` lists the names the sending code fills; ``essential`` marks the messages sent even to
a mobile that opted out (one-time codes and legal notices). ``seed`` also runs after a test's flush
(tests/conftest.py MIGRATION_SEEDS).
"""

from django.db import migrations

# code, placeholders, essential, Persian body, English body
TEMPLATES = [
    ("txn_received", "service,code", False,
     "پیشخوان: درخواست «{service}» ثبت شد. کد رهگیری: {code}",
     "Pishkhan: your request “{service}” is recorded. Tracking code: {code}"),
    ("txn_submitted", "service,code", False,
     "پیشخوان: درخواست {code} به دستگاه اجرایی فرستاده شد.",
     "Pishkhan: request {code} was sent to the agency."),
    ("txn_completed", "service,code,link", False,
     "پیشخوان: درخواست «{service}» ({code}) انجام شد. نظر شما: {link}",
     "Pishkhan: your request “{service}” ({code}) is done. Rate it: {link}"),
    ("txn_rejected", "service,code,reason", False,
     "پیشخوان: درخواست {code} پذیرفته نشد. دلیل: {reason}",
     "Pishkhan: request {code} was not accepted. Reason: {reason}"),
    ("txn_rejected_bring", "service,code,reason,bring", False,
     "پیشخوان: درخواست {code} پذیرفته نشد. دلیل: {reason}. همراه بیاورید: {bring}",
     "Pishkhan: request {code} was not accepted. Reason: {reason}. Bring: {bring}"),
    ("complaint_received", "number", False,
     "پیشخوان: شکایت شما با شماره {number} ثبت شد.",
     "Pishkhan: your complaint {number} is registered."),
    ("complaint_answered", "number,answer", False,
     "پیشخوان: پاسخ شکایت {number}: {answer}",
     "Pishkhan: the answer to your complaint {number}: {answer}"),
    ("complaint_refund_ordered", "number,amount", False,
     "پیشخوان: بازپرداخت {amount} ریال برای شکایت {number} دستور داده شد.",
     "Pishkhan: a refund of {amount} rials was ordered for complaint {number}."),
    ("complaint_closed", "number", False,
     "پیشخوان: رسیدگی به شکایت {number} پایان یافت.",
     "Pishkhan: complaint {number} is closed."),
    ("application_received", "number", False,
     "پیشخوان: درخواست پروانه {number} دریافت شد.",
     "Pishkhan: licence application {number} was received."),
    ("application_under_review", "number", False,
     "پیشخوان: درخواست پروانه {number} در دست بررسی است.",
     "Pishkhan: licence application {number} is under review."),
    ("application_approved", "number", False,
     "پیشخوان: درخواست پروانه {number} پذیرفته شد.",
     "Pishkhan: licence application {number} was approved."),
    ("application_refused", "number", False,
     "پیشخوان: درخواست پروانه {number} رد شد.",
     "Pishkhan: licence application {number} was refused."),
    ("licence_issued", "number", True,
     "پیشخوان: پروانه {number} صادر شد.",
     "Pishkhan: licence {number} was issued."),
    ("licence_active", "number", True,
     "پیشخوان: پروانه {number} فعال شد.",
     "Pishkhan: licence {number} is now active."),
    ("licence_suspended", "number", True,
     "پیشخوان: پروانه {number} تعلیق شد. جزئیات در سامانه.",
     "Pishkhan: licence {number} was suspended. Details online."),
    ("licence_reinstated", "number", True,
     "پیشخوان: تعلیق پروانه {number} پایان یافت.",
     "Pishkhan: licence {number} was reinstated."),
    ("licence_revoked", "number", True,
     "پیشخوان: پروانه {number} لغو شد. جزئیات در سامانه.",
     "Pishkhan: licence {number} was revoked. Details online."),
    ("licence_expired", "number", True,
     "پیشخوان: اعتبار پروانه {number} به پایان رسید.",
     "Pishkhan: licence {number} has expired."),
    ("licence_surrendered", "number", True,
     "پیشخوان: پروانه {number} واگذار شد.",
     "Pishkhan: licence {number} was surrendered."),
    ("licence_renewal", "number,days,expires", False,
     "پیشخوان: پروانه {number} تا {days} روز دیگر ({expires}) منقضی می‌شود. برای تمدید اقدام کنید.",
     "Pishkhan: licence {number} expires in {days} days ({expires}). Apply to renew it."),
    ("sanction_notice", "number,office,ground,date", True,
     "پیشخوان: پرونده تخلف {number} برای دفتر {office} ({ground}) تشکیل شد. "
     "شرح واقعه را بخوانید و تا {date} در «مجوزهای من» پاسخ دهید.",
     "Pishkhan: sanction case {number} was opened against office {office} ({ground}). "
     "Read the facts and answer by {date} under My licences."),
    ("campaign_notice", "number,office,campaign,date", True,
     "پیشخوان: سازمان تنظیم مقررات قصد دارد پروانهٔ {number} (دفتر {office}) را به دلیل عدم فعالیت "
     "در پویش {campaign} لغو کند. تا {date} فعالیت نشان دهید یا اعتراض کنید؛ جزئیات در صفحهٔ پروانه.",
     "Pishkhan: the regulator intends to revoke licence {number} (office {office}) for inactivity, "
     "campaign {campaign}. Show activity or appeal by {date}; details on the licence's page."),
    ("optout_code", "code", True,
     "پیشخوان: کد تأیید شما {code}",
     "Pishkhan: your confirmation code is {code}"),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, placeholders, essential, fa, en in TEMPLATES:
        for language, body in (("fa", fa), ("en", en)):
            MessageTemplate.objects.get_or_create(
                code=code,
                language=language,
                defaults={"body": body, "placeholders": placeholders, "essential": essential},
            )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
