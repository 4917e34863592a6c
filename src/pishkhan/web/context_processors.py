"""STUB: replaced by the web work."""


def navigation(request):
    return {}
