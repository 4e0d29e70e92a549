package promotion

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/textnorm"

	"github.com/stretchr/testify/assert"
)

func TestScan(t *testing.T) {
	var sc scan
	sc.read("¡Quiero GANAR! #Sorteo_Acme #Café @Ana_G, @bob.m. @ana_g @user@mastodon.social https://x.co/abc www.acme.com Óla")
	assert.Equal(t, " quiero ganar ola ", string(sc.content)) // hmm
	assert.Equal(t, []uint64{hash64([]byte("sorteo_acme")), hash64([]byte("cafe"))}, sc.tags)
	assert.Equal(t, []uint64{hash64([]byte("ana_g")), hash64([]byte("bob.m")), hash64([]byte("user@mastodon.social"))}, sc.handles)
}

// TestSignatureSeparates: a text with a word changed, punctuation or an
// emoji added agrees with the original on at least nearAgree bins; other
// texts, and a thousand random ones, do not.
func TestSignatureSeparates(t *testing.T) {
	var a, b scan
	a.read("me encanta esta marca y quiero ganar el premio para mi madre que lo merece")
	near := []string{
		"me encanta esta marca y quiero ganar el premio para mi madre que lo merece!!",
		"Me encanta esta marca y quiero ganar el premio para mi mamá que lo merece",
		"me encanta esta marca, quiero ganar el premio para mi madre que lo merece 🙏",
		"me encanta esta marca y quiero ganar el premio para mi padre que lo merece @ana @bob",
	}
	for _, v := range near {
		b.read(v)
		sign(a.content, &a.sig)
		sign(b.content, &b.sig)
		assert.GreaterOrEqual(t, agree(&a.sig, &b.sig, nearAgree), nearAgree, v)
	}
	far := []string{
		"el sorteo de hoy es para los fans que siguen la cuenta desde hace años",
		"me encanta esta marca",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		far = append(far, fmt.Sprintf("texto %d distinto %d de %d otro %d", r.IntN(1e6), r.IntN(1e6), r.IntN(1e6), r.IntN(1e6)))
	}
	for _, v := range far {
		b.read(v)
		sign(b.content, &b.sig)
		assert.Less(t, agree(&a.sig, &b.sig, nearAgree), nearAgree, v)
	}
}

// readSlow is scan.read written the obvious way, token by token and rune
// by rune: the reference that TestScanMatchesSlow holds read to.
func readSlow(text string) (content string, tags, handles []uint64, words int) {
	var norm textnorm.Buffer
	plain.Normalize(&norm, text)
	content = " "
	for _, tok := range strings.Split(string(norm.Text), " ") {
		switch {
		case tok == "":
		case tok[0] == '#':
			end := 1
			for _, r := range tok[1:] {
				if !isTagRune(r) {
					break
				}
				end += utf8.RuneLen(r)
			}
			if end > 1 && len(tags) < maxScanTags {
				tags = append(tags, hash64([]byte(tok[1:end])))
			}
		case tok[0] == '@':
			h := strings.TrimRight(tok[1:strings.IndexFunc(tok[1:]+" ", func(r rune) bool { return r >= utf8.RuneSelf || !isHandleByte(byte(r)) })+1], ".-@")
			if h != "" && len(handles) < maxScanTags && !slices.Contains(handles, hash64([]byte(h))) {
				handles = append(handles, hash64([]byte(h)))
			}
		case isLink([]byte(tok)):
		default:
			for _, w := range strings.FieldsFunc(tok, func(r rune) bool { return !isWordRune(r) }) {
				content += w + " "
				words++
			}
		}
	}
	return content, tags, handles, words
}

// TestScanMatchesSlow: read finds the same words, hashtags and handles as
// readSlow in random texts built from pieces that sit on every branch:
// ASCII and other letters and digits, marks, punctuation, emoji, "#",
// "@", "_", links and near-links, invalid UTF-8, runs of spaces.
func TestScanMatchesSlow(t *testing.T) {
	pieces := []string{"a", "Zb", "9", "ñ", "É", "ł", "ß", "Ж", "日本", "٣", "_", "-", ".", ",", "!", "'", "’", "🙏", "\u200b",
		"\u0301", " ", "  ", "\t", "\n", "#", "@", "http:", "https:", "https", "www.", "www", "h", "w", "x.y", "\xff", "\xe2\x82"}
	r := rand.New(rand.NewPCG(3, 4))
	var sc scan
	for i := range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := b.String()
		sc.read(text)
		content, tags, handles, words := readSlow(text)
		if string(sc.content) != content || !slices.Equal(sc.tags, tags) || !slices.Equal(sc.handles, handles) || sc.words != words {
			t.Fatalf("text %d %q: read %q %v %v %d, want %q %v %v %d", i, text, sc.content, sc.tags, sc.handles, sc.words, content, tags, handles, words)
		}
	}
}

// signSlow is sign written the obvious way, one 5-byte shingle at a time.
func signSlow(content []byte) (sig signature) {
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	for i := 0; i+5 <= len(content); i++ {
		var x uint64
		for j := 4; j >= 0; j-- {
			x = x<<8 | uint64(content[i+j])
		}
		x *= 0x9E3779B97F4A7C15
		bin := x >> 59
		sig[bin] = min(sig[bin], uint32(x>>27))
	}
	filled := signature{}
	copy(filled[:], sig[:])
	some := false
	for _, v := range filled {
		some = some || v != ^uint32(0)
	}
	if !some {
		return sig
	}
	for i := range sig {
		if filled[i] != ^uint32(0) {
			continue
		}
		for d := 1; ; d++ {
			if v := filled[(i+d)%sigBins]; v != ^uint32(0) {
				sig[i] = v ^ uint32(d)*0x9E3779B9
				break
			}
		}
	}
	return sig
}

// TestSignMatchesSlow: sign gives signSlow's signature for every length
// from 0 to 80 bytes (so every way the 8-byte loads can end), on random
// bytes and on words.
func TestSignMatchesSlow(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 81 {
		for range 50 {
			b := make([]byte, n)
			for i := range b {
				b[i] = " abcdefgh\xc3\xb1"[r.IntN(11)]
			}
			var sig signature
			sign(b, &sig)
			if want := signSlow(b); sig != want {
				t.Fatalf("%q: %x, want %x", b, sig, want)
			}
		}
	}
}
