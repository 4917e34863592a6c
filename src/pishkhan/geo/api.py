"""STUB: replaced by the geo work."""

from ninja import Router

router = Router()
