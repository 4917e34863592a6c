"""Key performance indicators: daily rollups of the counter's transactions, kept true by the worker
and rebuilt exactly on demand, and the measures read from them (docs/kpis.md)."""
