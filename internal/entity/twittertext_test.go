package entity

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTwitterTextURLs checks links against the rules of twitter-text v3
// (github.com/twitter/twitter-text, js/src/extractUrlsWithIndices.js and
// js/src/regexp/*.js); each case names the rule it exercises.
func TestTwitterTextURLs(t *testing.T) {
	long := func(label string, n int) string { return strings.Repeat(label, n) }
	tests := []struct {
		rule string
		in   string
		want []string
	}{
		// validGeneralUrlPathChars has no CJK: the path stops there, and
		// validDomain backtracks to the TLD "com" that a CJK character
		// follows (the TLD lookahead only refuses [0-9a-zA-Z@+-]).
		{"validUrlPath stops at CJK", "test http://example.comだよね.comtest/hogehoge", []string{"http://example.com"}},
		{"validUrlPath stops at CJK", "見て http://example.com/パス", []string{"http://example.com/"}},
		{"validUrlPath: Cyrillic and Latin accents", "http://ejemplo.es/año/путь ok", []string{"http://ejemplo.es/año/путь"}},
		{"validUrlPathEndingChars", "http://example.com/a!!! and http://example.com/b-", []string{"http://example.com/a", "http://example.com/b-"}},
		{"validUrlBalancedParens", "(see http://es.wikipedia.org/wiki/Foo_(bar)) x", []string{"http://es.wikipedia.org/wiki/Foo_(bar)"}},
		{"validUrlQueryEndingChars", "http://example.com/?a=b&c=d. next", []string{"http://example.com/?a=b&c=d"}},
		// validSubdomain allows "_", validDomainName does not.
		{"validSubdomain allows _", "go http://sub_domain-dash.twitter.com", []string{"http://sub_domain-dash.twitter.com"}},
		{"validDomainName refuses _", "go http://my_domain.com", nil},
		{"validSubdomain ends with a domain char", "go http://sub_.example.com", nil},
		{"validDomainName refuses a leading -", "go http://-example.com", nil},
		// A scheme still needs a TLD from the lists (validGTLD, validCCTLD,
		// validPunycode).
		{"TLD required after a scheme", "text http://no-tld and https://x.y", nil},
		{"validCCTLD", "visit http://a.b.cd", []string{"http://a.b.cd"}},
		{"validPunycode TLD", "visit http://example.xn--p1ai/", []string{"http://example.xn--p1ai/"}},
		{"validGTLD, non-ASCII", "visit www.example.みんな", []string{"www.example.みんな"}},
		{"validGTLD, case ignored", "visit EXAMPLE.COM", []string{"EXAMPLE.COM"}},
		{"TLD lookahead refuses -", "http://domain.com-suffix", nil},
		{"unknown TLD without scheme", "file.txt and archive.tar.bz2 and foo.comm", nil},
		// validUrlPrecedingChars only refuses ASCII letters and digits,
		// @, $, # (and their full-width forms) and invalid characters.
		{"link right after CJK", "見てhttp://google.com", []string{"http://google.com"}},
		{"link right after CJK, no scheme", "これはexample.com/pathです", []string{"example.com/path"}},
		{"preceded by a letter", "xhttp://google.com", nil},
		{"preceded by $", "$http://google.com $google.com", nil},
		// invalidUrlWithoutProtocolPrecedingChars: [-_./] before a link
		// written without a scheme.
		{"invalidUrlWithoutProtocolPrecedingChars", "x -example.com /example.com _example.com .example.com", nil},
		// An e-mail address is not a link: "gov" followed by "@" fails the
		// TLD lookahead, and the domain after "@" has an invalid
		// preceding character.
		{"e-mail address", "john.doe.gov@mail.com", nil},
		{"e-mail address, ccTLD", "write to ana.pl@sklep.pl", nil},
		// Without a scheme only ASCII hosts (validAsciiDomain) are links,
		// found inside the longer host the expression matched; the last
		// one takes the path.
		{"validAsciiDomain inside CJK", "これは日本語です。example.com中国語t.co/abcde한국twitter.com", []string{"example.com", "t.co/abcde", "twitter.com"}},
		{"validAsciiDomain, accents", "test ELPAÍS.com", []string{"ELPAÍS.com"}},
		{"no ASCII host without scheme", "visit 日本.com", nil},
		{"non-ASCII host with a scheme", "http://日本.com/a", []string{"http://日本.com/a"}},
		{"query kept only with a path, no scheme", "example.com?x=1 y", []string{"example.com"}},
		{"query after the host, scheme", "http://example.com?x=1 y", []string{"http://example.com?x=1"}},
		// t.co links stop after the slug, which has at most 40 characters.
		{"validTcoUrl", "I like http://t.co/abc123's site", []string{"http://t.co/abc123"}},
		{"MAX_TCO_SLUG_LENGTH", "http://t.co/" + long("a", 41), nil},
		{"MAX_TCO_SLUG_LENGTH", "http://t.co/" + long("a", 40), []string{"http://t.co/" + long("a", 40)}},
		// lib/idna.js: labels of at most 63 characters once
		// punycode-encoded; MAX_URL_LENGTH 4096 with the scheme.
		{"label of 63", "http://" + long("a", 63) + ".com", []string{"http://" + long("a", 63) + ".com"}},
		{"label of 64", "http://" + long("a", 64) + ".com", nil},
		{"punycode label too long", "http://" + long("あ", 60) + ".com", nil}, // 60 code points: more than 63 encoded
		{"punycode label fits", "http://" + long("あ", 10) + ".com", []string{"http://" + long("あ", 10) + ".com"}},
		{"MAX_URL_LENGTH", "http://example.com/" + long("a", 4096-19), []string{"http://example.com/" + long("a", 4096-19)}},
		{"MAX_URL_LENGTH", "http://example.com/" + long("a", 4096-18), nil},
		{"MAX_URL_LENGTH, default scheme counted", "example.com/" + long("a", 4096-20), []string{"example.com/" + long("a", 4096-20)}},
		{"MAX_URL_LENGTH, default scheme counted", "example.com/" + long("a", 4096-19), nil},
		{"xn-- host with no ASCII host", "Hello http://xn--はじめよう.com/", nil},
		{"hashtag, mention, cashtag before", "#test.com @test.com $test.com", nil},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			var got []string
			for _, e := range Extract(nil, tc.in) {
				if e.Kind == URL {
					got = append(got, tc.in[e.Start:e.End])
				}
			}
			assert.Equal(t, tc.want, got, "%q", tc.in)
		})
	}
}

