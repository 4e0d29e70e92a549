package moderation

import (
	"sync"

	"github.com/cmkit/cmkit/moderation/langid"
	"github.com/cmkit/cmkit/moderation/sentiment"
)

// WithDetector sets the language detector the engine asks when a mention
// has no Language and a rule needs one: a lexicon scoped to a language
// found a term, a "languages" condition, a reply template, sentiment, or
// WithAnnotations. A guess below langid.MinConfidence counts as unknown.
// The default is langid.New(), shared by every engine; WithDetector(nil)
// turns detection off.
func WithDetector(d langid.Detector) Option {
	return func(cfg *config) {
		if d == nil {
			cfg.detect = nil
			return
		}
		cfg.detect = func(text string) (string, float64) {
			g := d.Detect(text)
			return g.Lang, g.Confidence
		}
	}
}

var defaultDetector = sync.OnceValue(func() langid.Detector { return langid.New() })

// WithAnalyzer sets the sentiment analyzer for the "sentiment" and
// "sentiment_labels" conditions and for WithAnnotations. The default,
// used when a rule or WithAnnotations needs one, is sentiment.New(),
// shared by every engine.
func WithAnalyzer(a sentiment.Analyzer) Option {
	return func(cfg *config) {
		if a == nil {
			cfg.analyze = nil
			return
		}
		cfg.analyze = func(text, lang string) (float64, string) {
			r := a.Analyze(text, lang)
			return r.Score, string(r.Label)
		}
	}
}

var defaultAnalyzer = sync.OnceValue(func() sentiment.Analyzer { return sentiment.New() })

// withAnalyzeFunc and withDetectFunc set the sentiment and language
// functions directly (tests).
func withAnalyzeFunc(f func(text, lang string) (float64, string)) Option {
	return func(cfg *config) { cfg.analyze = f }
}

func withDetectFunc(f func(text string) (string, float64)) Option {
	return func(cfg *config) { cfg.detect = f }
}
