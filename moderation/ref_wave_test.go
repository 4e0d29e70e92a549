package moderation

// A frozen copy of the spam-wave fingerprints and store as they were before
// the performance work (commit f9bc578), kept as the reference of the
// differential tests: every identifier carries the prefix "ref". Do not
// change it.

import (
	"math/bits"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// refMinWaveWords is the fewest words a text needs to take part in a wave:
// shorter texts ("thanks!", "👍") repeat without anyone spamming.
const refMinWaveWords = 3

// refSimhash returns the 64-bit SimHash of a normalized text: each word (a
// run of letters and digits, after case, accents, l33t and repeated
// letters were folded) is hashed, and bit i of the result is set when
// more than half of the words' hashes have bit i set. Nearly the same
// texts get fingerprints a few bits apart. It returns 0 for a text of
// fewer than refMinWaveWords words.
func refSimhash(text []byte) uint64 {
	var acc [8]uint64 // acc[j], byte k: how many hashes have bit 8k+j set, since the last flush
	var total *[64]int
	n, pending := 0, 0
	i := 0
	for i < len(text) {
		// Skip to the start of a word.
		b := text[i]
		if b < utf8.RuneSelf {
			if !refAsciiWord[b] {
				i++
				continue
			}
		} else if refWordChar(text, i) == 0 {
			i++
			for i < len(text) && !utf8.RuneStart(text[i]) {
				i++
			}
			continue
		}
		h := uint64(14695981039346656037)
		for i < len(text) {
			b := text[i]
			if b < utf8.RuneSelf {
				if !refAsciiWord[b] {
					break
				}
				h = (h ^ uint64(b)) * 1099511628211
				i++
				continue
			}
			k := refWordChar(text, i)
			if k == 0 {
				break
			}
			for ; k > 0; k-- {
				h = (h ^ uint64(text[i])) * 1099511628211
				i++
			}
		}
		h = refMix64(h)
		acc[0] += h & lanes8
		acc[1] += h >> 1 & lanes8
		acc[2] += h >> 2 & lanes8
		acc[3] += h >> 3 & lanes8
		acc[4] += h >> 4 & lanes8
		acc[5] += h >> 5 & lanes8
		acc[6] += h >> 6 & lanes8
		acc[7] += h >> 7 & lanes8
		n++
		pending++
		if pending == 255 {
			if total == nil {
				total = new([64]int)
			}
			refFlushSimhash(&acc, total)
			pending = 0
		}
	}
	if n < refMinWaveWords {
		return 0
	}
	var fp uint64
	if total == nil {
		// Fewer than 255 words: every count fits its byte, and bit i is
		// set when its count c is above n/2, that is when c + 127 - n/2
		// reaches 128 (which, c being at most n, stays below 256).
		add := uint64(127-n/2) * lanes8
		for j := range acc {
			fp |= (acc[j] + add) & high8 >> (7 - j)
		}
	} else {
		refFlushSimhash(&acc, total)
		for b, c := range total {
			if 2*c > n {
				fp |= 1 << b
			}
		}
	}
	if fp == 0 {
		fp = 1 // 0 means "no fingerprint"
	}
	return fp
}

// refFlushSimhash adds the byte lanes of acc to total and empties acc.
func refFlushSimhash(acc *[8]uint64, total *[64]int) {
	for j := range acc {
		a := acc[j]
		for k := 0; k < 8; k++ {
			total[8*k+j] += int(a >> (8 * k) & 0xff)
		}
		acc[j] = 0
	}
}

// refAsciiWord tells the ASCII letters and digits of a normalized text.
var refAsciiWord = func() (t [utf8.RuneSelf]bool) {
	for b := range t {
		t[b] = b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
	}
	return t
}()

// refWordChar returns the length of the character at text[i] when it is a
// letter or digit of a normalized text, and 0 otherwise (or at the end).
func refWordChar(text []byte, i int) int {
	if i >= len(text) {
		return 0
	}
	b := text[i]
	if b < utf8.RuneSelf {
		if b >= 'a' && b <= 'z' || b >= '0' && b <= '9' {
			return 1
		}
		return 0
	}
	r, size := utf8.DecodeRune(text[i:])
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return size
	}
	return 0
}

