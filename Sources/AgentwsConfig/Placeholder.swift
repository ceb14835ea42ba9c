// AgentwsConfig: filled in by its own change.
