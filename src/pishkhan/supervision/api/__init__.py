"""The supervision API (mounted at ``/api/v1/``), one module per concept, each with a router of its
own mounted here."""

from ninja import Router

from pishkhan.accounts.auth import api_auth
from pishkhan.supervision.api import alerts, board, campaigns, complaints, inspections, sanctions, scores

router = Router(auth=api_auth, tags=["supervision"])
router.add_router("", campaigns.router)
router.add_router("", complaints.router)
router.add_router("", inspections.router)
router.add_router("", alerts.router)
router.add_router("", board.router)
router.add_router("", sanctions.router)
router.add_router("", scores.router)
