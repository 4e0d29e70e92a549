package entity

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

type found struct {
	Kind Kind
	Text string
}

func extract(s string) []found {
	var out []found
	for _, e := range Extract(nil, s) {
		out = append(out, found{e.Kind, s[e.Start:e.End]})
	}
	return out
}

func TestExtract(t *testing.T) {
	tests := []struct {
		in   string
		want []found
	}{
		{"no entities here.", nil},
		{"see https://example.com/a?b=c#d now", []found{{URL, "https://example.com/a?b=c#d"}}},
		{"HTTP://Example.COM.", []found{{URL, "HTTP://Example.COM"}}},
		{"go to example.com, then", []found{{URL, "example.com"}}},
		{"(see es.wikipedia.org/wiki/Foo_(bar)).", []found{{URL, "es.wikipedia.org/wiki/Foo_(bar)"}}},
		{"(see example.com/a)", []found{{URL, "example.com/a"}}},
		{"www.ejemplo.es/ofertas!", []found{{URL, "www.ejemplo.es/ofertas"}}},
		{"kup na zniżki.pl dziś", []found{{URL, "zniżki.pl"}}},
		{"http://münchen.de/straße", []found{{URL, "http://münchen.de/straße"}}},
		// No TLD, no link, scheme or not (twitter-text validDomain); this
		// case used to expect "http://localhost:8080/x".
		{"localhost:8080 and http://localhost:8080/x", nil},
		{"see http://example.com:8080/x", []found{{URL, "http://example.com:8080/x"}}},
		{"e.g. this, i.e. that, Mr.Smith, 3.14", nil},
		{"mail bob@example.com", nil},
		// An e-mail address: no link (the TLD lookahead refuses "@") and no
		// mention (a word character before "@"); twitter-text extract.yml.
		{"john.doe.gov@mail.com", nil},
		{"#Promoción y #Zniżki2024 pero no #123", []found{{Hashtag, "#Promoción"}, {Hashtag, "#Zniżki2024"}}},
		{"a#b &#39; #_x", []found{{Hashtag, "#_x"}}},
		{"#️⃣ keycap", nil},
		{"hola @ana_b y @user@mastodon.social.", []found{{Mention, "@ana_b"}, {Mention, "@user@mastodon.social"}}},
		{"@alice.bsky.social.", []found{{Mention, "@alice.bsky.social"}}},
		{"$TSLA up, $BRK.A, not $100 nor $toolong", []found{{Cashtag, "$TSLA"}, {Cashtag, "$BRK.A"}}},
		{"#tag.com", []found{{Hashtag, "#tag"}}},
		{"https://x.com/@user", []found{{URL, "https://x.com/@user"}}},
		{"visit t.co/abc?", []found{{URL, "t.co/abc"}}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, extract(tc.in))
		})
	}
}

func TestMentionLocalPart(t *testing.T) {
	s := "hi @user@mastodon.social"
	es := Extract(nil, s)
	if assert.Len(t, es, 1) {
		assert.Equal(t, "@user", s[es[0].Start:es[0].LocalEnd])
	}
}

func TestExtractDoesNotAllocate(t *testing.T) {
	s := "Nueva #Promoción en https://ejemplo.es/ofertas con @tienda y $ACME. ¡Zniżki! www.sklep.pl " +
		"これは日本語です。example.com中国語t.co/abcde http://日本語.みんな/a @ana@mastodon.social"
	dst := make([]Entity, 0, 16)
	assert.Zero(t, testing.AllocsPerRun(100, func() { dst = Extract(dst[:0], s) }))
	assert.Zero(t, testing.AllocsPerRun(100, func() { dst = Rules{SchemeOnly: true}.Extract(dst[:0], s) }))
}

// FuzzExtract: under either rules, entities lie inside the text, in
// order, without overlaps, and each is of its kind's shape; with
// SchemeOnly every link has a scheme.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{"", "#a @b $C d.com", "https://x.y/(a)", "@u@i.social", "#123", "a.b.c.d.", "\xff#\xfe", "@.@.",
		"http://", "これは日本語です。example.com中国語t.co/abcde", "http://t.co/abc?x=1", "a_b.example.com?q=x.com", "http://xn--p1ai.xn--p1ai/"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, schemeOnly bool) {
		last := 0
		rules := Rules{SchemeOnly: schemeOnly}
		for _, e := range rules.Extract(nil, s) {
			if e.Start < last || e.End <= e.Start || e.End > len(s) || e.LocalEnd < e.Start || e.LocalEnd > e.End {
				t.Fatalf("%q: bad entity %+v after %d", s, e, last)
			}
			last = e.End
			text := s[e.Start:e.End]
			if !utf8.ValidString(text) {
				t.Fatalf("%q: entity %q is not valid UTF-8", s, text)
			}
			switch e.Kind {
			case Hashtag:
				if text[0] != '#' {
					t.Fatalf("%q: hashtag %q", s, text)
				}
			case Mention:
				if text[0] != '@' {
					t.Fatalf("%q: mention %q", s, text)
				}
			case Cashtag:
				if text[0] != '$' {
					t.Fatalf("%q: cashtag %q", s, text)
				}
			case URL:
				if schemeOnly && !hasPrefixFold(text, "http://") && !hasPrefixFold(text, "https://") {
					t.Fatalf("%q: link %q without a scheme", s, text)
				}
			default:
				t.Fatalf("%q: kind %v", s, e.Kind)
			}
		}
	})
}
