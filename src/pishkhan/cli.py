"""The ``pishkhan`` console script: every Django management command, plus ``pishkhan up``.

``pishkhan audit_verify`` is ``manage.py audit_verify``. ``pishkhan up`` reads its own
``--data-dir`` and ``--demo/--no-demo`` before Django starts, because they decide the settings.
"""

from __future__ import annotations

import argparse
import os
import sys

SETTINGS_MODULE = "pishkhan.config.settings.base"
# Asking for help needs no configuration: these words run with the help settings (throwaway keys).
HELP_SETTINGS_MODULE = "pishkhan.config.settings.help"
HELP_COMMANDS = {"help", "--help", "-h", "--version"}
HELP_OPTIONS = {"--help", "-h"}
# Commands that read and write no data of the installation (the optimiser reads one JSON file and
# writes another; a new key is only printed) need no configuration either, so an integrator or an
# operator preparing an installation can run them anywhere.
DATALESS_COMMANDS = {"plan_solve", "sealing_key_new"}


def _wants_help(argv: list[str]) -> bool:
    return len(argv) < 2 or argv[1] in HELP_COMMANDS or bool(HELP_OPTIONS & set(argv[2:]))


def _needs_no_configuration(argv: list[str]) -> bool:
    return _wants_help(argv) or argv[1] in DATALESS_COMMANDS


def _prepare_up(argv: list[str]) -> None:
    """Apply ``up``'s options that shape the settings: where data lives, and demo mode."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data-dir")
    parser.add_argument("--demo", dest="demo", action="store_true", default=None)
    parser.add_argument("--no-demo", dest="demo", action="store_false")
    known, _ = parser.parse_known_args(argv)
    if known.data_dir:
        os.environ["PISHKHAN_DATA_DIR"] = os.path.abspath(known.data_dir)
    if known.demo is not None:
        os.environ["PISHKHAN_DEMO"] = "1" if known.demo else "0"
    else:
        # `pishkhan up` with no word about it is the local demo: the one command a newcomer runs.
        os.environ.setdefault("PISHKHAN_DEMO", "1")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "pishkhan"
    settings_module = HELP_SETTINGS_MODULE if _needs_no_configuration(argv) else SETTINGS_MODULE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    if len(argv) > 1 and argv[1] == "up":
        _prepare_up(argv[2:])

    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.utils import translation

    try:
        django.setup()
        # The command line speaks English (the language of the code and of the logs); Persian is the
        # default of the pages, which activate their language per request.
        translation.activate("en")
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"pishkhan: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
