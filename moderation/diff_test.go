package moderation

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// The differential tests compare Engine with refEngine (ref_test.go), the
// engine as it was before the speed work, verdict by verdict, field by
// field, crisis signal by crisis signal.

// dumpVerdict writes every exported field of v, evidence included.
func dumpVerdict(b *strings.Builder, v *Verdict) {
	fmt.Fprintf(b, "hide=%v delete=%v hold=%v flags=%q prio=%d queue=%q support=%v replies=%q ol=%v crisis=%v stopped=%q lang=%q det=%v sk=%v sent=%v label=%q\n",
		v.Hide, v.Delete, v.Hold, v.Flags, v.Priority, v.Queue, v.Support, v.Replies, v.OpinionLeader, v.Crisis,
		v.Stopped, v.Language, v.Detected, v.SentimentKnown, v.Sentiment, v.SentimentLabel)
	fmt.Fprintf(b, " hits=%v\n", v.Hits)
	for _, f := range v.Fired {
		fmt.Fprintf(b, " fired %s/%d %v\n", f.Rule, f.Index, f.Hits)
	}
}

// recorder is a CrisisSignaler that writes down the signals.
type recorder struct{ b *strings.Builder }

func (r recorder) SignalCrisis(s CrisisSignal) {
	fmt.Fprintf(r.b, " crisis %s %s %v %v\n", s.Rule, s.Mention.ID, s.At.UnixNano(), s.Hits)
}

// differ runs the engine and the reference over the same mentions.
type differ struct {
	t          testing.TB
	e          *Engine
	ref        *refEngine
	got, want  strings.Builder
	vGot, vRef Verdict
}

