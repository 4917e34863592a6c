"""What the server's console shows of a request that went wrong.

A refusal (403 on a page a user may not open, 404, a bad request) is the system working: Django logs
it at WARNING with the exception that produced it, which printed a full traceback for every ordinary
403. Such records keep their one line; only a server error (5xx) keeps its traceback, which is what
someone must read.
"""

from __future__ import annotations

import logging

SERVER_ERROR = 500


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drop the traceback of a record about a request answered with a 4xx status; keep the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < SERVER_ERROR:
            record.exc_info, record.exc_text = None, None
        return True
