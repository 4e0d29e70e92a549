package inbox

// workConfig holds the settings of assignment, replies, canned responses
// and the handoff to customer service.
type workConfig struct{}
