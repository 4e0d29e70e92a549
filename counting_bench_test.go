package cmkit_test

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
)

// benchPost returns about size bytes of post text built from parts, chosen
// at random with a fixed seed.
func benchPost(size int, parts []string) string {
	rng := rand.New(rand.NewSource(11))
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(parts[rng.Intn(len(parts))])
		b.WriteByte(' ')
	}
	return b.String()
}

// Mostly ASCII: English, Spanish and Polish words, a few accents, a link
// and a hashtag now and then.
var asciiParts = strings.Fields(`Our community team answers every comment before noon and the brand reply is kind
Great news for everyone who asked about the next release see the changelog and tell us what you think
Mañana habrá una promoción con envío gratis no te la pierdas Zniżki do 50 procent tylko dziś
https://example.com/blog/2024/release-notes #Launch @cmkit_team thanks`)

// Emoji-heavy: skin tones, families, flags, keycaps, between short words.
var emojiParts = []string{"👍🏽", "👨‍👩‍👧‍👦", "🇪🇸", "🇵🇱", "🎉🎉", "❤️", "1️⃣", "ok", "¡sí!", "tak", "😂😂😂", "👩🏾‍💻", "🏳️‍🌈"}

func benchCount(b *testing.B, p cmkit.Platform, parts []string) {
	l, _ := cmkit.PlatformLimits(p)
	text := benchPost(1<<14, parts)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Count(text)
	}
}

// BenchmarkCount measures Limits.Count on 16 KiB of text for X (weights,
// links as 23) and Bluesky (grapheme clusters).
func BenchmarkCount(b *testing.B) {
	b.Run("ascii/x", func(b *testing.B) { benchCount(b, cmkit.X, asciiParts) })
	b.Run("ascii/bluesky", func(b *testing.B) { benchCount(b, cmkit.Bluesky, asciiParts) })
	b.Run("ascii/mastodon", func(b *testing.B) { benchCount(b, cmkit.Mastodon, asciiParts) })
	b.Run("emoji/x", func(b *testing.B) { benchCount(b, cmkit.X, emojiParts) })
	b.Run("emoji/bluesky", func(b *testing.B) { benchCount(b, cmkit.Bluesky, emojiParts) })
	b.Run("emoji/threads", func(b *testing.B) { benchCount(b, cmkit.Threads, emojiParts) })
}

// BenchmarkCheckText measures a full check (length, bytes, hashtags,
// mentions, links) for Instagram.
func BenchmarkCheckText(b *testing.B) {
	l, _ := cmkit.PlatformLimits(cmkit.Instagram)
	text := benchPost(2000, asciiParts)
	dst := make([]cmkit.Finding, 0, 8)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = l.CheckText(dst[:0], text)
	}
}
