package moderation

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *fixedClock) NewTimer(d time.Duration) cmkit.Timer { return cmkit.SystemClock().NewTimer(d) }
func (c *fixedClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mustCompile(t testing.TB, set RuleSet, opts ...Option) *Engine {
	t.Helper()
	e, err := Compile(set, opts...)
	require.NoError(t, err)
	return e
}

func rule(id string, when Cond, then Actions) ModRule { return ModRule{ID: id, When: when, Then: then} }

func ptr[T any](v T) *T { return &v }

func TestObfuscatedInsultsAreCaughtWithOriginalSpans(t *testing.T) {
	e := mustCompile(t, RuleSet{Builtin: []string{"insults"},
		Rules: []ModRule{rule("insults", Cond{Lexicon: "insults"}, Actions{Hide: true})}})
	cases := []struct{ text, term, span string }{
		{"Eres un IDIOTA total", "idiota", "IDIOTA"},
		{"eres un ídiota", "idiota", "ídiota"},
		{"eres un 1d10t4!!", "idiota", "1d10t4"},
		{"eres un i.d.i.o.t.a, sí", "idiota", "i.d.i.o.t.a"},
		{"eres un id\u200biota", "idiota", "id\u200biota"},
		{"eres un ＩＤＩＯＴＡ", "idiota", "ＩＤＩＯＴＡ"},
		{"ty głupi draniu", "głupi", "głupi"},
		{"TY GLUPI", "głupi", "GLUPI"},
		{"ty glupi", "głupi", "glupi"},
		{"you are an іdiot", "idiot", "іdiot"}, // Cyrillic і
		{"what a m0r0n", "moron", "m0r0n"},
		{"eres un idiiiiota", "idiota", "idiiiiota"},
		{"ty kretynie... nie, KRETYN", "kretyn", "KRETYN"},
		{"¡Qué GILIPOLLAS!", "gilipollas", "GILIPOLLAS"},
		{"eres un i-dio-ta", "idiota", "i-dio-ta"},
		{"go to he11", "go to hell", "go to he11"},
		{"Ty de.bil!", "debil", "de.bil"},
	}
	var v Verdict
	for _, c := range cases {
		e.Evaluate(&v, cmkit.Mention{Text: c.text})
		if !assert.Len(t, v.Fired, 1, c.text) {
			continue
		}
		require.NotEmpty(t, v.Fired[0].Hits, c.text)
		h := v.Fired[0].Hits[0]
		assert.Equal(t, "insults", h.Lexicon, c.text)
		assert.Equal(t, c.term, h.Term, c.text)
		assert.Equal(t, c.span, c.text[h.Start:h.End], c.text)
		assert.True(t, v.Hide)
	}
}

func TestWholeWordsDoNotMatchInsideLongerWords(t *testing.T) {
	set := RuleSet{
		Lexicons: []TermList{{Name: "bad", Terms: []string{"ass", "hell", "ana", "zwrot", "cum", "tit"}}},
		Rules:    []ModRule{rule("bad", Cond{Lexicon: "bad"}, Actions{Flag: []string{"bad"}})},
	}
	e := mustCompile(t, set)
	var v Verdict
	for _, text := range []string{
		"Join the class tomorrow", "hello there", "hasta mañana", "zwrotnica kolejowa",
		"cumulative totals", "the title", "CLASSIC", "Hello!", "MAÑANA", "Zwrotnice",
		"as soon as possible", "e-mail me",
	} {
		e.Evaluate(&v, cmkit.Mention{Text: text})
		assert.Empty(t, v.Fired, text)
	}
	for _, text := range []string{"what an ass", "go to hell", "Ana dijo", "żądam ZWROT pieniędzy"} {
		e.Evaluate(&v, cmkit.Mention{Text: text})
		assert.Len(t, v.Fired, 1, text)
	}
}

func TestLanguageScopedLexicons(t *testing.T) {
	set := RuleSet{
		Lexicons: []TermList{
			{Name: "w", Lang: "es", Terms: []string{"burro"}},
			{Name: "w", Lang: "en", Terms: []string{"donkey"}},
			{Name: "w", Terms: []string{"everywhere"}},
		},
		Rules: []ModRule{rule("w", Cond{Lexicon: "w"}, Actions{Flag: []string{"w"}})},
	}
	e := mustCompile(t, set)
	var v Verdict
	cases := []struct {
		lang, text string
		fired      bool
	}{
		{"es", "un burro", true}, {"es-MX", "un burro", true}, {"en", "un burro", false},
		{"en", "a donkey", true}, {"pl", "a donkey", false}, {"", "a donkey", true},
		{"pl", "everywhere", true},
	}
	for _, c := range cases {
		e.Evaluate(&v, cmkit.Mention{Text: c.text, Language: c.lang})
		assert.Equal(t, c.fired, v.Acted(), "%s %q", c.lang, c.text)
	}
	// Detection fills in a missing language.
	e = mustCompile(t, set, withDetectFunc(func(string) (string, float64) { return "en", 0.9 }))
	e.Evaluate(&v, cmkit.Mention{Text: "un burro"})
	assert.False(t, v.Acted())
	e.Evaluate(&v, cmkit.Mention{Text: "un burro", Language: "es"})
	assert.True(t, v.Acted(), "Mention.Language wins over detection")
	assert.False(t, v.Detected)
	// A guess below the confidence threshold is no language.
	e = mustCompile(t, set, withDetectFunc(func(string) (string, float64) { return "en", 0.2 }))
	e.Evaluate(&v, cmkit.Mention{Text: "un burro"})
	assert.True(t, v.Acted())
}

func TestEachCondition(t *testing.T) {
	clock := &fixedClock{t: t0}
	base := cmkit.Mention{ID: "m1", ChannelID: "acme-x", Kind: cmkit.KindComment, Text: "Hola, tengo una queja",
		Language: "es", Author: cmkit.Author{ID: "42", Handle: "Ola_K", Followers: 1500, Verified: true, CreatedAt: t0.AddDate(0, 0, -10)}}
	with := func(f func(m *cmkit.Mention)) cmkit.Mention {
		m := base
		f(&m)
		return m
	}
	cases := []struct {
		name string
		when Cond
		m    cmkit.Mention
		want bool
	}{
		{"lexicon", Cond{Lexicon: "complaints"}, base, true},
		{"lexicon min_hits", Cond{Lexicon: "complaints", MinHits: 2}, base, false},
		{"lexicon min_hits met", Cond{Lexicon: "complaints", MinHits: 2}, with(func(m *cmkit.Mention) { m.Text = "queja y otra queja" }), true},
		{"lexicon terms", Cond{Lexicon: "complaints", Terms: []string{"estafa"}}, base, false},
		{"lexicon terms met", Cond{Lexicon: "complaints", Terms: []string{"QUEJA"}}, base, true},
		{"regex", Cond{Regex: `(?i)\bhola\b`}, base, true},
		{"regex no", Cond{Regex: `adiós`}, base, false},
		{"regex normalized", Cond{Regex: `adios`, Normalized: true}, with(func(m *cmkit.Mention) { m.Text = "ADIÓS" }), true},
		{"followers", Cond{Followers: &Range{Min: ptr(1000.0)}}, base, true},
		{"followers max", Cond{Followers: &Range{Max: ptr(1000.0)}}, base, false},
		{"verified", Cond{Verified: ptr(true)}, base, true},
		{"not verified", Cond{Verified: ptr(false)}, base, false},
		{"account age", Cond{AccountAgeDays: &Range{Max: ptr(30.0)}}, base, true},
		{"account age old", Cond{AccountAgeDays: &Range{Min: ptr(30.0)}}, base, false},
		{"account age unknown", Cond{AccountAgeDays: &Range{Max: ptr(30.0)}}, with(func(m *cmkit.Mention) { m.Author.CreatedAt = time.Time{} }), false},
		{"author list by handle", Cond{AuthorList: "blocked"}, base, true},
		{"author list by id", Cond{AuthorList: "blocked"}, with(func(m *cmkit.Mention) { m.Author = cmkit.Author{ID: "666"} }), true},
		{"author list no", Cond{AuthorList: "blocked"}, with(func(m *cmkit.Mention) { m.Author = cmkit.Author{ID: "1", Handle: "other"} }), false},
		{"kinds", Cond{Kinds: []cmkit.MentionKind{cmkit.KindComment, cmkit.KindReply}}, base, true},
		{"kinds no", Cond{Kinds: []cmkit.MentionKind{cmkit.KindDirectMessage}}, base, false},
		{"platforms", Cond{Platforms: []cmkit.Platform{cmkit.X}}, base, true},
		{"platforms no", Cond{Platforms: []cmkit.Platform{cmkit.Facebook}}, base, false},
		{"channels", Cond{Channels: []string{"acme-x"}}, base, true},
		{"languages", Cond{Languages: []string{"es"}}, with(func(m *cmkit.Mention) { m.Language = "es-AR" }), true},
		{"languages no", Cond{Languages: []string{"pl"}}, base, false},
		{"sentiment", Cond{Sentiment: &Range{Max: ptr(-0.2)}}, base, true},
		{"sentiment labels", Cond{SentimentLabels: []string{"negative"}}, base, true},
		{"sentiment labels no", Cond{SentimentLabels: []string{"positive"}}, base, false},
		{"links", Cond{Links: &Range{Min: ptr(2.0)}}, with(func(m *cmkit.Mention) { m.Text = "see https://acme.com/a and bit.ly/x1" }), true},
		{"links none", Cond{Links: &Range{Min: ptr(1.0)}}, base, false},
		{"domains", Cond{Domains: []string{"acme.com"}}, with(func(m *cmkit.Mention) { m.Text = "see https://Shop.ACME.com/a" }), true},
		{"domains not a suffix", Cond{Domains: []string{"acme.com"}}, with(func(m *cmkit.Mention) { m.Text = "see https://notacme.com/a" }), false},
		{"shortened", Cond{Shortened: ptr(true)}, with(func(m *cmkit.Mention) { m.Text = "gratis aquí bit.ly/3xYz y t.co/abc" }), true},
		{"not shortened", Cond{Shortened: ptr(true)}, with(func(m *cmkit.Mention) { m.Text = "see https://acme.com" }), false},
		{"caps ratio", Cond{CapsRatio: &Range{Min: ptr(0.7)}}, with(func(m *cmkit.Mention) { m.Text = "ESTO ES UNA VERGÜENZA!!" }), true},
		{"caps ratio low", Cond{CapsRatio: &Range{Min: ptr(0.7)}}, base, false},
		{"emoji", Cond{Emoji: &Range{Min: ptr(3.0)}}, with(func(m *cmkit.Mention) { m.Text = "🔥🔥 gracias 👍🏽 🇵🇱" }), true},
		{"emoji few", Cond{Emoji: &Range{Min: ptr(3.0)}}, with(func(m *cmkit.Mention) { m.Text = "gracias 👍 #1 :)" }), false},
		{"length", Cond{Length: &Range{Max: ptr(21.0)}}, base, true},
		{"length counts characters", Cond{Length: &Range{Max: ptr(4.0)}}, with(func(m *cmkit.Mention) { m.Text = "żółw" }), true},
		{"all", Cond{All: []Cond{{Kinds: []cmkit.MentionKind{cmkit.KindComment}}, {Lexicon: "complaints"}}}, base, true},
		{"all fails", Cond{All: []Cond{{Kinds: []cmkit.MentionKind{cmkit.KindReview}}, {Lexicon: "complaints"}}}, base, false},
		{"any", Cond{Any: []Cond{{Kinds: []cmkit.MentionKind{cmkit.KindReview}}, {Lexicon: "complaints"}}}, base, true},
		{"not", Cond{Not: &Cond{Verified: ptr(true)}}, base, false},
		{"several tests are all", Cond{Verified: ptr(true), Kinds: []cmkit.MentionKind{cmkit.KindReview}}, base, false},
	}
	set := RuleSet{Builtin: []string{"complaints"}, AuthorLists: []AuthorList{{Name: "blocked", Authors: []string{"666", "@ola_k"}}}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := set
			s.Rules = []ModRule{rule("r", c.when, Actions{Flag: []string{"x"}})}
			e := mustCompile(t, s, WithClock(clock), WithChannelMap(map[string]cmkit.Platform{"acme-x": cmkit.X}),
				withAnalyzeFunc(func(text, lang string) (float64, string) { return -0.5, "negative" }))
			var v Verdict
			e.Evaluate(&v, c.m)
			assert.Equal(t, c.want, v.Acted())
		})
	}
}

