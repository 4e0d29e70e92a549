package roles

import (
	"strings"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// Scope says where a grant applies: which brands, channels, countries,
// products and topics. Each field is a pattern:
//
//	""  or "*"   any value, including none
//	"acme-es-*"  any value starting with "acme-es-"
//	"acme"       exactly "acme"
//
// So Scope{Brand: "acme", Country: "ES"} covers every channel, product and
// topic of brand acme in Spain, and the zero Scope covers everything.
type Scope struct {
	// Brand is the brand pattern.
	Brand string `json:"brand,omitempty"`
	// Channel is the channel ID pattern (cmkit.ChannelInfo.ID).
	Channel string `json:"channel,omitempty"`
	// Country is the country pattern (ISO 3166-1 alpha-2).
	Country string `json:"country,omitempty"`
	// Product is the product pattern.
	Product string `json:"product,omitempty"`
	// Topic is the topic pattern.
	Topic string `json:"topic,omitempty"`
}

// Resource describes what a check is about, by the same dimensions as a
// Scope but with plain values: the channel a post goes to, the brand and
// country of an inbox item. An empty field means "not about any particular
// one": a grant limited on that dimension does not cover it, so a CM
// limited to Spain cannot edit the brand-wide style guide.
type Resource struct {
	// Brand is the brand the resource belongs to.
	Brand string `json:"brand,omitempty"`
	// Channel is the channel ID it belongs to.
	Channel string `json:"channel,omitempty"`
	// Country is its country.
	Country string `json:"country,omitempty"`
	// Product is its product.
	Product string `json:"product,omitempty"`
	// Topic is its topic.
	Topic string `json:"topic,omitempty"`
}

// ResourceOf returns the Resource of a channel: its brand, ID, country and
// product.
func ResourceOf(info cmkit.ChannelInfo) Resource {
	return Resource{Brand: info.Brand, Channel: info.ID, Country: info.Country, Product: info.Product}
}

// Covers reports whether s applies to r.
func (s *Scope) Covers(r *Resource) bool {
	return matchField(s.Brand, r.Brand) && matchField(s.Channel, r.Channel) &&
		matchField(s.Country, r.Country) && matchField(s.Product, r.Product) &&
		matchField(s.Topic, r.Topic)
}

func matchField(pattern, value string) bool {
	switch {
	case pattern == "" || pattern == "*":
		return true
	case pattern[len(pattern)-1] == '*':
		return value != "" && strings.HasPrefix(value, pattern[:len(pattern)-1])
	}
	return pattern == value
}

// Contains reports whether every resource o covers is also covered by s: a
// member holding a grant on s may hand out a grant on o.
func (s Scope) Contains(o Scope) bool {
	return containsField(s.Brand, o.Brand) && containsField(s.Channel, o.Channel) &&
		containsField(s.Country, o.Country) && containsField(s.Product, o.Product) &&
		containsField(s.Topic, o.Topic)
}

func containsField(outer, inner string) bool {
	if outer == "" || outer == "*" {
		return true
	}
	if inner == "" || inner == "*" {
		return false
	}
	if outer[len(outer)-1] == '*' {
		return strings.HasPrefix(strings.TrimSuffix(inner, "*"), outer[:len(outer)-1])
	}
	return outer == inner
}

// String renders s as "brand=acme country=ES", or "everything" for the zero
// Scope.
func (s Scope) String() string {
	return dims(s.Brand, s.Channel, s.Country, s.Product, s.Topic, "everything")
}

// String renders r as "brand=acme channel=acme-es-x", or "nothing in
// particular" when every field is empty.
func (r Resource) String() string {
	return dims(r.Brand, r.Channel, r.Country, r.Product, r.Topic, "nothing in particular")
}

func dims(brand, channel, country, product, topic, none string) string {
	var b strings.Builder
	for _, kv := range [...][2]string{{"brand", brand}, {"channel", channel}, {"country", country},
		{"product", product}, {"topic", topic}} {
		if kv[1] == "" || kv[1] == "*" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(kv[0])
		b.WriteByte('=')
		b.WriteString(kv[1])
	}
	if b.Len() == 0 {
		return none
	}
	return b.String()
}

// validate checks that each pattern is valid UTF-8 (grants are written to
// the audit log) and has at most one '*', at its end.
func (s Scope) validate(field string) error {
	for _, kv := range [...][2]string{{"brand", s.Brand}, {"channel", s.Channel}, {"country", s.Country},
		{"product", s.Product}, {"topic", s.Topic}} {
		if !utf8.ValidString(kv[1]) {
			return cmkit.Invalid(field+"."+kv[0], "utf8", "%q is not valid UTF-8", kv[1])
		}
		if i := strings.IndexByte(kv[1], '*'); i >= 0 && i != len(kv[1])-1 {
			return cmkit.Invalid(field+"."+kv[0], "pattern", "%q: '*' may only end a pattern", kv[1])
		}
	}
	return nil
}

// brand reports the brand a scope is limited to, or "" when it covers many.
func (s Scope) exactBrand() string {
	if strings.Contains(s.Brand, "*") {
		return ""
	}
	return s.Brand
}