// refMix64 is splitmix64's finalizer: every bit of the result depends on
// every bit of x.
func refMix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// refAuthorKey hashes the author's ID (or handle, when the ID is empty).
func refAuthorKey(a *cmkit.Author) uint64 {
	s := a.ID
	if s == "" {
		s = a.Handle
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return refMix64(h)
}

type refWaveParams struct {
	within     int64 // nanoseconds
	minCount   int
	minAuthors int
	sameAuthor bool
	dist       int
}

// refWaveStore remembers the fingerprints of the last n mentions in a ring,
// indexed so that the near-duplicates of a fingerprint are found without
// reading them all: the 64 bits are cut into maxDist+1 bands, and two
// fingerprints at most maxDist bits apart agree on at least one band
// (pigeonhole), so each band's buckets chain the entries with the same
// band value, newest first. An entry keeps its links next to its
// fingerprint, so that following a chain reads one entry at a time.
type refWaveStore struct {
	mu    sync.Mutex
	n     uint64 // capacity
	seq   uint64 // entries added so far
	fps   []refWaveEntry
	bands int
	shift [MaxWaveDistance + 1]uint8 // where each band starts
	width [MaxWaveDistance + 1]uint8
	tbits uint8      // bits of a bucket index
	heads [][]uint64 // per band, per bucket: 1 + seq of the newest entry, 0 for none
}

// refWaveEntry is one remembered mention.
type refWaveEntry struct {
	fp     uint64
	author uint64
	time   int64
	// next, per band: how many entries back the entry before this one in
	// its bucket is (0 for none, or one already forgotten).
	next [MaxWaveDistance + 1]uint32
}

func refNewWaveStore(n, maxDist int) *refWaveStore {
	w := &refWaveStore{n: uint64(n), bands: maxDist + 1, fps: make([]refWaveEntry, n)}
	width := 64 / w.bands
	extra := 64 % w.bands
	pos := 0
	for b := 0; b < w.bands; b++ {
		wd := width
		if b < extra {
			wd++
		}
		w.shift[b], w.width[b] = uint8(pos), uint8(wd)
		pos += wd
	}
	// Buckets: as many as the band has values, but no more than about two
	// per entry.
	w.tbits = uint8(min(width, max(4, bits.Len(uint(2*n)))))
	w.heads = make([][]uint64, w.bands)
	for b := range w.heads {
		w.heads[b] = make([]uint64, 1<<w.tbits)
	}
	return w
}

func (w *refWaveStore) band(fp uint64, b int) uint64 {
	return fp >> w.shift[b] & (1<<w.width[b] - 1)
}

func (w *refWaveStore) bucket(v uint64) uint64 {
	return refMix64(v) & (1<<w.tbits - 1)
}

// add records a fingerprint; 0 (a text too short) is not recorded.
func (w *refWaveStore) add(fp, author uint64, now int64) {
	if fp == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e := &w.fps[w.seq%w.n]
	e.fp, e.author, e.time = fp, author, now
	for b := 0; b < w.bands; b++ {
		k := w.bucket(w.band(fp, b))
		e.next[b] = 0
		if h := w.heads[b][k]; h > 0 && w.seq-(h-1) < min(w.n, 1<<32) {
			e.next[b] = uint32(w.seq - (h - 1))
		}
		w.heads[b][k] = w.seq + 1
	}
	w.seq++
}

// size returns how many fingerprints the store holds.
func (w *refWaveStore) size() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return int(min(w.seq, w.n))
}

// count reports whether the near-duplicates of fp (within p.dist bits)
// seen in the window ending at now make a wave as p says. It follows the
// chains of every band in turn, one entry of each at a time, so that the
// memory reads of the chains overlap; which band counts an entry (the
// first one it agrees on) does not depend on that order.
func (w *refWaveStore) count(fp, author uint64, now int64, p *refWaveParams) bool {
	if fp == 0 {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	count := 0
	var distinct [maxWaveAuthors]uint64
	nd := 0
	oldest := uint64(0)
	if w.seq > w.n {
		oldest = w.seq - w.n
	}
	bands := min(w.bands, p.dist+1)
	var cur, val [MaxWaveDistance + 1]uint64 // per band: 1 + seq of the next entry to read (0: done), the band's value
	live := 0
	for b := 0; b < bands; b++ {
		v := w.band(fp, b)
		val[b] = v
		if h := w.heads[b][w.bucket(v)]; h > 0 && h-1 >= oldest {
			cur[b] = h
			live++
		}
	}
	for live > 0 {
		for b := 0; b < bands; b++ {
			if cur[b] == 0 {
				continue
			}
			seq := cur[b] - 1
			e := &w.fps[seq%w.n]
			t := e.time
			if d := uint64(e.next[b]); d == 0 || seq-d < oldest || now-t > p.within {
				// The end of the chain, or the rest is forgotten or older
				// than the window.
				cur[b] = 0
				live--
			} else {
				cur[b] = seq - d + 1
			}
			if now-t > p.within || t > now || w.band(e.fp, b) != val[b] {
				continue // out of the window, or another value in the same bucket
			}
			ok := true
			for b2 := 0; b2 < b; b2++ {
				if w.band(e.fp, b2) == val[b2] {
					ok = false // counted in an earlier band
					break
				}
			}
			if !ok || bits.OnesCount64(e.fp^fp) > p.dist || p.sameAuthor && e.author != author {
				continue
			}
			count++
			if nd < p.minAuthors {
				a := e.author
				seen := false
				for _, x := range distinct[:nd] {
					if x == a {
						seen = true
						break
					}
				}
				if !seen {
					distinct[nd] = a
					nd++
				}
			}
			if count >= p.minCount && nd >= p.minAuthors {
				return true
			}
		}
	}
	return false
}