func TestFirstTimeCommenter(t *testing.T) {
	e := mustCompile(t, RuleSet{Rules: []ModRule{rule("new", Cond{FirstTime: ptr(true)}, Actions{Hold: true})}})
	var v Verdict
	m := cmkit.Mention{ChannelID: "c1", Author: cmkit.Author{ID: "a"}, Text: "hi"}
	e.Evaluate(&v, m)
	assert.True(t, v.Hold)
	e.Evaluate(&v, m)
	assert.False(t, v.Hold, "second mention")
	m.ChannelID = "c2"
	e.Evaluate(&v, m)
	assert.True(t, v.Hold, "first on another channel")
}

func TestAuthorMemoryIsBounded(t *testing.T) {
	s := newSeenAuthors(100)
	for i := 0; i < 10000; i++ {
		s.Seen("c", fmt.Sprint(i))
		require.LessOrEqual(t, s.len(), 100)
	}
	// The last n/2 authors are remembered; an active author stays.
	for i := 10000 - 50; i < 10000; i++ {
		assert.True(t, s.Seen("c", fmt.Sprint(i)), i)
	}
	assert.False(t, s.Seen("c", "0"))
}

func TestActions(t *testing.T) {
	var signals []CrisisSignal
	var mu sync.Mutex
	signaler := signalFunc(func(s CrisisSignal) {
		mu.Lock()
		defer mu.Unlock()
		signals = append(signals, s)
	})
	set := RuleSet{
		Lexicons: []TermList{{Name: "product", Terms: []string{"RoboMop", "AquaBot"}}, {Name: "fire", Terms: []string{"fire", "incendio", "pożar"}}},
		Rules: []ModRule{
			rule("a", Cond{Lexicon: "product"}, Actions{Flag: []string{"product", "lead"}, Priority: 2, Queue: "sales",
				Reply: map[string]string{"es": "¡Hola {author}! ¿Qué te parece {product}?", "*": "Hi {name}, thanks for trying {product}!"}}),
			rule("b", Cond{Lexicon: "product"}, Actions{Flag: []string{"lead"}, Priority: 5, Queue: "other", Support: true, OpinionLeader: true}),
			rule("c", Cond{Lexicon: "fire"}, Actions{Crisis: true, Hide: true, Delete: true, Hold: true, Stop: true}),
			rule("d", Cond{Lexicon: "product"}, Actions{Flag: []string{"never"}}),
		},
	}
	e := mustCompile(t, set, WithCrisis(signaler), WithClock(&fixedClock{t: t0}))
	var v Verdict
	m := cmkit.Mention{ID: "m", Text: "Mi robomop huele a fuego? no, ¡INCENDIO!", Language: "es-ES",
		Author: cmkit.Author{Handle: "ana", DisplayName: "Ana"}}
	e.Evaluate(&v, m)
	assert.Equal(t, []string{"product", "lead"}, v.Flags)
	assert.Equal(t, 5, v.Priority)
	assert.Equal(t, "sales", v.Queue)
	assert.True(t, v.Support && v.OpinionLeader && v.Crisis && v.Hide && v.Delete && v.Hold)
	assert.Equal(t, "c", v.Stopped)
	require.Len(t, v.Fired, 3)
	assert.Equal(t, []string{"a", "b", "c"}, []string{v.Fired[0].Rule, v.Fired[1].Rule, v.Fired[2].Rule})
	require.Len(t, v.Replies, 1)
	assert.Equal(t, "es", v.Replies[0].Lang)
	assert.Equal(t, "¡Hola @ana! ¿Qué te parece robomop?", v.ReplyText(v.Replies[0], m))
	require.Len(t, signals, 1)
	assert.Equal(t, "c", signals[0].Rule)
	assert.Equal(t, t0, signals[0].At)
	assert.Equal(t, "INCENDIO", m.Text[signals[0].Hits[0].Start:signals[0].Hits[0].End])
	assert.Equal(t, "hide delete hold flag=product,lead priority=5 queue=sales support reply=a/es opinion-leader crisis", v.Summary())

	m.Language = "pl"
	m.Text = "AquaBot działa świetnie"
	e.Evaluate(&v, m)
	require.Len(t, v.Replies, 1)
	assert.Equal(t, "Hi Ana, thanks for trying AquaBot!", v.ReplyText(v.Replies[0], m))
	assert.False(t, v.Crisis)
	assert.Len(t, v.Fired, 3)
}

