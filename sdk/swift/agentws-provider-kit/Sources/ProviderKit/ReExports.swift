// ProviderKit's API hands out `JSONValue` (configuration, cursors, events, transcripts), so a plugin
// that imports ProviderKit sees AgentwsJSON too, members included, without declaring it.
@_exported import AgentwsJSON
