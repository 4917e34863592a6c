"""Pages of licensing: the applicant's and holder's own (``own``), the applications queue and the
steps of review and decision (``review``), the licences list and one licence with the regulator's
acts (``licences``), and the public verification with the office's signboard (``public``).

Every list is narrowed to the caller's reach (``selectors.licensing_scope``); a single application or
licence outside it is answered 404, as if it did not exist. Views parse forms and call one service
or selector; the rules are the services'.
"""

from pishkhan.licensing.views.licences import licence_detail, licence_list
from pishkhan.licensing.views.own import application_new, my_application, my_licence, my_licences
from pishkhan.licensing.views.public import licence_check, licence_signboard, licence_verify
from pishkhan.licensing.views.review import application_detail, application_document, application_list

__all__ = [
    "application_detail",
    "application_document",
    "application_list",
    "application_new",
    "licence_check",
    "licence_detail",
    "licence_list",
    "licence_signboard",
    "licence_verify",
    "my_application",
    "my_licence",
    "my_licences",
]
