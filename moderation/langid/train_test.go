package langid

import (
	"bufio"
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite profiles.bin from data/train")

// Smoothing weights of the trained model: the share of the trigram estimate
// against its bigram-chain backoff, and of the bigram against its unigrams.
const (
	lambdaTrigram = 0.85
	lambdaBigram  = 0.9
)

// trainTable builds the profile table from one training text per language.
//
// Each trigram's probability is interpolated with a Markov backoff,
// P(abc) ≈ λ3·P3(abc) + (1−λ3)·P2(ab)·P2(bc)/P1(b), and each bigram with its
// unigrams, P2(xy) ≈ λ2·P2(xy) + (1−λ2)·P1(x)·P1(y), so that a trigram the
// small training text happens to lack still costs what its letters suggest.
func trainTable(texts [numLangs][]string) []byte {
	table := make([]byte, numTrigrams*numLangs)
	for l, lines := range texts {
		var c3 [numTrigrams]float64
		n := 0.0
		for _, line := range lines {
			idxs, _ := trigrams(line)
			for _, idx := range idxs {
				c3[idx]++
				n++
			}
		}
		// Bigrams counted by their last two symbols; unigrams by their last.
		var c2 [alphabet * alphabet]float64
		var c1 [alphabet]float64
		for idx, c := range c3 {
			c2[idx%(alphabet*alphabet)] += c
			c1[idx%alphabet] += c
		}
		p1 := func(x int) float64 { return (c1[x] + 0.5) / (n + 0.5*alphabet) }
		p2 := func(x, y int) float64 {
			return lambdaBigram*c2[x*alphabet+y]/n + (1-lambdaBigram)*p1(x)*p1(y)
		}
		for idx := range c3 {
			a, b, c := idx/(alphabet*alphabet), idx/alphabet%alphabet, idx%alphabet
			p := lambdaTrigram*c3[idx]/n + (1-lambdaTrigram)*p2(a, b)*p2(b, c)/p1(b)
			cost := math.Round(-math.Log(p) * costScale)
			table[idx*numLangs+l] = byte(min(255, max(0, cost)))
		}
	}
	return table
}

// trigrams returns the indexes (a*alphabet+b)*alphabet+c of the trigrams
// abc of text, in order, and the scanner with the letters and marks counted:
// the tokenizer of scanner.costs, one step at a time, for training.
// TestCostsSameAsTrigrams checks that costs adds up exactly these trigrams.
func trigrams(text string) ([]int, scanner) {
	s := scanner{text: text}
	var idxs []int
	p2, p1 := 0, 0
	for i := skipTokens(text, 0); i < len(text); {
		x := byteClass[text[i]]
		c, next := int(x&codeMask), i+1
		if x&clsHigh != 0 {
			var code uint8
			code, next = s.rune(text, i)
			c = int(code)
		} else if x&clsSpace != 0 && next < len(text) && skipToken(text[next:]) {
			next = skipTokens(text, next)
		}
		i = next
		if c != 0 {
			s.letters++
			idxs = append(idxs, (p2*alphabet+p1)*alphabet+c)
			p2, p1 = p1, c
		} else if p1 != 0 {
			idxs = append(idxs, (p2*alphabet+p1)*alphabet)
			p2, p1 = 0, 0
		}
	}
	if p1 != 0 {
		idxs = append(idxs, (p2*alphabet+p1)*alphabet)
	}
	return idxs, s
}

// readLines returns the non-empty lines of a file.
func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestProfilesUpToDate checks that profiles.bin is what data/train yields;
// with -update (go generate) it rewrites the file.
func TestProfilesUpToDate(t *testing.T) {
	var texts [numLangs][]string
	for l, tag := range langTags {
		texts[l] = readLines(t, filepath.Join("data", "train", tag+".txt"))
	}
	want := trainTable(texts)
	if *update {
		if err := os.WriteFile("profiles.bin", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(profileTable, want) {
		t.Fatal("profiles.bin is stale: run go generate ./moderation/langid")
	}
}
