package promotion

import (
	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/strictjson"
)

// maxPromotionBytes bounds a promotion's JSON text.
const maxPromotionBytes = 1 << 20

// ParsePromotion reads a promotion written in JSON, in the shape of
// Promotion's JSON tags, and validates it (see Promotion.Validate; rules
// nil means DefaultCountryRules()). The JSON is read strictly: an unknown
// field, a key given twice in one object (also when only its case differs,
// since JSON field names match regardless of case), trailing data or more
// than 1 MiB is refused. Every error wraps cmkit.ErrInvalid and names the
// spot, such as "channels[1].platform". The warnings are the country
// rules' and never make it fail.
func ParsePromotion(data []byte, rules []CountryRule) (Promotion, []Warning, error) {
	if len(data) > maxPromotionBytes {
		return Promotion{}, nil, cmkit.Invalid("promotion", "max_length", "%d bytes, at most %d", len(data), maxPromotionBytes)
	}
	var p Promotion
	if err := strictjson.Decode(data, &p, "promotion"); err != nil {
		return Promotion{}, nil, err
	}
	warnings, err := p.Validate(rules)
	if err != nil {
		return Promotion{}, nil, err
	}
	return p, warnings, nil
}