func TestPunycodeLength(t *testing.T) {
	// RFC 3492 and IDNA examples, lengths of the ASCII forms.
	tests := []struct {
		label string
		want  int
	}{
		{"example", 7},
		{"bücher", len("xn--bcher-kva")},
		{"münchen", len("xn--mnchen-3ya")},
		{"日本語", len("xn--wgv71a119e")},
		{"例え", len("xn--r8jz45g")},
		{"ドメイン名例", len("xn--eckwd4c7cu47r2wf")},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, punycodeLength(tc.label), tc.label)
	}
}

// TestSchemeOnly: Mastodon counts only links written with a scheme
// (app/validators/status_length_validator.rb extracts with
// extract_url_without_protocol: false).
func TestSchemeOnly(t *testing.T) {
	r := Rules{SchemeOnly: true}
	s := "see example.com/a and https://example.com/b, www.x.org"
	var got []string
	for _, e := range r.Extract(nil, s) {
		got = append(got, s[e.Start:e.End])
	}
	assert.Equal(t, []string{"https://example.com/b"}, got)
}

// TestFediverseMentions: Mastodon's Account::MENTION_RE and
// Extractor::MAX_DOMAIN_LENGTH (lib/extractor.rb).
func TestFediverseMentions(t *testing.T) {
	tests := []struct {
		in        string
		text      string // the mention, "" for none
		localPart string
	}{
		{"hi @ana@mastodon.social.", "@ana@mastodon.social", "@ana"},
		{"hi @ana@localhost", "@ana@localhost", "@ana"},
		{"hi @ana@zniżki.pl", "@ana@zniżki.pl", "@ana"},
		{"hi @ana@a--b..c", "@ana@a--b..c", "@ana"},
		{"hi @ana@-bad.example", "", ""},
		{"hi @ana@ later", "", ""},
		{"hi @ana@" + strings.Repeat("a", 250) + ".com", "", ""},
		{"hi @ana@" + strings.Repeat("a", 249) + ".com", "@ana@" + strings.Repeat("a", 249) + ".com", "@ana"},
	}
	for _, tc := range tests {
		var text, local string
		for _, e := range Extract(nil, tc.in) {
			if e.Kind == Mention {
				text, local = tc.in[e.Start:e.End], tc.in[e.Start:e.LocalEnd]
			}
		}
		assert.Equal(t, tc.text, text, tc.in)
		assert.Equal(t, tc.localPart, local, tc.in)
	}
}
