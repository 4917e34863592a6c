"""Settings: ``base`` is production-safe and driven by the environment; ``test`` is for pytest."""
