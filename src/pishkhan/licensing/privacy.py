"""Licensing's personal data: what the retention policy purges and what a subject access request
finds (``pishkhan.privacy`` calls these; this domain writes its own tables only).

Applicants and holders are held as the keyed hash of their identifier (``holder_key``) and a mask;
an application's documents (identity papers, deeds) serve its review only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.licensing.models import ApplicationDocument, Licence, LicenceApplication
from pishkhan.licensing.services.holders import holder_key
from pishkhan.licensing.states import ApplicationStatus
from pishkhan.offices.models import OperatorKind


def ended_application_documents_purge(*, before: dt.datetime, actor: Actor, dry_run: bool = False) -> int:
    """Delete the documents (rows and files) of applications refused or withdrawn before ``before``:
    the application, its decision and its timeline stay."""
    due = ApplicationDocument.objects.filter(
        Q(application__status=ApplicationStatus.REFUSED, application__decided_at__lt=before)
        | Q(application__status=ApplicationStatus.WITHDRAWN, application__withdrawn_at__lt=before)
    )
    if dry_run:
        return due.count()
    with transaction.atomic():
        documents = list(due.select_for_update())
        files = [(document.file.storage, document.file.name) for document in documents]
        ApplicationDocument.objects.filter(pk__in=[document.pk for document in documents]).delete()
        if documents:
            audit_record(
                actor=actor,
                action="licensing.documents_purged",
                after={
                    "deleted": len(documents),
                    "applications": sorted({document.application_id for document in documents}),
                    "ended_before": before,
                },
                reason="retention policy",
            )
    # The files go once the rows are gone for good (committed); a file left by a crash is an orphan.
    for storage, name in files:
        if name:
            storage.delete(name)
    return len(documents)


def person_export(*, national_id: str) -> dict[str, list[dict[str, Any]]]:
    """The applications and licences of the person with this (clean) national ID."""
    key = holder_key(OperatorKind.PERSON, national_id)
    applications = LicenceApplication.objects.filter(applicant_key=key).order_by("submitted_at", "id")
    licences = Licence.objects.filter(holder_key=key).select_related("office").order_by("id")
    return {
        "applications": [
            {
                "number": row.number,
                "status": row.status,
                "applicant_name": row.applicant_name,
                "identifier_masked": row.applicant_masked,
                "mobile_masked": row.mobile_masked,
                "office_kind": row.office_kind,
                "office_name": row.office_name,
                "address": row.address,
                "postal_code": row.postal_code,
                "phone": row.phone,
                "submitted_at": row.submitted_at,
                "decided_at": row.decided_at,
                "withdrawn_at": row.withdrawn_at,
                "documents": [
                    {"kind": doc.kind, "original_name": doc.original_name, "size": doc.size}
                    for doc in row.documents.all()
                ],
            }
            for row in applications
        ],
        "licences": [
            {
                "number": row.number,
                "status": row.status,
                "kind": row.kind,
                "office": row.office.code,
                "holder_name": row.holder_name,
                "identifier_masked": row.holder_masked,
            }
            for row in licences
        ],
    }
