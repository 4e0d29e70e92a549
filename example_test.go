package cmkit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

// A publisher decides what to do after a failed publish by the failure's
// class and the channel's retry safety, never by the error's text.
func ExampleClassify() {
	decide := func(err error, rs cmkit.RetrySafety) string {
		switch cmkit.Classify(err) {
		case 0:
			return "published"
		case cmkit.Transient:
			return "retry later"
		case cmkit.Permanent:
			return "failed: tell a person why"
		}
		// Ambiguous: the post may be out already.
		switch rs {
		case cmkit.RetryIdempotent:
			return "retry with the same post ID"
		case cmkit.RetryAfterLookup:
			return "look the post up, retry only if absent"
		}
		return "unknown: a person must verify"
	}
	timeout := fmt.Errorf("publish: %w: %w", cmkit.ErrAmbiguous, context.DeadlineExceeded)
	fmt.Println(decide(nil, cmkit.RetryUnsafe))
	fmt.Println(decide(&cmkit.RateLimitError{RetryAfter: time.Minute}, cmkit.RetryUnsafe))
	fmt.Println(decide(cmkit.Invalid("text", "max_length", "281 > 280"), cmkit.RetryUnsafe))
	fmt.Println(decide(timeout, cmkit.RetryIdempotent))
	fmt.Println(decide(timeout, cmkit.RetryAfterLookup))
	fmt.Println(decide(timeout, cmkit.RetryUnsafe))
	fmt.Println(decide(errors.New("something odd"), cmkit.RetryUnsafe))
	// Output:
	// published
	// retry later
	// failed: tell a person why
	// retry with the same post ID
	// look the post up, retry only if absent
	// unknown: a person must verify
	// unknown: a person must verify
}

// Optional capabilities are found with a type assertion. Here the channel is
// cmkittest's fake, which has them all.
func ExampleChannel() {
	ctx := context.Background()
	fake, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: cmkit.ChannelInfo{
		ID: "acme-pl-mastodon", Platform: cmkit.Mastodon, Country: "PL",
		RetrySafety: cmkit.RetryIdempotent,
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var ch cmkit.Channel = fake

	rc, err := ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "Nowa kolekcja już jest! #Zniżki2026", Language: "pl"})
	if err != nil {
		fmt.Println("publish:", err)
		return
	}
	fmt.Println("published as", rc.PlatformID)

	if r, ok := ch.(cmkit.MentionReader); ok {
		page, err := r.ReadMentions(ctx, "", 10)
		if err != nil {
			fmt.Println("read mentions:", err)
			return
		}
		fmt.Println("mentions so far:", len(page.Mentions))
	}
	if _, ok := ch.(cmkit.Replier); ok {
		fmt.Println("can reply")
	}
	fmt.Println(cmkit.Capabilities(ch))
	// Output:
	// published as acme-pl-mastodon-1
	// mentions so far: 0
	// can reply
	// [find-post read-mentions reply thread hide delete insights follower-count search]
}

// A rate-limit error says how long to wait.
func ExampleRateLimitError() {
	err := fmt.Errorf("channel acme-x: %w", &cmkit.RateLimitError{RetryAfter: 15 * time.Minute})
	var rl *cmkit.RateLimitError
	if errors.As(err, &rl) {
		fmt.Println("wait", rl.RetryAfter)
	}
	fmt.Println(errors.Is(err, cmkit.ErrRateLimited), cmkit.Classify(err))
	// Output:
	// wait 15m0s
	// true transient
}

// Validation errors name the field and the rule, so a form or a config
// loader can point at the offending entry.
func ExampleValidationError() {
	err := fmt.Errorf("loading channels.json: %w", cmkit.Invalid("channels[2].platform", "format", "%q", "My Forum"))
	var ve *cmkit.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, ve.Rule)
	}
	fmt.Println(errors.Is(err, cmkit.ErrInvalid))
	// Output:
	// channels[2].platform format
	// true
}

// Platform names come from configuration files; well-known ones are
// constants, and a product may add its own.
func ExampleParsePlatform() {
	for _, s := range []string{"Twitter", "bluesky", "acme-forum", "Acme Forum"} {
		p, err := cmkit.ParsePlatform(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p, p.WellKnown())
	}
	// Output:
	// x true
	// bluesky true
	// acme-forum false
	// cmkit: invalid platform: format: "acme forum": use lower-case letters, digits, '-', '_' or '.', starting with a letter
}

