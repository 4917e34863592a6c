from django.apps import AppConfig


class TransactionsConfig(AppConfig):
    name = "pishkhan.transactions"
    label = "transactions"

    def ready(self) -> None:
        # The gateway (a lower layer) knows no transactions: we tell it whom to tell what became of
        # each submission (delivered, result, dead). See pishkhan.gateway.events.
        from pishkhan.gateway.events import handler_register
        from pishkhan.transactions.services import gateway_event

        handler_register(gateway_event)
