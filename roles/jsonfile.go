package roles

import "github.com/cmkit/cmkit/internal/strictjson"

// This file reads the JSON files people write by hand (ParseTeam,
// ParsePolicy) strictly: encoding/json keeps the last of two equal keys and
// matches keys regardless of case, so a repeated or differently-cased
// "grants" or "rules" would silently drop what came first (a deny grant,
// every approval rule). decodeStrict refuses that before decoding.

// decodeStrict decodes data, one JSON object describing what (“team”,
// “policy”), into v: a leading UTF-8 BOM is skipped; a key repeated in one
// object, compared as encoding/json compares them (case-insensitively),
// unknown fields and trailing data are refused. Every error is a
// *cmkit.ValidationError.
func decodeStrict(data []byte, v any, what string) error {
	return strictjson.Decode(data, v, what+" object")
}
