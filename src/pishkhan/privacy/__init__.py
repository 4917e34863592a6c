"""Personal data across the domains: the retention policy (as data), the purge that applies it, and
the subject access export of everything held about a national ID.

It sits above the domains and calls each one's ``privacy`` module (``transactions.privacy``,
``supervision.privacy``, ``licensing.privacy``, ``offices.privacy``), which writes only its own
tables; ``registry.py`` names them. ``docs/operations.md`` ("Personal data") is its guide.
"""
