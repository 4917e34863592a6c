"""Pishkhan: the platform of Iran's government e-service counter offices."""

__version__ = "0.1.0"
