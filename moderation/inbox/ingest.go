package inbox

// ingestConfig holds the settings of ingest (pull and push), grouping,
// edits, author records and opinion leaders.
type ingestConfig struct{}
