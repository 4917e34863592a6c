"""Settings for asking for help (``pishkhan help``, ``pishkhan COMMAND --help``) and for the commands
that touch no data (``pishkhan plan_solve``, ``cli.DATALESS_COMMANDS``): no configuration needed.

The production settings, with a secret and a sealing key made up for this process only (never
written anywhere) where the environment gives none: these commands read and write no data. A configured
installation's own variables still win.
"""

from pishkhan.config import env

env.use_throwaway_defaults()

from pishkhan.config.settings.base import *  # noqa: E402,F403
