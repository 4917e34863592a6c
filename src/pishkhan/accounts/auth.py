"""STUB: replaced by the accounts work (API key + session authentication for ninja)."""

from ninja.security import django_auth

api_auth = [django_auth]