type signalFunc func(CrisisSignal)

func (f signalFunc) SignalCrisis(s CrisisSignal) { f(s) }

func TestEvidenceIsWhatMadeTheRuleFire(t *testing.T) {
	set := RuleSet{
		Lexicons: []TermList{{Name: "a", Terms: []string{"alpha"}}, {Name: "b", Terms: []string{"beta"}}, {Name: "c", Terms: []string{"gamma"}}},
		Rules: []ModRule{
			rule("any", Cond{Any: []Cond{{Lexicon: "a"}, {Lexicon: "b"}}}, Actions{Flag: []string{"x"}}),
			rule("all-not", Cond{All: []Cond{{Lexicon: "b"}, {Not: &Cond{Lexicon: "c"}}, {Regex: `[0-9]+`}}}, Actions{Flag: []string{"y"}}),
			rule("failed-all", Cond{All: []Cond{{Lexicon: "a"}, {Lexicon: "c"}}}, Actions{Flag: []string{"z"}}),
		},
	}
	e := mustCompile(t, set)
	var v Verdict
	text := "ALPHA then béta 42"
	e.Evaluate(&v, cmkit.Mention{Text: text})
	require.Len(t, v.Fired, 2)
	spans := func(f Fired) (out []string) {
		for _, h := range f.Hits {
			out = append(out, h.Lexicon+":"+text[h.Start:h.End])
		}
		return out
	}
	assert.Equal(t, []string{"a:ALPHA"}, spans(v.Fired[0]))
	assert.Equal(t, []string{"b:béta", ":42"}, spans(v.Fired[1]))
	assert.Len(t, v.Hits, 2, "all hits of the text")
}

