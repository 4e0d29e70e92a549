package moderation

import (
	"encoding/binary"
	"math"
	"math/bits"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// minWaveWords is the fewest words a text needs to take part in a wave:
// shorter texts ("thanks!", "👍") repeat without anyone spamming.
const minWaveWords = 3

// simhash returns the 64-bit SimHash of a normalized text: each word (a
// run of letters and digits, after case, accents, l33t and repeated
// letters were folded) is hashed, and bit i of the result is set when
// more than half of the words' hashes have bit i set. Nearly the same
// texts get fingerprints a few bits apart. It returns 0 for a text of
// fewer than minWaveWords words.
//
// The text is read 64 bytes at a time: wordBits marks the bytes that
// belong to words, and the words are taken from the marks in order, each
// hashed and its bits counted (see simhashState) as soon as it ends.
func simhash(text []byte) uint64 {
	var sh simhashState
	start := -1       // where a word that began in an earlier block starts, -1 for none
	prev := uint64(0) // 1 when the byte before the block is in a word
	var carry uint64  // word bits, in the next block, of the bytes of this block's last character
	skip := 0         // how many bytes at the start of the block continue the previous block's last character
	// The bits of the hashes of the last k words, counted in 4-bit lanes
	// (see simhashState); k < 15 between words, so that adding them to
	// sh in batches of 15 makes sh.pending reach 255 exactly.
	var nib0, nib1, nib2, nib3 uint64
	k := 0
	for base := 0; base < len(text); base += 64 {
		var m uint64
		m, carry, skip = wordBits(text, base, carry, skip)
		before := m<<1 | prev
		starts := m &^ before // bit k: a word starts at text[base+k]
		ends := before &^ m   // bit k: a word ends right before text[base+k]
		prev = m >> 63
		if start >= 0 {
			if ends == 0 {
				continue // the word goes on through the block
			}
			h := wordHash(text, start, base+bits.TrailingZeros64(ends))
			start = -1
			nib0 += h & lanes4
			nib1 += h >> 1 & lanes4
			nib2 += h >> 2 & lanes4
			nib3 += h >> 3 & lanes4
			if k++; k == 15 {
				sh.n += k
				sh.addNibbles(nib0, nib1, nib2, nib3, k)
				nib0, nib1, nib2, nib3, k = 0, 0, 0, 0, 0
			}
		}
		for starts != 0 {
			s := bits.TrailingZeros64(starts)
			starts &= starts - 1
			r := ends >> s // s < 64; the word's end is the lowest bit of r
			if r == 0 {
				start = base + s // the word goes on into the next block
				break
			}
			i, j := base+s, base+s+bits.TrailingZeros64(r)
			var h uint64
			if size := uint(j - i); size <= 8 && uint(i)+8 <= uint(len(text)) {
				// The word's bytes (none of them zero), mixed: wordHash's
				// common case, inlined.
				h = mix64(binary.LittleEndian.Uint64(text[i:]) & (^uint64(0) >> ((64 - 8*size) & 63)))
			} else {
				h = wordHash(text, i, j)
			}
			nib0 += h & lanes4
			nib1 += h >> 1 & lanes4
			nib2 += h >> 2 & lanes4
			nib3 += h >> 3 & lanes4
			if k++; k == 15 {
				sh.n += k
				sh.addNibbles(nib0, nib1, nib2, nib3, k)
				nib0, nib1, nib2, nib3, k = 0, 0, 0, 0, 0
			}
		}
	}
	if start >= 0 {
		h := wordHash(text, start, len(text))
		nib0 += h & lanes4
		nib1 += h >> 1 & lanes4
		nib2 += h >> 2 & lanes4
		nib3 += h >> 3 & lanes4
		k++ // at most 15: a full batch was added
	}
	if k > 0 {
		sh.n += k
		sh.addNibbles(nib0, nib1, nib2, nib3, k)
	}
	return sh.fingerprint()
}

// simhashState counts the bits of the hashes of a text's words: simhash
// counts up to 15 words in 4-bit lanes (a nibble of nibJ counts bit J of
// its four bits), then adds them to the 8-bit lanes of acc (addNibbles),
// which are emptied into total when pending, which bounds the counts
// since, reaches 255.
type simhashState struct {
	acc     [8]uint64 // acc[j], byte k: how many hashes have bit 8k+j set, since the last flush
	n       int       // words
	pending int       // at least the most any lane of acc counts
	total   *[64]int
}

const lanes4 = 0x1111111111111111

// addNibbles adds the 4-bit lanes of k words (or fewer) to the 8-bit
// lanes: nibble 2k of nibJ counts bit 8k+J, and nibble 2k+1 bit 8k+4+J.
func (sh *simhashState) addNibbles(nib0, nib1, nib2, nib3 uint64, k int) {
	const low = 0x0f0f0f0f0f0f0f0f
	acc := &sh.acc
	acc[0] += nib0 & low
	acc[4] += nib0 >> 4 & low
	acc[1] += nib1 & low
	acc[5] += nib1 >> 4 & low
	acc[2] += nib2 & low
	acc[6] += nib2 >> 4 & low
	acc[3] += nib3 & low
	acc[7] += nib3 >> 4 & low
	sh.pending += k
	if sh.pending == 255 {
		if sh.total == nil {
			sh.total = new([64]int)
		}
		flushSimhash(acc, sh.total)
		sh.pending = 0
	}
}

// fingerprint returns the fingerprint of the words counted.
func (sh *simhashState) fingerprint() uint64 {
	if sh.n < minWaveWords {
		return 0
	}
	var fp uint64
	if sh.total == nil {
		// Fewer than 255 words: every count fits its byte, and bit i is
		// set when its count c is above n/2, that is when c + 127 - n/2
		// reaches 128 (which, c being at most n, stays below 256).
		add := uint64(127-sh.n/2) * lanes8
		for j := range sh.acc {
			fp |= (sh.acc[j] + add) & high8 >> (7 - j)
		}
	} else {
		flushSimhash(&sh.acc, sh.total)
		for b, c := range sh.total {
			if 2*c > sh.n {
				fp |= 1 << b
			}
		}
	}
	if fp == 0 {
		fp = 1 // 0 means "no fingerprint"
	}
	return fp
}

// flushSimhash adds the byte lanes of acc to total and empties acc.
func flushSimhash(acc *[8]uint64, total *[64]int) {
	for j := range acc {
		a := acc[j]
		for k := 0; k < 8; k++ {
			total[8*k+j] += int(a >> (8 * k) & 0xff)
		}
		acc[j] = 0
	}
}

// wordBits returns, for the block of up to 64 bytes at text[base:], bit
// k set when text[base+k] belongs to a letter or digit of a normalized
// text: an ASCII letter or digit, or every byte of a non-ASCII character
// that unicode calls a letter or digit (invalid bytes are neither). carry
// and skip say so for the first bytes of the block, which continue the
// last character of the block before; wordBits returns the same for the
// next block.
func wordBits(text []byte, base int, carry uint64, skip int) (m, nextCarry uint64, nextSkip int) {
	if base >= len(text) {
		return 0, 0, 0
	}
	var buf [64]byte
	blk := text[base:]
	if len(blk) < 64 {
		copy(buf[:], blk) // zero bytes are not word bytes
		blk = buf[:]
	}
	blk = blk[:64]
	var high uint64 // the high bit of every byte
	for c := 0; c < 8; c++ {
		x := binary.LittleEndian.Uint64(blk[8*c:])
		high |= x
		y := x &^ high8 // seven bits, so that the additions below carry into no other byte
		// The high bit of each byte y+a is set when the byte is >= 0x80-a.
		lower := (y + (0x80-'a')*lanes8) &^ (y + (0x80-'z'-1)*lanes8)
		digit := (y + (0x80-'0')*lanes8) &^ (y + (0x80-'9'-1)*lanes8)
		w := (lower | digit) & high8 &^ x
		// Gather the high bits of the eight bytes into eight bits.
		m |= (w >> 7 * 0x0102040810204080 >> 56) << (8 * c)
	}
	if high&high8 == 0 {
		return m, 0, 0 // ASCII only (so skip is 0: the block before ended on a whole character)
	}
	// Characters of two bytes or more: decode them from the text, which
	// may run into the next block.
	m |= carry
	end := min(len(text)-base, 64)
	for k := skip; k < end; {
		if text[base+k] < utf8.RuneSelf {
			k++
			continue
		}
		r, size := utf8.DecodeRune(text[base+k:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			ones := uint64(1)<<size - 1 // size <= 4
			m |= ones << k
			if k+size > 64 {
				nextCarry = ones >> (64 - k)
			}
		}
		k += size
		nextSkip = max(0, k-64)
	}
	return m, nextCarry, nextSkip
}

// wordHash returns the hash of the word text[i:j] (j > i): its bytes, read
// eight at a time, mixed by multiplication. It is small enough for the
// compiler to inline, and calls no function.
func wordHash(text []byte, i, j int) uint64 {
	size := j - i
	var x uint64 // the first 8 bytes from i
	switch {
	case uint(i)+8 <= uint(len(text)):
		x = binary.LittleEndian.Uint64(text[i:])
	case len(text) >= 8:
		x = binary.LittleEndian.Uint64(text[len(text)-8:]) >> (8 * (i + 8 - len(text)))
	default:
		for k := len(text) - 1; k >= i; k-- {
			x = x<<8 | uint64(text[k])
		}
	}
	if size <= 8 {
		return mix64(x & (^uint64(0) >> (64 - 8*size))) // the word's bytes, none of them zero
	}
	// Longer words: the 8-byte pieces from i, and the last 8 bytes, which
	// may overlap the piece before.
	h := uint64(size)
	for i+8 < j {
		h = mum(h^binary.LittleEndian.Uint64(text[i:]), 0x9e3779b97f4a7c15)
		i += 8
	}
	h = mum(h^binary.LittleEndian.Uint64(text[j-8:]), 0xbf58476d1ce4e5b9)
	return mix64(h)
}

// mum is the 64-bit multiply-and-fold of wyhash: the two halves of the
// 128-bit product xored.
func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// mix64 is splitmix64's finalizer: every bit of the result depends on
// every bit of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// authorKey hashes the author's ID (or handle, when the ID is empty).
func authorKey(a *cmkit.Author) uint64 {
	s := a.ID
	if s == "" {
		s = a.Handle
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return mix64(h)
}

type waveParams struct {
	within     int64 // nanoseconds
	minCount   int
	minAuthors int
	sameAuthor bool
	dist       int
}

const (
	// maxWaveBands is the most bands a store cuts fingerprints into (for
	// MaxWaveDistance).
	maxWaveBands = MaxWaveDistance/2 + 1
	// maxBucketBits bounds the buckets of a band to 1<<maxBucketBits.
	maxBucketBits = 16
	// maxWaveMemory bounds the capacity of a store, so that sequence
	// numbers less than two capacities apart fit 32 bits.
	maxWaveMemory = 1 << 30
)

// waveStore remembers the fingerprints of the last n mentions in a ring,
// indexed so that the near-duplicates of a fingerprint are found without
// reading them all.
//
// The 64 bits are cut into m bands, m = max(4, (maxDist+2)/2) (16 bits
// each for distances up to 7). Two fingerprints at most d bits apart have
// a band where they differ by at most e = d/m bits (pigeonhole: otherwise
// they would differ by m*(e+1) > d bits), and e is 0 or 1. So a query
// reads, in each band, the bucket of its own band value and, when e is 1,
// the buckets of the values one bit away. A bucket is the low bits of the
// band value, up to 16; each bucket chains its entries newest first.
//
// Each band also has two bitmaps of the buckets that received an entry,
// one for even and one for odd generations (a generation is n successive
// entries; the bitmap of a generation is emptied when the generation
// after the next begins). The remembered entries are from the current and
// the previous generation, so a bucket whose bits are both clear holds
// none, and the query skips it without reading its head; a bucket with a
// bit set received an entry in the last 2n, so its head is known from 32
// bits of its sequence number.
type waveStore struct {
	mu      sync.Mutex
	n       uint64 // capacity
	seq     uint64 // entries added so far
	slot    uint64 // seq % n: where the next entry goes
	par     uint64 // parity of the generation of the last entry added
	tmax    int64  // the latest time added so far
	bands   int
	maxDist int
	shift   [maxWaveBands]uint8  // where each band starts
	mask    [maxWaveBands]uint64 // each band's bits, in place
	kbits   [maxWaveBands]uint8  // each band's bucket bits
	stride  int                  // words of a hot record
	skips   int                  // where a hot record's skips start
	// hot, per slot, stride words: the fingerprint, the latest time added
	// up to this entry (so that when it is out of the window, so are all
	// the entries before it), per band the distance back to the entry
	// before in the bucket (0 for none), two 32-bit halves a word, and
	// then per band, the same way, the distance back to the first entry
	// before in the bucket with another fingerprint (0 for none): a query
	// that does not count an entry in a band passes its copies at once.
	hot   []uint64
	cold  []waveCold             // per slot
	heads [maxWaveBands][]uint32 // per band and bucket: low 32 bits of the newest entry's sequence number
	seen  [maxWaveBands][]uint64 // per band: bitmap words, even and odd generation in turn
	// chains is count's work space (count holds mu), kept here so that
	// a query does not clear it.
	chains [maxWaveBands * (maxBucketBits + 1)]waveChain
}

// waveCold is the part of an entry read only when the entry is a
// near-duplicate.
type waveCold struct {
	time   int64
	author uint64
}

func newWaveStore(n, maxDist int) *waveStore {
	n = min(max(n, 1), maxWaveMemory)
	maxDist = max(maxDist, 0)
	m := min(max(4, (maxDist+2)/2), maxWaveBands)
	w := &waveStore{n: uint64(n), bands: m, maxDist: maxDist, tmax: math.MinInt64}
	w.skips = 2 + (m+1)/2
	w.stride = w.skips + (m+1)/2
	w.hot = make([]uint64, n*w.stride)
	w.cold = make([]waveCold, n)
	kb := min(maxBucketBits, max(6, bits.Len(uint(4*n))))
	pos := 0
	for b := 0; b < m; b++ {
		wd := 64 / m
		if b < 64%m {
			wd++
		}
		w.shift[b] = uint8(pos)
		w.mask[b] = (1<<wd - 1) << pos
		w.kbits[b] = uint8(min(kb, wd))
		pos += wd
		w.heads[b] = make([]uint32, 1<<w.kbits[b])
		w.seen[b] = make([]uint64, 2*max(1, (1<<w.kbits[b])/64))
	}
	return w
}

// bucket returns the bucket of fp in band b.
func (w *waveStore) bucket(fp uint64, b int) uint64 {
	return fp >> w.shift[b] & (1<<w.kbits[b] - 1)
}

// filled reports whether bucket k of band b received an entry in the
// current or the previous generation.
func (w *waveStore) filled(b int, k uint64) bool {
	s := w.seen[b]
	i := 2 * (k >> 6)
	return (s[i]|s[i+1])>>(k&63)&1 != 0
}

// add records a fingerprint; 0 (a text too short) is not recorded.
func (w *waveStore) add(fp, author uint64, now int64) {
	if fp == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.slot == 0 {
		// A generation begins: empty the bitmaps of the one before the
		// previous one, whose entries are all forgotten.
		w.par = w.seq / w.n & 1
		for b := 0; b < w.bands; b++ {
			s := w.seen[b]
			for i := int(w.par); i < len(s); i += 2 {
				s[i] = 0
			}
		}
	}
	w.tmax = max(w.tmax, now)
	r := w.hot[w.slot*uint64(w.stride):][:w.stride]
	r[0], r[1] = fp, uint64(w.tmax)
	for i := 2; i < len(r); i++ {
		r[i] = 0
	}
	seq32 := uint32(w.seq)
	for b := 0; b < w.bands; b++ {
		k := w.bucket(fp, b)
		if w.filled(b, k) {
			// The head is less than 2n entries old, so 32 bits tell its
			// distance; at n or more, it is forgotten.
			if d := seq32 - w.heads[b][k]; uint64(d) < w.n {
				half := 32 * (b & 1)
				r[2+b/2] |= uint64(d) << half
				// The head's record, still there (d < n): with the same
				// fingerprint, its skip goes on from it.
				skip := d
				hs := w.slot - uint64(d)
				if w.slot < uint64(d) {
					hs += w.n
				}
				if h := w.hot[hs*uint64(w.stride):][:w.stride]; h[0] == fp {
					skip = 0
					if hk := uint32(h[w.skips+b/2] >> half); hk != 0 && uint64(d)+uint64(hk) < w.n {
						skip = d + hk
					}
				}
				r[w.skips+b/2] |= uint64(skip) << half
			}
		}
		w.heads[b][k] = seq32
		w.seen[b][2*(k>>6)+w.par] |= 1 << (k & 63)
	}
	w.cold[w.slot] = waveCold{now, author}
	w.seq++
	w.slot++
	if w.slot == w.n {
		w.slot = 0
	}
}

// size returns how many fingerprints the store holds.
func (w *waveStore) size() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return int(min(w.seq, w.n))
}

// waveChain is where a query is in one bucket's chain: the slot of the
// entry to read, how many entries before the newest one it is, and the
// band.
type waveChain struct {
	slot, age uint32
	band      int32
}

// waveTally counts the near-duplicates and their distinct authors.
type waveTally struct {
	count, nd int
	distinct  [maxWaveAuthors]uint64
}

// add counts one near-duplicate by author a and reports whether they now
// make a wave.
func (t *waveTally) add(a uint64, p *waveParams) bool {
	t.count++
	if t.nd < p.minAuthors {
		seen := false
		for _, x := range t.distinct[:t.nd] {
			if x == a {
				seen = true
				break
			}
		}
		if !seen {
			t.distinct[t.nd] = a
			t.nd++
		}
	}
	return t.count >= p.minCount && t.nd >= p.minAuthors
}

// windowStart returns the earliest time in the window of p that ends at
// now (math.MinInt64 when that is before it).
func windowStart(now int64, p *waveParams) int64 {
	if lo := now - p.within; lo <= now {
		return lo
	}
	return math.MinInt64
}

// count reports whether the near-duplicates of fp (within p.dist bits)
// seen in the window ending at now (from now-p.within to now, both
// included) make a wave as p says. It follows the chains of the buckets
// to read in turn, one entry of each at a time, so that the memory reads
// of the chains overlap; an entry is counted in the first band where it
// is at most e bits from fp, so once whatever the order.
func (w *waveStore) count(fp, author uint64, now int64, p *waveParams) bool {
	if fp == 0 {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seq == 0 {
		return false
	}
	e := p.dist / w.bands
	if e > 1 || p.dist < 0 {
		return w.scan(fp, author, now, p)
	}
	lo := windowStart(now, p)
	last := w.slot // slot of the newest entry
	if last == 0 {
		last = w.n
	}
	last--
	seq32 := uint32(w.seq - 1)
	chains := &w.chains
	live := 0
	for b := 0; b < w.bands; b++ {
		k := w.bucket(fp, b)
		flips := 0
		if e == 1 {
			flips = int(w.kbits[b])
		}
		for j := -1; j < flips; j++ {
			kj := k
			if j >= 0 {
				kj ^= 1 << (uint(j) & 63)
			}
			if !w.filled(b, kj) {
				continue
			}
			age := seq32 - w.heads[b][kj]
			if uint64(age) >= w.n {
				continue
			}
			slot := last - uint64(age)
			if last < uint64(age) {
				slot += w.n
			}
			chains[live] = waveChain{uint32(slot), age, int32(b)}
			live++
		}
	}
	var t waveTally
	stride, skips := uint64(w.stride), uint64(w.skips)
	hot := w.hot
	for live > 0 {
		for i := 0; i < live; {
			c := &chains[i]
			r := uint64(c.slot) * stride // the entry's hot record
			if int64(hot[r+1]) < lo {
				// This entry and all those before it are older than the
				// window.
				live--
				chains[i] = chains[live]
				continue
			}
			b := int(c.band)
			x := hot[r] ^ fp
			// An equal fingerprint is counted in band 0.
			next := r + 2 // the link to follow
			if bits.OnesCount64(x) <= p.dist && (x == 0 && b == 0 || x != 0 && w.first(x, b, e)) {
				ce := &w.cold[c.slot]
				if ce.time >= lo && ce.time <= now && (!p.sameAuthor || ce.author == author) && t.add(ce.author, p) {
					return true
				}
			} else {
				// Not counted in this band, nor are its copies: pass them.
				next = r + skips
			}
			d := uint32(hot[next+uint64(b/2)] >> (32 * (b & 1)))
			if d == 0 || uint64(c.age)+uint64(d) >= w.n {
				// The end of the chain, or the rest is forgotten.
				live--
				chains[i] = chains[live]
				continue
			}
			c.age += d
			if c.slot >= d {
				c.slot -= d
			} else {
				c.slot += uint32(w.n) - d
			}
			i++
		}
	}
	return false
}

// first reports whether b is the first band where x (a fingerprint xor
// the query) has at most e bits set, e being 0 or 1.
func (w *waveStore) first(x uint64, b, e int) bool {
	if e == 0 {
		if x&w.mask[b] != 0 {
			return false
		}
		for b2 := 0; b2 < b; b2++ {
			if x&w.mask[b2] == 0 {
				return false
			}
		}
		return true
	}
	if y := x & w.mask[b]; y&(y-1) != 0 {
		return false
	}
	for b2 := 0; b2 < b; b2++ {
		if y := x & w.mask[b2]; y&(y-1) == 0 {
			return false
		}
	}
	return true
}

// scan is count reading every remembered entry, for a distance the bands
// were not cut for.
func (w *waveStore) scan(fp, author uint64, now int64, p *waveParams) bool {
	lo := windowStart(now, p)
	var t waveTally
	stride := uint64(w.stride)
	for s := uint64(0); s < min(w.seq, w.n); s++ {
		ce := &w.cold[s]
		if bits.OnesCount64(w.hot[s*stride]^fp) <= p.dist && ce.time >= lo && ce.time <= now &&
			(!p.sameAuthor || ce.author == author) && t.add(ce.author, p) {
			return true
		}
	}
	return false
}