// Counting a post the way X and Bluesky do: X weighs emoji and CJK 2 and
// counts every link as 23; Bluesky counts what a reader sees as one
// character, and caps bytes too.
func ExampleLimits_Count() {
	text := "¡Oferta! 👨‍👩‍👧‍👦🇪🇸 https://ejemplo.es/ofertas/otoño-2024?utm_source=x 日本"
	x, ok := cmkit.PlatformLimits(cmkit.X)
	if !ok {
		fmt.Println("no limits known for", cmkit.X)
		return
	}
	bsky, ok := cmkit.PlatformLimits(cmkit.Bluesky)
	if !ok {
		fmt.Println("no limits known for", cmkit.Bluesky)
		return
	}
	fmt.Println("X:", x.Count(text), "of", x.MaxLength)
	fmt.Println("Bluesky:", bsky.Count(text), "of", bsky.MaxLength)
	fmt.Println("code points:", utf8.RuneCountInString(text), "bytes:", len(text))
	// Output:
	// X: 42 of 280
	// Bluesky: 65 of 300
	// code points: 72 bytes: 102
}

// Checking a draft before scheduling it: which limit, by how much, and
// where the text would have to be cut.
func ExampleLimits_CheckText() {
	bsky, ok := cmkit.PlatformLimits(cmkit.Bluesky)
	if !ok {
		fmt.Println("no limits known for", cmkit.Bluesky)
		return
	}
	draft := strings.Repeat("Zniżki! ", 40) // 320 graphemes
	for _, f := range bsky.CheckText(nil, draft) {
		fmt.Printf("%s: %d over the limit of %d; keep %q...\n", f.Rule, f.Over(), f.Limit, draft[f.Cut-16:f.Cut])
	}
	fmt.Println(bsky.Count(bsky.Truncate(draft, "…")))
	// Output:
	// max_length: 20 over the limit of 300; keep "! Zniżki! Zniż"...
	// 300
}

// Splitting a long announcement into a numbered thread: every part fits,
// and no word, link or hashtag is broken.
func ExampleLimits_SplitThread() {
	x, ok := cmkit.PlatformLimits(cmkit.X)
	if !ok {
		fmt.Println("no limits known for", cmkit.X)
		return
	}
	x.MaxLength = 60 // a short limit, to keep the example small
	parts, err := x.SplitThread("Nuestra #Promoción de otoño empieza hoy: descuentos en toda la tienda, " +
		"envío gratis y regalos en https://ejemplo.es/ofertas/otoño-2024 hasta el domingo.")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range parts {
		fmt.Printf("%2d %s\n", x.Count(p), p)
	}
	// Output:
	// 58 Nuestra #Promoción de otoño empieza hoy: descuentos en 1/3
	// 45 toda la tienda, envío gratis y regalos en 2/3
	// 45 https://ejemplo.es/ofertas/otoño-2024 hasta el domingo. 3/3
}

// Numbering a thread the brand's way, "(i/n)", or not at all.
func ExampleLimits_SplitThreadWith() {
	l := cmkit.Limits{MaxLength: 40}
	text := "Hoy abrimos la tienda de Madrid. Habrá regalos para los cien primeros clientes. ¡Os esperamos!"
	parts, _ := l.SplitThreadWith(text, cmkit.SplitOptions{Numbering: " (%d/%d)"})
	for _, p := range parts {
		fmt.Println(p)
	}
	parts, _ = l.SplitThreadWith(text, cmkit.SplitOptions{Unnumbered: true})
	fmt.Println(len(parts), "parts without numbers:", parts[0])
	// Output:
	// Hoy abrimos la tienda de Madrid. (1/3)
	// Habrá regalos para los cien (2/3)
	// primeros clientes. ¡Os esperamos! (3/3)
	// 3 parts without numbers: Hoy abrimos la tienda de Madrid. Habrá
}

// Truncating a caption between words, with an ellipsis.
func ExampleLimits_TruncateWords() {
	l := cmkit.Limits{MaxLength: 30}
	caption := "Descuentos de otoño en toda la tienda hasta el domingo"
	fmt.Println(l.Truncate(caption, "…"))
	fmt.Println(l.TruncateWords(caption, "…"))
	// Output:
	// Descuentos de otoño en toda l…
	// Descuentos de otoño en toda…
}

// A post with a content warning and a restricted audience fits Mastodon,
// which counts the warning with the text; X has neither, and says so
// rather than publish the spoiler for everyone.
func ExampleLimits_CheckPost() {
	post := cmkit.Post{
		ContentWarning: "Spoilers: final de temporada",
		Text:           "¿Os esperabais ese final? Contadnos en los comentarios.",
		Visibility:     cmkit.VisibilityUnlisted,
	}
	for _, p := range []cmkit.Platform{cmkit.Mastodon, cmkit.X} {
		l, _ := cmkit.PlatformLimits(p)
		fmt.Println(p, len(l.CheckPost(nil, post)), "findings")
		for _, f := range l.CheckPost(nil, post) {
			fmt.Println(" ", f.Field, f.Rule)
		}
	}
	// Output:
	// mastodon 0 findings
	// x 2 findings
	//   post.content_warning content_warning
	//   post.visibility visibility
}