func TestConditionsRunCheapestFirst(t *testing.T) {
	calls := 0
	analyze := func(text, lang string) (float64, string) { calls++; return -1, "negative" }
	set := RuleSet{Rules: []ModRule{
		rule("r", Cond{All: []Cond{{Sentiment: &Range{Max: ptr(0.0)}}, {Kinds: []cmkit.MentionKind{cmkit.KindReview}}}}, Actions{Flag: []string{"x"}}),
	}}
	e := mustCompile(t, set, withAnalyzeFunc(analyze))
	var v Verdict
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindComment, Text: "awful"})
	assert.Equal(t, 0, calls, "the kind fails first; no sentiment")
	assert.False(t, v.SentimentKnown)
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindReview, Text: "awful"})
	assert.Equal(t, 1, calls)
	assert.True(t, v.Acted() && v.SentimentKnown)
	assert.Equal(t, "negative", v.SentimentLabel)
}

func TestWithAnnotations(t *testing.T) {
	e := mustCompile(t, RuleSet{}, WithAnnotations(), withDetectFunc(func(string) (string, float64) { return "pl", 0.9 }))
	var v Verdict
	e.Evaluate(&v, cmkit.Mention{Text: "To jest świetne, dziękuję!"})
	assert.Equal(t, "pl", v.Language)
	assert.True(t, v.Detected)
	assert.True(t, v.SentimentKnown)
	assert.Equal(t, "positive", v.SentimentLabel)
	assert.Greater(t, v.Sentiment, 0.0)
}

