"""The NinjaAPI (v1): mounts every domain's router, with one authentication and one error envelope.

Deny by default: every endpoint needs an API key (``Authorization: Bearer KEY``) or a signed-in
session unless its router or operation says ``auth=None`` on purpose (public reference data).
OpenAPI: ``/api/v1/openapi.json``; interactive docs: ``/api/v1/docs`` (Swagger UI shipped by ninja).
"""

from pishkhan.accounts.api import router as accounts_router
from pishkhan.accounts.auth import api_auth
from pishkhan.api import problems
from pishkhan.catalogue.api import router as catalogue_router
from pishkhan.frontoffice.api import appointments_router
from pishkhan.frontoffice.api import router as frontoffice_router
from pishkhan.gateway.api import router as gateway_router
from pishkhan.geo.api import router as geo_router
from pishkhan.kpis.api import router as kpis_router
from pishkhan.licensing.api import router as licensing_router
from pishkhan.offices.api import router as offices_router
from pishkhan.planning.api import router as planning_router
from pishkhan.supervision.api import router as supervision_router
from pishkhan.transactions.api import router as transactions_router

api = problems.ProblemsAPI(
    title="Pishkhan API",
    version="1",
    description=(
        "The API of Pishkhan, the platform of Iran's government e-service counter offices. "
        "Errors are RFC 9457 problem details (application/problem+json)."
    ),
    auth=api_auth,
    urls_namespace="api",
    parser=problems.JsonOnlyParser(),
)
problems.install(api)

api.add_router("/accounts", accounts_router, tags=["accounts"])
api.add_router("/geo", geo_router, tags=["geo"])
# Catalogue operations carry their own tags (agencies, services, tariffs).
api.add_router("", catalogue_router)
api.add_router("", offices_router, tags=["offices"])
api.add_router("", licensing_router, tags=["licensing"])
api.add_router("", transactions_router, tags=["transactions"])
api.add_router("", frontoffice_router, tags=["tickets"])
api.add_router("", appointments_router, tags=["appointments"])
api.add_router("", supervision_router, tags=["supervision"])
api.add_router("", planning_router, tags=["planning"])
api.add_router("", kpis_router, tags=["kpis"])
# Agencies call back here; they authenticate by signing the body, not by an API key.
api.add_router("", gateway_router, tags=["gateway"])
