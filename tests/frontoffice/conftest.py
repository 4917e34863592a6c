from tests.transactions.conftest import counter  # noqa: F401 - the counter's offices and service
