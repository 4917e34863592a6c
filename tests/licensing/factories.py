"""Builders of licensing tests: people in their roles, documents of real types, and applications and
licences made through the domain services (so what a test starts from is what the rules allow)."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pishkhan.accounts.identity import national_id_key
from pishkhan.accounts.models import User
from pishkhan.accounts.permissions import principal_for_user
from pishkhan.accounts.selectors import user_national_id
from pishkhan.accounts.services import user_identity_bind
from pishkhan.common.identifiers import national_id_is_valid
from pishkhan.licensing.models import DOCUMENTS_WITH_EXPIRY, REQUIRED_DOCUMENTS, LicenceApplication
from pishkhan.licensing.services import (
    ApplicantDraft,
    LicenceDraft,
    application_decide,
    application_document_add,
    application_review,
    application_submit,
    application_take,
    licences_issue_many,
)
from tests.accounts.factories import UserFactory
from tests.offices.factories import TEHRAN_CITY, TEHRAN_COUNTY, TEHRAN_PROVINCE, national_id

# A real, minimal PDF (a header, an empty catalogue, a trailer) and a real 1×1 PNG.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    + _png_chunk(b"IEND", b"")
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def upload(content: bytes = PDF, name: str = "document.pdf") -> SimpleUploadedFile:
    """An uploaded file as a request would carry it."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def licensee(**extra):
    """A person who applies for and holds licences."""
    return UserFactory(role="licensee", **extra)


def directorate(province: str = TEHRAN_PROVINCE, **extra):
    """A member of a province's ICT directorate."""
    return UserFactory(role="directorate", jurisdiction_code=province, **extra)


def regulator(**extra):
    """A member of the regulator's staff."""
    return UserFactory(role="regulator", **extra)


def as_principal(user):
    """The principal a signed-in user acts as (what the API hands the services)."""
    return principal_for_user(user)


def applicant_draft(n: int = 1, **overrides) -> ApplicantDraft:
    """A person applying, with a valid national ID and mobile number."""
    values = {
        "kind": "person",
        "name": f"متقاضی {n}",
        "mobile": f"0935{n:07d}",
        "national_id": national_id(5000 + n),
    }
    return ApplicantDraft(**(values | overrides))


def verify(user, identifier: str, mobile: str = "09350000000"):
    """Bind a verified national ID to the account (as sign-up does after the code); the user refreshed."""
    user_identity_bind(user=user, national_id=identifier, mobile=mobile, actor=None)
    user.refresh_from_db()
    return user


def _identity_for(user, n: int, applicant: ApplicantDraft | None) -> str:
    """The national ID the account applies under: its verified one, or (an account that verified none)
    the applicant's, else the n-th applicant's, else the first one no other account holds."""
    if user.national_id_key:
        return user_national_id(user=user)
    given = applicant.national_id if applicant is not None else ""
    wanted = given if national_id_is_valid(given) else national_id(5000 + n)
    mobile = applicant.mobile if applicant is not None else ""
    mobile = mobile if re.fullmatch(r"09\d{9}", mobile) else f"0935{n:07d}"
    candidates = [wanted, *(national_id(5000 + n + 1000 * k) for k in range(1, 20))]
    free = next(c for c in candidates if not User.objects.filter(national_id_key=national_id_key(c)).exists())
    verify(user, free, mobile=mobile)
    return free


def submit(user, n: int = 1, *, applicant: ApplicantDraft | None = None, **overrides) -> LicenceApplication:
    """A submitted application for a Pishkhan office in Tehran city, through the service.

    An account applies under its verified national ID: one that verified none is first bound to the
    applicant's (or the n-th applicant's); with no applicant given, the draft is the account's person."""
    own = _identity_for(user, n, applicant) if user.role == "licensee" else ""
    if applicant is None and own:
        applicant = applicant_draft(n, national_id=own)
    values = {
        "office_kind": "pishkhan",
        "province": TEHRAN_PROVINCE,
        "county": TEHRAN_COUNTY,
        "place": TEHRAN_CITY,
        "office_name": f"دفتر پیشخوان پیشنهادی {n}",
        "address": "خیابان انقلاب",
        "postal_code": "1315763111",
    }
    return application_submit(
        applicant=applicant or applicant_draft(n), **(values | overrides), actor=as_principal(user)
    )


def add_documents(application: LicenceApplication, user, *, kinds=None) -> None:
    """The documents an application needs, as PDFs (a clearance valid for six more months)."""
    expiry = timezone.localdate() + dt.timedelta(days=180)
    for kind in sorted(kinds if kinds is not None else REQUIRED_DOCUMENTS[application.applicant_kind]):
        application_document_add(
            application=application,
            kind=kind,
            file=upload(),
            expires_on=expiry if kind in DOCUMENTS_WITH_EXPIRY else None,
            actor=as_principal(user),
        )


def reviewed(
    application: LicenceApplication, reviewer, *, outcome: str = "recommended"
) -> LicenceApplication:
    """Take an application under review and recommend it (or not)."""
    application_take(application=application, actor=as_principal(reviewer))
    return application_review(
        application=application,
        outcome=outcome,
        reason="بازدید از محل انجام شد",
        actor=as_principal(reviewer),
    )


def approved(user, n: int = 1, *, reviewer=None, decider=None, **overrides):
    """An application taken all the way to approval; returns (application, licence)."""
    application = submit(user, n, **overrides)
    add_documents(application, user)
    reviewed(application, reviewer or directorate())
    decided = application_decide(
        application=application,
        outcome="approved",
        reason="شرایط احراز شد",
        basis="آیین‌نامه صدور پروانه",
        actor=as_principal(decider or regulator()),
    )
    return decided, decided.licence


def imported(office, *, status: str = "issued", **fields):
    """One licence recorded for an office through the bulk service, in the state asked for."""
    now = timezone.now()
    defaults: dict = {"issued_on": timezone.localdate() - dt.timedelta(days=30)}
    if status in ("active", "suspended"):
        defaults["first_signal_at"] = now - dt.timedelta(days=1)
    if status == "suspended":
        defaults["suspended_until"] = timezone.localdate() + dt.timedelta(days=10)
    if status in ("revoked", "expired", "surrendered"):
        defaults["ended_at"] = now - dt.timedelta(hours=1)
        defaults["reason"] = "سابقه"
    if status == "revoked":
        defaults["basis"] = "ماده ۱۰"
    if status == "expired":
        defaults["issued_on"] = timezone.localdate() - dt.timedelta(days=6 * 365)
        defaults["expires_on"] = timezone.localdate() - dt.timedelta(days=30)
    (licence,) = licences_issue_many(
        rows=[LicenceDraft(office=office.code, status=status, **(defaults | fields))], actor=None
    )
    return licence
