"""Counter transactions: what offices' systems record for citizens, with their states and heartbeats."""
