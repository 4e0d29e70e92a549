package promotion_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
)

func fixedSeed(t testing.TB, b byte) promotion.Seed {
	t.Helper()
	s, err := promotion.NewSeed(bytes.NewReader(bytes.Repeat([]byte{b}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func keys(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("x:fan%04d", (i*7919)%n) // not in canonical order
	}
	return out
}

func freeze(t testing.TB, ks []string) promotion.FrozenEntries {
	t.Helper()
	l, err := promotion.FreezeEntries(ks)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func beacon(value string) *promotion.Beacon {
	return &promotion.Beacon{Name: "drand quicknet", Round: 1234, Value: []byte(value)}
}

func validation(t *testing.T, err error, field, rule string) {
	t.Helper()
	var ve *cmkit.ValidationError
	if !errors.Is(err, cmkit.ErrInvalid) || !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *cmkit.ValidationError", err)
	}
	if ve.Field != field || ve.Rule != rule {
		t.Fatalf("err = %v, want field %q rule %q", err, field, rule)
	}
}

func TestNewSeed(t *testing.T) {
	a, err := promotion.NewSeed(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := promotion.NewSeed(nil)
	if a == b || a == (promotion.Seed{}) {
		t.Fatalf("crypto/rand seeds %v and %v", a, b)
	}
	if _, err := promotion.NewSeed(strings.NewReader("short")); err == nil {
		t.Fatal("a short read made a seed")
	}
}

func TestSeedAndDigestText(t *testing.T) {
	s := fixedSeed(t, 0xab)
	text, _ := json.Marshal(s)
	if want := `"` + strings.Repeat("ab", 32) + `"`; string(text) != want {
		t.Fatalf("seed JSON = %s, want %s", text, want)
	}
	var back promotion.Seed
	if err := json.Unmarshal([]byte(strings.ToUpper(string(text))), &back); err != nil || back != s {
		t.Fatalf("round trip = %v, %v", back, err)
	}
	for _, bad := range []string{"", "ab", strings.Repeat("g", 64), strings.Repeat("a", 66)} {
		if _, err := promotion.ParseSeed(bad); !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("ParseSeed(%q) = %v", bad, err)
		}
		if _, err := promotion.ParseDigest(bad); !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("ParseDigest(%q) = %v", bad, err)
		}
	}
	d, err := promotion.ParseDigest(strings.Repeat("0F", 32))
	if err != nil || d.String() != strings.Repeat("0f", 32) || d.IsZero() {
		t.Fatalf("ParseDigest = %v, %v", d, err)
	}
}

func TestBeaconJSON(t *testing.T) {
	b := beacon("\x01\xff")
	text, err := json.Marshal(b)
	if err != nil || string(text) != `{"name":"drand quicknet","round":1234,"value":"01ff"}` {
		t.Fatalf("beacon JSON = %s, %v", text, err)
	}
	var back promotion.Beacon
	if err := json.Unmarshal(text, &back); err != nil || !bytes.Equal(back.Value, b.Value) || back.Name != b.Name || back.Round != b.Round {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
	err = json.Unmarshal([]byte(`{"name":"d","round":1,"value":"zz"}`), &back)
	validation(t, err, "beacon.value", "format")
}

// TestCommitIsTheDocumentedText: the commitment is the SHA-256 of the
// text Commit's comment gives.
func TestCommitIsTheDocumentedText(t *testing.T) {
	s := fixedSeed(t, 1)
	c, err := promotion.Commit(s, nil)
	want := sha256.Sum256([]byte("cmkit-promotion-commit-v1\nseed " + strings.Repeat("01", 32) + "\n"))
	if err != nil || c != want {
		t.Fatalf("Commit = %v, %v, want %x", c, err, want)
	}
	c, err = promotion.Commit(s, &promotion.Beacon{Name: "drand quicknet", Round: 1234})
	want = sha256.Sum256([]byte("cmkit-promotion-commit-v1\nseed " + strings.Repeat("01", 32) + "\nbeacon drand quicknet\nround 1234\n"))
	if err != nil || c != want {
		t.Fatalf("Commit with beacon = %v, %v, want %x", c, err, want)
	}
	withValue, _ := promotion.Commit(s, &promotion.Beacon{Name: "drand quicknet", Round: 1234, Value: []byte{1}})
	if withValue != c {
		t.Fatal("the beacon's value changed the commitment")
	}
	_, err = promotion.Commit(s, &promotion.Beacon{Name: "a\nb"})
	validation(t, err, "beacon.name", "newline")
	_, err = promotion.Commit(s, &promotion.Beacon{})
	validation(t, err, "beacon.name", "required")
}

func TestFreezeEntries(t *testing.T) {
	in := []string{"x:zoe", "fb:ana", "x:Zoe", "x:álvaro", "x:alvaro"}
	orig := slices.Clone(in)
	l := freeze(t, in)
	if !slices.Equal(in, orig) {
		t.Fatal("FreezeEntries changed its input")
	}
	got := slices.Collect(l.Keys())
	want := []string{"fb:ana", "x:Zoe", "x:alvaro", "x:zoe", "x:álvaro"}
	if !slices.Equal(got, want) || l.Len() != 5 {
		t.Fatalf("keys = %q, want %q", got, want)
	}
	var file bytes.Buffer
	if n, err := l.WriteTo(&file); err != nil || n != int64(file.Len()) {
		t.Fatalf("WriteTo = %d, %v", n, err)
	}
	if file.String() != strings.Join(want, "\n")+"\n" {
		t.Fatalf("file = %q", file.String())
	}
	if h := sha256.Sum256(append([]byte("cmkit-promotion-entries-v1\n"), file.Bytes()...)); l.Hash() != h {
		t.Fatalf("hash = %v, want %x", l.Hash(), h)
	}

	for _, c := range []struct {
		keys        []string
		field, rule string
	}{
		{nil, "entries", "required"},
		{[]string{"a", "b", "a"}, "entries[2]", "duplicate"},
		{[]string{"a", ""}, "entries[1]", "required"},
		{[]string{"a\nb"}, "entries[0]", "newline"},
		{[]string{"ok", "\xff"}, "entries[1]", "utf8"},
	} {
		_, err := promotion.FreezeEntries(c.keys)
		validation(t, err, c.field, c.rule)
	}
}

// TestWriteToLargeList: the list file and the hash agree past one buffer.
func TestWriteToLargeList(t *testing.T) {
	l := freeze(t, keys(5000))
	var file bytes.Buffer
	if _, err := l.WriteTo(&file); err != nil {
		t.Fatal(err)
	}
	if h := sha256.Sum256(append([]byte("cmkit-promotion-entries-v1\n"), file.Bytes()...)); l.Hash() != h {
		t.Fatal("the hash is not the hash of the written file")
	}
}

// byHand redoes Draw from its doc comment's steps, with big integers, to pin
// the documented scheme.
func byHand(seed promotion.Seed, ks []string, b *promotion.Beacon, m int) (string, []string) {
	a := slices.Clone(ks)
	slices.Sort(a)
	list := "cmkit-promotion-entries-v1\n" + strings.Join(a, "\n") + "\n"
	eh := sha256.Sum256([]byte(list))
	text := fmt.Sprintf("cmkit-promotion-draw-v1\nseed %x\nentries %x\n", seed[:], eh[:])
	if b != nil {
		text += fmt.Sprintf("beacon %s\nround %d\nvalue %x\n", b.Name, b.Round, b.Value)
	}
	k := sha256.Sum256([]byte(text))
	kh := hex.EncodeToString(k[:])
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	i := 0
	for p := range m {
		n := big.NewInt(int64(len(a) - p))
		limit := new(big.Int).Sub(two64, new(big.Int).Mod(two64, n))
		for {
			block := sha256.Sum256(fmt.Appendf(nil, "%s %d\n", kh, i))
			i++
			x := new(big.Int).SetUint64(binary.BigEndian.Uint64(block[:8]))
			if x.Cmp(limit) < 0 {
				r := int(new(big.Int).Mod(x, n).Int64())
				a[p], a[p+r] = a[p+r], a[p]
				break
			}
		}
	}
	return kh, a[:m]
}

func TestDrawFollowsTheDocumentedSteps(t *testing.T) {
	for _, c := range []struct {
		n, w, a int
		b       *promotion.Beacon
	}{{1, 1, 0, nil}, {7, 1, 6, nil}, {50, 3, 5, beacon("v")}, {1000, 10, 20, beacon("\x00\x01")}} {
		ks := keys(c.n)
		seed := fixedSeed(t, byte(c.n))
		rec, err := promotion.Draw(seed, freeze(t, ks), c.b, c.w, c.a)
		if err != nil {
			t.Fatal(err)
		}
		key, want := byHand(seed, ks, c.b, c.w+c.a)
		if rec.Key.String() != key {
			t.Errorf("n=%d: key %v, by hand %s", c.n, rec.Key, key)
		}
		if got := append(slices.Clone(rec.Winners), rec.Alternates...); !slices.Equal(got, want) || len(rec.Winners) != c.w {
			t.Errorf("n=%d: drew %q + %q, by hand %q", c.n, rec.Winners, rec.Alternates, want)
		}
		if cm, _ := promotion.Commit(seed, c.b); rec.Commitment != cm {
			t.Errorf("n=%d: commitment %v, Commit gives %v", c.n, rec.Commitment, cm)
		}
	}
}

func TestDrawIsDeterministicAndDistinct(t *testing.T) {
	ks := keys(30)
	seed := fixedSeed(t, 9)
	a, _ := promotion.Draw(seed, freeze(t, ks), beacon("v"), 10, 20)
	slices.Reverse(ks)
	b, _ := promotion.Draw(seed, freeze(t, ks), beacon("v"), 10, 20)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatalf("same inputs, two draws:\n%s\n%s", ja, jb)
	}
	if got := slices.Collect(freeze(t, ks).Keys()); !slices.IsSorted(got) {
		t.Fatal("the frozen list is not in canonical order")
	}
	l := freeze(t, ks)
	promotion.Draw(seed, l, nil, 10, 20)
	if !slices.IsSorted(slices.Collect(l.Keys())) {
		t.Fatal("Draw reordered the frozen list")
	}
	all := append(slices.Clone(a.Winners), a.Alternates...)
	slices.Sort(all)
	slices.Sort(ks)
	if !slices.Equal(all, ks) {
		t.Fatalf("drawing every entry gave %q", all)
	}
	// A shorter draw is the start of a longer one.
	short, _ := promotion.Draw(seed, freeze(t, ks), beacon("v"), 2, 1)
	if !slices.Equal(short.Winners, a.Winners[:2]) || short.Alternates[0] != a.Winners[2] {
		t.Fatalf("short draw %q %q, long draw %q", short.Winners, short.Alternates, a.Winners)
	}
}

// TestDrawChangesWithEveryInput: any change of an input changes the draw
// key and the drawn order.
func TestDrawChangesWithEveryInput(t *testing.T) {
	ks := keys(1000)
	seed := fixedSeed(t, 3)
	base, _ := promotion.Draw(seed, freeze(t, ks), beacon("value"), 5, 5)
	otherSeed := seed
	otherSeed[31] ^= 1
	cases := map[string]func() (promotion.DrawRecord, error){
		"seed": func() (promotion.DrawRecord, error) {
			return promotion.Draw(otherSeed, freeze(t, ks), beacon("value"), 5, 5)
		},
		"entry added": func() (promotion.DrawRecord, error) {
			return promotion.Draw(seed, freeze(t, append(slices.Clone(ks), "x:late")), beacon("value"), 5, 5)
		},
		"entry removed": func() (promotion.DrawRecord, error) {
			return promotion.Draw(seed, freeze(t, ks[1:]), beacon("value"), 5, 5)
		},
		"entry changed": func() (promotion.DrawRecord, error) {
			c := slices.Clone(ks)
			c[500] += "!"
			return promotion.Draw(seed, freeze(t, c), beacon("value"), 5, 5)
		},
		"beacon value": func() (promotion.DrawRecord, error) {
			return promotion.Draw(seed, freeze(t, ks), beacon("valuf"), 5, 5)
		},
		"beacon round": func() (promotion.DrawRecord, error) {
			b := beacon("value")
			b.Round++
			return promotion.Draw(seed, freeze(t, ks), b, 5, 5)
		},
		"beacon name": func() (promotion.DrawRecord, error) {
			b := beacon("value")
			b.Name = "drand default"
			return promotion.Draw(seed, freeze(t, ks), b, 5, 5)
		},
		"no beacon": func() (promotion.DrawRecord, error) {
			return promotion.Draw(seed, freeze(t, ks), nil, 5, 5)
		},
	}
	for name, draw := range cases {
		rec, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rec.Key == base.Key {
			t.Errorf("%s: same draw key", name)
		}
		if slices.Equal(rec.Winners, base.Winners) && slices.Equal(rec.Alternates, base.Alternates) {
			t.Errorf("%s: same outcome %q %q", name, rec.Winners, rec.Alternates)
		}
	}
}

func TestDrawRejectsBadInput(t *testing.T) {
	seed := fixedSeed(t, 1)
	l := freeze(t, keys(3))
	for _, c := range []struct {
		l           promotion.FrozenEntries
		b           *promotion.Beacon
		w, a        int
		field, rule string
	}{
		{promotion.FrozenEntries{}, nil, 1, 0, "entries", "required"},
		{l, nil, 0, 0, "winners", "min"},
		{l, nil, 1, -1, "alternates", "min"},
		{l, nil, 2, 2, "alternates", "max"},
		{l, nil, 4, 0, "alternates", "max"},
		{l, &promotion.Beacon{Name: "d", Round: 1}, 1, 0, "beacon.value", "required"},
		{l, &promotion.Beacon{Name: "d", Value: make([]byte, 1025)}, 1, 0, "beacon.value", "max_length"},
		{l, &promotion.Beacon{Name: "\xff", Value: []byte{1}}, 1, 0, "beacon.name", "utf8"},
	} {
		_, err := promotion.Draw(seed, c.l, c.b, c.w, c.a)
		validation(t, err, c.field, c.rule)
	}
}

// TestDrawIsUnbiased draws 1 winner from 7 entries 70,000 times, with
// seeds from a fixed PRNG, and checks the counts with a chi-square test at
// the 0.1% level (6 degrees of freedom: 22.458). The seeds are fixed, so
// the test passes or fails the same way every run.
func TestDrawIsUnbiased(t *testing.T) {
	const entries, draws = 7, 70_000
	l := freeze(t, keys(entries))
	prng := rand.NewChaCha8([32]byte{'c', 'm', 'k', 'i', 't'})
	counts := map[string]int{}
	for range draws {
		seed, err := promotion.NewSeed(prng)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := promotion.Draw(seed, l, nil, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		counts[rec.Winners[0]]++
	}
	if len(counts) != entries {
		t.Fatalf("winners %v", counts)
	}
	expected := float64(draws) / entries
	chi2 := 0.0
	for _, c := range counts {
		d := float64(c) - expected
		chi2 += d * d / expected
	}
	t.Logf("counts %v, chi-square %.2f", counts, chi2)
	if chi2 > 22.458 {
		t.Fatalf("chi-square %.2f > 22.458: counts %v", chi2, counts)
	}
}

// BenchmarkVerify checks a draw of 10 winners and 10 alternates from the
// published list of BenchmarkDraw's 1,000,000 keys.
func BenchmarkVerify(b *testing.B) {
	l := freeze(b, promotion.BenchKeys())
	rec, err := promotion.Draw(fixedSeed(b, 7), l, beacon("value"), 10, 10)
	if err != nil {
		b.Fatal(err)
	}
	list := slices.Collect(l.Keys())
	b.ReportAllocs()
	for b.Loop() {
		if err := promotion.Verify(rec, list); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDraw freezes (copies, checks, sorts, hashes) a list of
// 1,000,000 entry keys in random order and draws 10 winners and 10
// alternates from it.
func BenchmarkDraw(b *testing.B) {
	ks := promotion.BenchKeys()
	seed := fixedSeed(b, 7)
	bc := beacon("value")
	b.ReportAllocs()
	for b.Loop() {
		l, err := promotion.FreezeEntries(ks)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := promotion.Draw(seed, l, bc, 10, 10); err != nil {
			b.Fatal(err)
		}
	}
}
