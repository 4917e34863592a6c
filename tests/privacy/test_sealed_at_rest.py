"""No personal identifier is readable in clear in the database files or the uploads (issue 21 §4).

A real installation (its own data directory; on PostgreSQL its own database) is populated as the demo
populates one — offices and their operators, licences, counter transactions, complaints, an
inspection with its photo — plus a licence application with its documents and a company's office.
Then every identifier and mobile it holds (read back through the sealing keys) and the documents'
and photos' contents are looked for in the raw bytes: the SQLite file and its WAL, or ``pg_dump``'s
output, and every file below ``MEDIA_ROOT``. None may be found.
"""

from __future__ import annotations

import json

import pytest

from tests.installations import Installation

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("backups")]

DOCUMENT_MARKER = b"SEALED-AT-REST-DOCUMENT-CONTENT"

# Run inside the installation: what the demo leaves out (an application with its documents, a
# company's office), then every secret held, unsealed, as JSON on the last line.
POPULATE = """
import json
from pishkhan.accounts.roles import Role
from pishkhan.accounts.selectors import user_get_by_username
from pishkhan.common.sealing import unseal, unseal_json
from pishkhan.demo.inspections import demo_inspections_ensure
from pishkhan.licensing.models import ApplicationDocument, LicenceApplication
from pishkhan.licensing.services import application_document_add
from pishkhan.notifications.models import Message
from pishkhan.offices.models import Operator
from pishkhan.supervision.models import Complaint, InspectionPhoto
from pishkhan.transactions.models import CounterTransaction
from tests.accounts.factories import UserFactory
from tests.licensing.factories import PDF, applicant_draft, as_principal, licensee, submit, upload
from tests.offices.factories import make_office, operator_draft

marker = %(marker)r
make_office(901, operator=operator_draft(901, kind="company", national_id="", company_id="10380284790"))
user = licensee()
application = submit(user, 7, applicant=applicant_draft(7, mobile="09391234567"))
application_document_add(
    application=application, kind="identity", file=upload(PDF + marker), expires_on=None,
    actor=as_principal(user),
)
# The demo's inspection, carried out with its photo (as ``pishkhan up`` makes it), by its own people.
for role in (Role.INSPECTOR, Role.DIRECTORATE):
    if user_get_by_username(username=str(role)) is None:
        UserFactory(role=str(role), jurisdiction_code="23", username=str(role))
demo_inspections_ensure()
values = set()
for operator in Operator.objects.all():
    values |= {operator.identifier, operator.mobile}
for sealed in CounterTransaction.objects.exclude(mobile_sealed="").values_list("mobile_sealed", flat=True):
    values.add(unseal(sealed))
for sealed in Complaint.objects.exclude(mobile_sealed="").values_list("mobile_sealed", flat=True):
    values.add(unseal(sealed))
for sealed in Message.objects.exclude(mobile_sealed="").values_list("mobile_sealed", flat=True):
    values.add(unseal(sealed))
identities = LicenceApplication.objects.exclude(identity_sealed="")
for sealed in identities.values_list("identity_sealed", flat=True):
    values |= set(unseal_json(sealed).values())
contents = []
for document in ApplicationDocument.objects.all():
    with document.file.open("rb") as file:
        contents.append(file.read().hex())
for photo in InspectionPhoto.objects.all():
    with photo.file.open("rb") as file:
        contents.append(file.read().hex())
print(json.dumps({
    "values": sorted(values),
    "contents": contents,
    "operators": Operator.objects.count(),
    "companies": Operator.objects.filter(kind="company").count(),
    "transactions": CounterTransaction.objects.count(),
    "complaints": Complaint.objects.exclude(mobile_sealed="").count(),
    "documents": ApplicationDocument.objects.count(),
    "photos": InspectionPhoto.objects.count(),
}))
"""


@pytest.fixture(scope="module")
def populated(tmp_path_factory):
    """A populated installation and what it holds in clear (read back through the keys)."""
    installation = Installation(tmp_path_factory.mktemp("sealed"), "sealed_at_rest", suite="sealed-at-rest")
    try:
        installation.run("migrate", "--no-input")
        installation.run("geo_load")
        installation.run("demo", "--offices", "25", "--days", "2", "--scale", "0.3", "--seed", "9")
        out = installation.run("shell", "-c", POPULATE % {"marker": DOCUMENT_MARKER}).stdout
        held = json.loads(out.strip().splitlines()[-1])
        yield installation, held
    finally:
        installation.drop()


def _found(needles: list[bytes], haystacks: dict[str, bytes]) -> list[tuple[bytes, str]]:
    return [(needle, name) for needle in needles for name, data in haystacks.items() if needle in data]


def test_the_installation_holds_every_kind_of_personal_data(populated):
    _, held = populated
    assert held["operators"] >= 26
    assert held["companies"] >= 1
    assert held["transactions"] > 0
    assert held["complaints"] > 0
    assert held["documents"] == 1
    assert held["photos"] >= 1
    # Operators' national and company IDs, their mobiles, citizens' and applicants' mobiles.
    assert "10380284790" in held["values"]
    assert "09391234567" in held["values"]
    assert bytes.fromhex(held["contents"][0]).endswith(DOCUMENT_MARKER)


def test_no_identifier_or_mobile_is_readable_in_the_database_files(populated):
    installation, held = populated
    stored = installation.database_bytes()
    assert stored
    assert all(stored.values())
    needles = [value.encode() for value in held["values"]]
    # And as they would be written in a JSON or a text column with Persian digits.
    needles += [
        value.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")).encode() for value in held["values"]
    ]
    assert _found(needles, stored) == []
    assert _found([DOCUMENT_MARKER], stored) == []


def test_no_upload_is_readable_in_clear(populated):
    installation, held = populated
    media = installation.media_bytes()
    assert len(media) >= 2  # the document and the inspection's photo at least
    assert all(data.startswith(b"PKSEALF1") for data in media.values()), sorted(media)
    needles = [value.encode() for value in held["values"]] + [DOCUMENT_MARKER, b"%PDF-", b"\x89PNG"]
    assert _found(needles, media) == []
    # Nor the whole content of any document or photo.
    contents = [bytes.fromhex(content) for content in held["contents"]]
    assert _found(contents, media) == []
