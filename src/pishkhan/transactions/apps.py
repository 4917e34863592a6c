from django.apps import AppConfig


class TransactionsConfig(AppConfig):
    name = "pishkhan.transactions"
    label = "transactions"
