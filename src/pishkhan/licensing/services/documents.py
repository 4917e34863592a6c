"""Documents of an application: checked by their content (not their name), size and expiry, then stored.

Only PDF, PNG and JPEG are taken, recognised by their first bytes, so a text file named ``.pdf`` is
refused; at most 5 MB each. A document with an expiry date must not have expired. Files are stored
under a random name below ``MEDIA_ROOT``; the row keeps the uploader's name for display only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.common.persian import as_written, has_control_characters
from pishkhan.licensing.models import (
    DOCUMENTS_WITH_EXPIRY,
    REQUIRED_DOCUMENTS,
    ApplicationDocument,
    DocumentKind,
    LicenceApplication,
)
from pishkhan.licensing.services.inputs import actor_is
from pishkhan.licensing.states import ApplicationStatus
from pishkhan.licensing.terms import today

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_DOCUMENTS = 20
# The first bytes of each type taken: (signature, content type).
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_NAME_MAX_LENGTH = 200


def content_type_of(head: bytes) -> str | None:
    """The content type a file's first bytes show (PDF, PNG or JPEG), or None for anything else."""
    return next((content_type for signature, content_type in SIGNATURES if head.startswith(signature)), None)


def _refuse(name: str, message: str) -> None:
    raise ValidationError(message, fields={name: message})


def _file_facts(upload: Any) -> tuple[str, int, str]:
    """(content type, size, sha256) of an uploaded file, read once; refuses what may not be stored."""
    size = getattr(upload, "size", None)
    if not isinstance(size, int) or size <= 0:
        _refuse("file", _("The file is empty."))
    if size > MAX_DOCUMENT_BYTES:
        _refuse(
            "file",
            _("A document may be at most %(mb)s MB; this one is %(size)s bytes.")
            % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024), "size": size},
        )
    upload.seek(0)
    content_type = content_type_of(upload.read(16))
    if content_type is None:
        _refuse("file", _("Only PDF, PNG and JPEG documents are accepted (checked by their content)."))
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return content_type, size, digest.hexdigest()


def application_document_add(
    *,
    application: LicenceApplication,
    kind: str,
    file: Any,
    actor: Actor,
    expires_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ApplicationDocument:
    """Add a document to one's own application, while it waits to be taken under review.

    ``file`` is an uploaded file (or any Django ``File``). Refusals: 422 for an unknown kind, a type
    other than PDF/PNG/JPEG, a file over 5 MB, a missing or past expiry date; 403 for someone else's
    application; 409 once the review has started or when the application has its fill of documents.
    """
    now = now or timezone.now()
    if kind not in DocumentKind.values:
        _refuse("kind", _("Unknown kind of document."))
    if expires_on is not None and not isinstance(expires_on, dt.date):
        _refuse("expires_on", _("The expiry is a date."))
    if kind in DOCUMENTS_WITH_EXPIRY and expires_on is None:
        _refuse("expires_on", _("Give the date this document expires."))
    if expires_on is not None and expires_on < today(now):
        _refuse("expires_on", _("This document expired on %(date)s.") % {"date": expires_on.isoformat()})
    content_type, size, sha256 = _file_facts(file)
    original = getattr(file, "name", "") or ""
    if has_control_characters(original):
        original = ""
    original = as_written(original.rsplit("/", 1)[-1])[:_NAME_MAX_LENGTH] or kind
    with transaction.atomic():
        application = LicenceApplication.objects.select_for_update().get(pk=application.pk)
        actor_is(actor, application.applicant_user_id, _("Only the applicant adds documents."))
        if application.status != ApplicationStatus.SUBMITTED:
            raise ConflictError(
                _("Documents are added before the review starts; application %(number)s is %(status)s.")
                % {"number": application.number, "status": ApplicationStatus(application.status).label}
            )
        if ApplicationDocument.objects.filter(application=application).count() >= MAX_DOCUMENTS:
            raise ConflictError(
                _("An application carries at most %(count)s documents.") % {"count": MAX_DOCUMENTS}
            )
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=original,
            content_type=content_type,
            size=size,
            sha256=sha256,
            expires_on=expires_on,
            uploaded_at=now,
            uploaded_by=actor_label(actor),
        )
        # The name given here is ignored: ``document_upload_to`` picks a random one.
        document.file.save(original, file if isinstance(file, File) else File(file), save=False)
        try:
            document.save(force_insert=True)
            audit_record(
                actor=actor,
                action="application.add_document",
                target=application,
                after={
                    "document": document.pk,
                    "kind": kind,
                    "content_type": content_type,
                    "size": size,
                    "sha256": sha256,
                    "expires_on": expires_on,
                },
            )
        except BaseException:
            document.file.delete(save=False)  # no row, no file
            raise
    return document


def documents_missing(application: LicenceApplication, *, on: dt.date) -> tuple[list[str], list[str]]:
    """(kinds required but missing, kinds whose every copy has expired by ``on``) of an application."""
    required = REQUIRED_DOCUMENTS[application.applicant_kind]
    valid, expired = set(), set()
    for kind, expires_on in ApplicationDocument.objects.filter(application=application).values_list(
        "kind", "expires_on"
    ):
        if expires_on is not None and expires_on < on:
            expired.add(kind)
        else:
            valid.add(kind)
    missing = sorted(required - valid - expired)
    return missing, sorted((required & expired) - valid)
