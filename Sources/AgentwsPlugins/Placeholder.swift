// AgentwsPlugins: filled in by its own change.