func newDiffer(t testing.TB, set RuleSet, opts ...Option) *differ {
	d := &differ{t: t}
	clock := &fixedClock{t: t0}
	e, err := Compile(set, append([]Option{WithClock(clock), WithCrisis(recorder{&d.got})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := refCompile(set, append([]Option{WithClock(clock), WithCrisis(recorder{&d.want})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	d.e, d.ref = e, ref
	return d
}

// check evaluates m with both and fails at the first difference.
func (d *differ) check(m cmkit.Mention) {
	d.t.Helper()
	d.got.Reset()
	d.want.Reset()
	d.e.Evaluate(&d.vGot, m)
	d.ref.Evaluate(&d.vRef, m)
	dumpVerdict(&d.got, &d.vGot)
	dumpVerdict(&d.want, &d.vRef)
	if d.got.String() != d.want.String() {
		d.t.Fatalf("mention %q (lang %q):\n got: %s\nwant: %s", m.Text, m.Language, d.got.String(), d.want.String())
	}
}

func TestEngineMatchesReferenceOnBenchCorpus(t *testing.T) {
	n := 3000
	if testbudget.Race {
		n = 500
	}
	ms := benchMentions(n)
	for c, opts := range [][]Option{
		{WithDetector(nil)},
		{WithAnnotations()},
		{WithWaveMemory(50), WithAuthorMemory(40)},
	} {
		d := newDiffer(t, benchRules(), opts...)
		for i, m := range ms {
			if c == 1 && i%2 == 1 {
				m.Language = ""
			}
			d.check(m)
		}
	}
}

// benchGolden is the SHA-256 of the dump of the verdicts of the benchmark
// corpus, recorded with the engine before the speed work of issue 13.
const benchGolden = "064eb1ba42b16db925b31019875f90f244211238c6c3517338e0c50ad8cb9926"

func TestBenchCorpusVerdictsAreFrozen(t *testing.T) {
	clock := &fixedClock{t: t0}
	var b strings.Builder
	e := mustCompile(t, benchRules(), WithClock(clock), WithDetector(nil), WithCrisis(recorder{&b}))
	var v Verdict
	for _, m := range benchMentions(2000) {
		e.Evaluate(&v, m)
		dumpVerdict(&b, &v)
		b.WriteString(v.Summary())
		b.WriteByte('\n')
	}
	sum := sha256.Sum256([]byte(b.String()))
	if got := hex.EncodeToString(sum[:]); got != benchGolden {
		t.Errorf("digest %s, want %s", got, benchGolden)
	}
}

// diffConds are the conditions the random rule sets combine: every test,
// with regexes chosen to exercise their prefilters (literals, classes,
// repetitions, case folding with non-ASCII equivalents, empty matches,
// anchors, word boundaries).
var diffConds = []Cond{
	{Lexicon: "insults"}, {Lexicon: "spam", MinHits: 2}, {Lexicon: "mine"}, {Lexicon: "mine", Terms: []string{"ab"}},
	{Lexicon: "mine", MinHits: 2, Terms: []string{"ab", "ñ"}}, {Lexicon: "scam"}, {Lexicon: "complaints", MinHits: 3},
	{Regex: `[0-9]{2,}`}, {Regex: `(?i)x+`, Normalized: true}, {Regex: `^`}, {Regex: `$`, Normalized: true},
	{Regex: `\+?[0-9][0-9 ]{8,}[0-9]`}, {Regex: `(?i)\b(btc|usdt|eth)\b`}, {Regex: `!{3,}`}, {Regex: `(?i)kiss`},
	{Regex: `(?i)ſ|k`}, {Regex: `a*`}, {Regex: `(?s).{3}`}, {Regex: `\x{1F525}+`}, {Regex: `[^a-z ]{2}`},
	{Regex: `idiota|głupi`, Normalized: true}, {Regex: `\bfree\b`}, {Regex: `(?i)[ą-ż]{2}`}, {Regex: `é|e\x{301}`},
	{Regex: `\d{3}-\d{4}`}, {Regex: `(?m)^hi$`}, {Regex: `[!?]{2,}|\.{3}`}, {Regex: `(?i)FREE|win`},
	{Links: &Range{Min: ptr(1.0)}}, {Links: &Range{Max: ptr(0.0)}}, {Domains: []string{"acme.com"}}, {Shortened: ptr(true)},
	{Shortened: ptr(false)}, {CapsRatio: &Range{Min: ptr(0.5)}}, {CapsRatio: &Range{Max: ptr(0.1)}},
	{Emoji: &Range{Min: ptr(1.0)}}, {Emoji: &Range{Max: ptr(0.0)}}, {Emoji: &Range{Min: ptr(2.0), Max: ptr(3.0)}},
	{Length: &Range{Max: ptr(50.0)}}, {Length: &Range{Min: ptr(20.0)}},
	{Languages: []string{"es"}}, {SentimentLabels: []string{"negative"}}, {FirstTime: ptr(true)}, {FirstTime: ptr(false)},
	{Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2}}, {AuthorList: "blocked"},
	{Links: &Range{Min: ptr(1.0)}, Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2}},
	{Lexicon: "spam", Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2, MinAuthors: 2, Distance: ptr(3)}},
	{Kinds: []cmkit.MentionKind{cmkit.KindComment}, Languages: []string{"es"}, Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 3}},
	{Kinds: []cmkit.MentionKind{cmkit.KindReview}}, {Channels: []string{"ch1"}}, {Followers: &Range{Min: ptr(500.0)}},
	{Verified: ptr(true)}, {AccountAgeDays: &Range{Max: ptr(30.0)}},
}

// randomSet builds a rule set of n rules from the bits of rng.
func randomSet(rng *rand.Rand, n int) RuleSet {
	set := RuleSet{Builtin: []string{"insults", "spam", "scam", "complaints"},
		Lexicons:    []TermList{{Name: "mine", Substring: rng.Intn(2) == 0, Terms: []string{"ab", "x-y", "ñ"}}},
		AuthorLists: []AuthorList{{Name: "blocked", Authors: []string{"a", "@Spammer"}}}}
	pick := func() Cond { return diffConds[rng.Intn(len(diffConds))] }
	var cond func(depth int) Cond
	cond = func(depth int) Cond {
		if depth > 2 {
			return pick()
		}
		switch rng.Intn(6) {
		case 0:
			return Cond{All: []Cond{cond(depth + 1), cond(depth + 1)}}
		case 1:
			return Cond{Any: []Cond{cond(depth + 1), cond(depth + 1), cond(depth + 1)}}
		case 2:
			c := cond(depth + 1)
			return Cond{Not: &c}
		case 3:
			// Several tests in one Cond.
			c := pick()
			o := pick()
			if c.Regex == "" {
				c.Regex, c.Normalized = o.Regex, o.Normalized
			}
			if c.Lexicon == "" {
				c.Lexicon, c.MinHits, c.Terms = o.Lexicon, o.MinHits, o.Terms
			}
			if c.Emoji == nil {
				c.Emoji = o.Emoji
			}
			if c.Links == nil {
				c.Links = o.Links
			}
			if c.Wave == nil {
				c.Wave = o.Wave // a wave whose guard is c's other tests
			}
			return c
		case 4:
			// A wave guarded by an all list, which may hold waves.
			return Cond{All: []Cond{cond(depth + 1)}, Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2}}
		}
		return pick()
	}
	for i := 0; i < n; i++ {
		act := Actions{Flag: []string{fmt.Sprint("f", rng.Intn(3))}, Priority: rng.Intn(4), Crisis: rng.Intn(4) == 0,
			Stop: rng.Intn(8) == 0, Hide: rng.Intn(3) == 0}
		if rng.Intn(3) == 0 {
			act.Reply = map[string]string{"es": "hola", "*": "hi {mine}"}
		}
		set.Rules = append(set.Rules, ModRule{ID: fmt.Sprint("r", i), When: cond(0), Then: act})
	}
	return set
}

// diffTexts are adversarial texts for the differential tests.
var diffTexts = []string{
	"", "a", "!", "!!!", "!!", "IDIOTA!!!", "Eres un 1d10t4 🔥 https://bit.ly/x", "i.d.i.o.t.a ＩＤＩＯＴＡ id\u200biota",
	"\xff\xfe głupi GLUPI a-b-c", "call +48 600 123 456 now", "+1 2 3 4 5 6 7 8 9", "123456789", "1234567890",
	"buy BTC, usdt or Eth today", "ethical btcx xbtc", "K\u212a kiss ſ", "1\ufe0f\u20e3 #\u20e3 *\ufe0f", "🇵🇱🇪🇸🇺🇸",
	"👨\u200d👩\u200d👧 family", "a\u0301e\u0301 éé", "©️ ®️ © ®", "ZAŻÓŁĆ GĘŚLĄ JAŹŃ", "zażółć gęślą jaźń",
	"ǅemal ǈ ǋ Ǳ", "ΑΒΓ αβγ АБВ абв", "\u0600a\u0301 \u0600b", "x\r\ny", "\x00\x01\x7f", "acme.com www.acme.com/x",
	"see t.co/abc and rival.es", "no dots here at all", "free followers click here", "verify your account now!!!",
	"555-1234 and 555-12345", "hi\nhi\nho", "??!! ... ..", "FREE win Win", "ab ab ab ñ ñ x-y", "🔥🔥🔥🔥🔥🔥😡",
	"\xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf \xe2\x82", "ΣΊΣΥΦΟΣ ﬁ ß ẞ", "ａｂｃ ＡＢＣ １２３",
}

// mutate returns a variation of s: spliced with other texts, emoji,
// digits and upper case.
func mutate(rng *rand.Rand, s string) string {
	bits := []string{"🔥", "!", "!!!", " ", "é", "Ł", "1", "9 ", "+", "btc", "ETH", ".", "bit.ly/a", "\u0301", "\ufe0f",
		"\u20e3", "\u200d", "k", "\u212a", "ſ", "\xff", "a", "Z", "ab", "ñ", "idiota", "kurwa", "0 1 2 3 4 5 6 7 8"}
	var b strings.Builder
	for i := 0; i < 1+rng.Intn(4); i++ {
		if s != "" {
			a := rng.Intn(len(s) + 1)
			c := a + rng.Intn(len(s)-a+1)
			b.WriteString(s[a:c])
		}
		b.WriteString(bits[rng.Intn(len(bits))])
		if rng.Intn(3) == 0 {
			b.WriteString(diffTexts[rng.Intn(len(diffTexts))])
		}
	}
	return b.String()
}

func TestEngineMatchesReferenceOnRandomRules(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	corpus := benchMentions(200)
	// Under the race detector, a tenth of the rule sets: the options still
	// come in all their combinations (k%15 goes round twice).
	n := 300
	if testing.Short() {
		n = 60
	}
	if testbudget.Race {
		n /= 10
	}
	for k := 0; k < n; k++ {
		opts := []Option{WithWaveMemory(16), WithAuthorMemory(8)}
		if k%3 == 0 {
			opts = append(opts, WithDetector(nil))
		}
		if k%5 == 0 {
			opts = append(opts, WithAnnotations())
		}
		d := newDiffer(t, randomSet(rng, 1+rng.Intn(12)), opts...)
		for j := 0; j < 40; j++ {
			m := corpus[rng.Intn(len(corpus))]
			switch rng.Intn(3) {
			case 0:
				m.Text = diffTexts[rng.Intn(len(diffTexts))]
			case 1:
				m.Text = mutate(rng, m.Text)
			}
			if rng.Intn(3) == 0 {
				m.Language = ""
			}
			m.Author.ID = fmt.Sprint("a", rng.Intn(3))
			if rng.Intn(4) == 0 {
				m.Author.ID = ""
				m.Author.Handle = "@spammer"
			}
			m.Author.Verified = rng.Intn(2) == 0
			d.check(m)
		}
	}
}

var fuzzDiffers = map[int64]*differ{}

func FuzzEngineMatchesReference(f *testing.F) {
	for i, s := range diffTexts {
		f.Add(s, int64(i), "es")
	}
	f.Add("call +48 600 123 456 BTC!!!", int64(99), "")
	f.Fuzz(func(t *testing.T, text string, seed int64, lang string) {
		if lang != "" && !langtag.Valid(lang) {
			lang = ""
		}
		// Compiling the built-in lexicons is slow: the pairs of engines are
		// kept, and stay in step since both see the same mentions.
		// Under the race detector, where compiling is ten times as slow,
		// the seeds share 8 pairs.
		k := seed & 63
		if testbudget.Race {
			k = seed & 7
		}
		d := fuzzDiffers[k]
		if d == nil {
			rng := rand.New(rand.NewSource(k))
			d = newDiffer(t, randomSet(rng, 1+rng.Intn(8)), WithWaveMemory(8), WithAuthorMemory(4))
			fuzzDiffers[k] = d
		}
		d.t = t
		defer testbudget.CheckFuzz(t, time.Now(), text)
		rng := rand.New(rand.NewSource(seed))
		m := cmkit.Mention{ID: "m", Text: text, Language: lang, ChannelID: "ch1", Author: cmkit.Author{ID: "a"}}
		for k := 0; k < 3; k++ {
			d.check(m)
			m.Text = mutate(rng, text)
		}
	})
}
