"""One outbox of text messages to citizens and licence holders, each sent once; templates as data."""