func TestCompileErrors(t *testing.T) {
	_, err := Compile(RuleSet{Rules: []ModRule{rule("p", Cond{Platforms: []cmkit.Platform{cmkit.X}}, Actions{Hide: true})}})
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	assert.ErrorContains(t, err, "WithChannels")
	_, err = Compile(RuleSet{}, WithWaveMemory(0))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = Compile(RuleSet{Rules: []ModRule{rule("p", Cond{Lexicon: "catalog"}, Actions{Hide: true})}})
	assert.ErrorContains(t, err, `no lexicon "catalog"`)
	_, err = Compile(RuleSet{Rules: []ModRule{rule("p", Cond{Lexicon: "catalog"}, Actions{Hide: true})}},
		WithLexicons(TermList{Name: "catalog", Terms: []string{"RoboMop"}}))
	assert.NoError(t, err)
}

func TestEvaluateIsSafeForConcurrentUse(t *testing.T) {
	set := RuleSet{Builtin: []string{"insults", "spam"}, Rules: []ModRule{
		rule("i", Cond{Lexicon: "insults"}, Actions{Hide: true}),
		rule("w", Cond{Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 3, MinAuthors: 2}}, Actions{Flag: []string{"wave"}}),
		rule("f", Cond{FirstTime: ptr(true)}, Actions{Hold: true}),
	}}
	e := mustCompile(t, set, WithWaveMemory(50), WithAuthorMemory(20))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var v Verdict
			for i := 0; i < 300; i++ {
				e.Evaluate(&v, cmkit.Mention{ChannelID: "c", Author: cmkit.Author{ID: fmt.Sprint(i % 37)},
					Text: fmt.Sprintf("buy followers now at acme %d, idiota", i%5)})
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, e.waves[0].store.size(), 50)
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	set := RuleSet{Builtin: BuiltinNames(), Rules: []ModRule{
		rule("i", Cond{Lexicon: "insults"}, Actions{Hide: true, Flag: []string{"insult"}}),
		rule("c", Cond{All: []Cond{{Lexicon: "complaints"}, {SentimentLabels: []string{"negative"}}}}, Actions{Support: true, Reply: map[string]string{"*": "Sorry {author}"}}),
		rule("w", Cond{All: []Cond{{Links: &Range{Min: ptr(1.0)}}, {Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 3, MinAuthors: 2}}}}, Actions{Delete: true}),
		rule("f", Cond{FirstTime: ptr(true), Shortened: ptr(true)}, Actions{Hold: true}),
		rule("caps", Cond{CapsRatio: &Range{Min: ptr(0.8)}, Length: &Range{Min: ptr(10.0)}, Emoji: &Range{Min: ptr(1.0)}}, Actions{Priority: 1}),
	}}
	e := mustCompile(t, set, WithClock(&fixedClock{t: t0}), WithAnnotations())
	texts := []string{
		"Eres un IDIOTA, no funciona nada y quiero un reembolso 😡",
		"Buy followers now bit.ly/abc cheap followers!!! 🔥🔥",
		"Paczka nie dotarła, skandal. Chcę zwrot pieniędzy.",
		"Great product, thanks!",
	}
	var v Verdict
	for i := 0; i < 50; i++ {
		e.Evaluate(&v, cmkit.Mention{ChannelID: "c", Author: cmkit.Author{ID: fmt.Sprint(i)}, Text: texts[i%len(texts)]})
	}
	i := 0
	allocs := testing.AllocsPerRun(200, func() {
		i++
		e.Evaluate(&v, cmkit.Mention{ChannelID: "c", Author: cmkit.Author{ID: fmt.Sprint(i % 10)}, Text: texts[i%len(texts)]})
	})
	// fmt.Sprint in the closure allocates; Evaluate itself must not.
	assert.LessOrEqual(t, allocs, 1.0)
}

func TestErrorsWrapErrInvalid(t *testing.T) {
	_, err := ParseRules([]byte(`{"rules": [{"id": "x", "when": {"lexicon": "nope"}, "then": {"hide": true}}]}`))
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "rules[0].when.lexicon", ve.Field)
	assert.True(t, strings.Contains(ve.Detail, `rule "x"`))
}

func TestBuiltinInsultsKeepDoubles(t *testing.T) {
	e := mustCompile(t, RuleSet{Builtin: []string{"insults"},
		Rules: []ModRule{rule("insults", Cond{Lexicon: "insults"}, Actions{Hide: true})}})
	var v Verdict
	for _, text := range []string{"as soon as possible", "una pera y un pero", "pollo asado", "classic hello"} {
		e.Evaluate(&v, cmkit.Mention{Text: text})
		assert.False(t, v.Acted(), text)
	}
	for _, text := range []string{"what an ass", "qué perra", "you aaasssshole"} {
		e.Evaluate(&v, cmkit.Mention{Text: text})
		assert.True(t, v.Acted(), text)
	}
}
