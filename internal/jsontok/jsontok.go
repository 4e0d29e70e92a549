// Package jsontok names JSON tokens for people, so that the strict loaders
// of hand-written configuration (moderation rules, business hours) say
// "got a list, want a string" in the same words.
package jsontok

import "encoding/json"

// Describe names what tok is: "null", "an object", "a list", "a string",
// "a boolean" or "a number".
func Describe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}
