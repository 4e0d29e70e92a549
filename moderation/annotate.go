package moderation

// setDefaults fills in the analyzer and detector the set needs when the
// options gave none.
func setDefaults(cfg *config, set RuleSet) {}

// withAnalyzeFunc and withDetectFunc set the sentiment and language
// functions directly (tests).
func withAnalyzeFunc(f func(text, lang string) (float64, string)) Option {
	return func(cfg *config) { cfg.analyze = f }
}

func withDetectFunc(f func(text string) (string, float64)) Option {
	return func(cfg *config) { cfg.detect = f }
}
