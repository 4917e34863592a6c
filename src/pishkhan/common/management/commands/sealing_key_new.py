"""``pishkhan sealing_key_new``: print a new random key for ``PISHKHAN_SEALING_KEYS``."""

from django.core.management.base import BaseCommand

from pishkhan.common.sealing import key_new


class Command(BaseCommand):
    help = (
        "Print a new random sealing key (32 bytes, URL-safe base64). Put it first in "
        "PISHKHAN_SEALING_KEYS to seal with it; keep older keys after it until everything is resealed."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(key_new())
