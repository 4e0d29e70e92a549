package promotion

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// The domain-separation lines that open each hashed text of the draw
// scheme. A change to the scheme gets a new version number here, so that a
// hash made under one version never verifies under another.
const (
	commitPrefix  = "cmkit-promotion-commit-v1\n"
	entriesPrefix = "cmkit-promotion-entries-v1\n"
	keyPrefix     = "cmkit-promotion-draw-v1\n"
)

// maxBeaconValue bounds a beacon value's length in bytes; drand's values
// are 48 or 96 bytes.
const maxBeaconValue = 1024

// Digest is a SHA-256 hash in the draw scheme: a commitment, an entry
// list's hash, or a draw key. Its text and JSON form is 64 lowercase hex
// digits, as sha256sum prints it; the zero Digest is "missing".
type Digest [sha256.Size]byte

// ParseDigest parses 64 hex digits (either case). Any other text is an
// error wrapping cmkit.ErrInvalid.
func ParseDigest(s string) (Digest, error) {
	var d Digest
	return d, parseHex32(d[:], s, "digest")
}

// String returns the digest as 64 lowercase hex digits.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// IsZero reports whether d is the zero Digest, which stands for "missing".
func (d Digest) IsZero() bool { return d == Digest{} }

// MarshalText returns the digest as 64 lowercase hex digits.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses 64 hex digits, as ParseDigest does.
func (d *Digest) UnmarshalText(b []byte) error { return parseHex32(d[:], string(b), "digest") }

// Seed is the secret of a commit–reveal draw: 32 random bytes made by
// NewSeed when the promotion opens. Only its Commit hash is published then;
// the seed itself is revealed after the draw, so that anyone can check it
// against the commitment and recompute the winners. Its text and JSON form
// is 64 lowercase hex digits.
type Seed [32]byte

// NewSeed reads a Seed from r, or from crypto/rand when r is nil. Tests
// pass a fixed reader; production code passes nil. A short read is an
// error.
func NewSeed(r io.Reader) (Seed, error) {
	if r == nil {
		r = rand.Reader
	}
	var s Seed
	if _, err := io.ReadFull(r, s[:]); err != nil {
		return Seed{}, fmt.Errorf("promotion: reading a seed: %w", err)
	}
	return s, nil
}

// ParseSeed parses 64 hex digits (either case). Any other text is an error
// wrapping cmkit.ErrInvalid.
func ParseSeed(s string) (Seed, error) {
	var seed Seed
	return seed, parseHex32(seed[:], s, "seed")
}

// String returns the seed as 64 lowercase hex digits: it prints the secret,
// so log it only once it is revealed.
func (s Seed) String() string { return hex.EncodeToString(s[:]) }

// MarshalText returns the seed as 64 lowercase hex digits.
func (s Seed) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses 64 hex digits, as ParseSeed does.
func (s *Seed) UnmarshalText(b []byte) error { return parseHex32(s[:], string(b), "seed") }

func parseHex32(dst []byte, s, field string) error {
	if len(s) != 2*len(dst) {
		return cmkit.Invalid(field, "format", "want %d hex digits, got %d characters", 2*len(dst), len(s))
	}
	if _, err := hex.Decode(dst, []byte(s)); err != nil {
		clear(dst)
		return cmkit.Invalid(field, "format", "%v", err)
	}
	return nil
}

// Beacon names a value of public randomness that nobody can know before
// entries close, such as a round of the drand League of Entropy beacon due
// after the closing time. Name and Round are announced with the commitment
// (Commit binds them); Value is filled in from the beacon once the round
// is out, and goes into the draw key.
//
// A draw may go without a beacon (a nil *Beacon), but then whoever holds
// the seed can compute the outcome of any entry list, and could add or drop
// entries of their own until the list draws the winner they want. With a
// beacon round that comes out after the list's hash is published, nobody
// knows the outcome while the list can still change.
//
// Its JSON form is {"name": ..., "round": ..., "value": "<hex>"}.
type Beacon struct {
	// Name says which beacon, so that anyone can look the round up, e.g.
	// "drand quicknet 52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971".
	// Non-empty UTF-8 without a newline.
	Name string
	// Round is the beacon's round (or other public index) named in
	// advance.
	Round uint64
	// Value is the round's published randomness, 1 to 1024 bytes; empty
	// until the round is out.
	Value []byte
}

type beaconJSON struct {
	Name  string `json:"name"`
	Round uint64 `json:"round"`
	Value string `json:"value,omitempty"`
}

// MarshalJSON writes the beacon with its value in lowercase hex.
func (b Beacon) MarshalJSON() ([]byte, error) {
	return json.Marshal(beaconJSON{b.Name, b.Round, hex.EncodeToString(b.Value)})
}

// UnmarshalJSON reads the form MarshalJSON writes; a value that is not hex
// is an error wrapping cmkit.ErrInvalid.
func (b *Beacon) UnmarshalJSON(data []byte) error {
	var j beaconJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	v, err := hex.DecodeString(j.Value)
	if err != nil {
		return cmkit.Invalid("beacon.value", "format", "%v", err)
	}
	if len(v) == 0 {
		v = nil
	}
	*b = Beacon{Name: j.Name, Round: j.Round, Value: v}
	return nil
}

// checkName reports a beacon whose name cannot go on a line of the
// hashed text.
func (b *Beacon) checkName() error {
	switch {
	case b.Name == "":
		return cmkit.Invalid("beacon.name", "required", "a beacon needs a name")
	case !utf8.ValidString(b.Name):
		return cmkit.Invalid("beacon.name", "utf8", "the name is not valid UTF-8")
	case strings.Contains(b.Name, "\n"):
		return cmkit.Invalid("beacon.name", "newline", "the name must fit on one line")
	}
	return nil
}

func (b *Beacon) checkValue() error {
	switch {
	case len(b.Value) == 0:
		return cmkit.Invalid("beacon.value", "required", "round %d's value is needed for the draw", b.Round)
	case len(b.Value) > maxBeaconValue:
		return cmkit.Invalid("beacon.value", "max_length", "%d bytes, at most %d", len(b.Value), maxBeaconValue)
	}
	return nil
}

// Commit returns the commitment to publish when a promotion opens: the
// SHA-256 of the text
//
//	cmkit-promotion-commit-v1
//	seed <seed, 64 lowercase hex digits>
//
// followed, when a beacon is named, by
//
//	beacon <beacon name>
//	round <round, decimal>
//
// each line ending in "\n". Only the beacon's name and round are bound;
// its value is not known yet and is ignored. A beacon with an empty name,
// or one with a newline, is an error wrapping cmkit.ErrInvalid.
func Commit(seed Seed, beacon *Beacon) (Digest, error) {
	if beacon != nil {
		if err := beacon.checkName(); err != nil {
			return Digest{}, err
		}
	}
	return commitment(seed, beacon), nil
}

// commitment is Commit without the check of the beacon's name.
func commitment(seed Seed, beacon *Beacon) Digest {
	return Digest(sha256.Sum256(commitText(seed, beacon)))
}

func commitText(seed Seed, beacon *Beacon) []byte {
	b := make([]byte, 0, 128)
	b = append(b, commitPrefix...)
	b = append(b, "seed "...)
	b = hex.AppendEncode(b, seed[:])
	b = append(b, '\n')
	if beacon != nil {
		b = appendBeaconRef(b, beacon)
	}
	return b
}

func appendBeaconRef(b []byte, beacon *Beacon) []byte {
	b = append(b, "beacon "...)
	b = append(b, beacon.Name...)
	b = append(b, "\nround "...)
	b = strconv.AppendUint(b, beacon.Round, 10)
	return append(b, '\n')
}

// FrozenEntries is a frozen entry list: the entry keys in canonical order
// (sorted bytewise, as Go compares strings and `LC_ALL=C sort` sorts
// lines), without duplicates, with the hash that the draw uses. Build it
// with FreezeEntries; the zero FrozenEntries is empty.
type FrozenEntries struct {
	keys []string
	hash Digest
}

// FreezeEntries freezes an entry list when entries close. It copies keys,
// sorts them bytewise and hashes them: the hash is the SHA-256 of the text
//
//	cmkit-promotion-entries-v1
//	<first key>
//	<second key>
//	...
//
// each line ending in "\n", which is what
//
//	{ printf 'cmkit-promotion-entries-v1\n'; LC_ALL=C sort entries.txt; } | sha256sum
//
// prints for a file with one key a line (FrozenEntries.WriteTo writes it).
//
// A key is opaque to the draw: any non-empty UTF-8 text without a newline.
// An invalid key, a duplicate or an empty list is an error wrapping
// cmkit.ErrInvalid that names the key's index in keys.
func FreezeEntries(keys []string) (FrozenEntries, error) {
	if len(keys) == 0 {
		return FrozenEntries{}, cmkit.Invalid("entries", "required", "the entry list is empty")
	}
	for i, k := range keys {
		if err := checkKey(i, k); err != nil {
			return FrozenEntries{}, err
		}
	}
	sorted := slices.Clone(keys)
	sortKeys(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			first := slices.Index(keys, sorted[i])
			second := first + 1 + slices.Index(keys[first+1:], sorted[i])
			return FrozenEntries{}, cmkit.Invalid(fmt.Sprintf("entries[%d]", second), "duplicate", "key %q is also entries[%d]", sorted[i], first)
		}
	}
	return FrozenEntries{keys: sorted, hash: hashEntries(sorted)}, nil
}

func checkKey(i int, k string) error {
	switch {
	case k == "":
		return cmkit.Invalid(fmt.Sprintf("entries[%d]", i), "required", "an entry key is empty")
	case strings.IndexByte(k, '\n') >= 0:
		return cmkit.Invalid(fmt.Sprintf("entries[%d]", i), "newline", "key %q has a newline", k)
	case !utf8.ValidString(k):
		return cmkit.Invalid(fmt.Sprintf("entries[%d]", i), "utf8", "key %q is not valid UTF-8", k)
	}
	return nil
}

// hashEntries hashes keys, already in canonical order, in 32 KiB writes.
func hashEntries(keys []string) Digest {
	h := sha256.New()
	buf := make([]byte, 0, 32<<10)
	buf = append(buf, entriesPrefix...)
	for _, k := range keys {
		if len(buf)+len(k)+1 > cap(buf) {
			h.Write(buf)
			buf = buf[:0]
		}
		buf = append(buf, k...)
		buf = append(buf, '\n')
	}
	h.Write(buf)
	var d Digest
	h.Sum(d[:0])
	return d
}

// Hash returns the list's hash, to publish when entries close.
func (l FrozenEntries) Hash() Digest { return l.hash }

// Len returns the number of entries.
func (l FrozenEntries) Len() int { return len(l.keys) }

// Keys yields the entry keys in canonical order.
func (l FrozenEntries) Keys() iter.Seq[string] { return slices.Values(l.keys) }

// WriteTo writes the list as text, one key a line in canonical order, each
// ending in "\n": the file to publish with the draw, which sha256sum
// hashes as FreezeEntries describes.
func (l FrozenEntries) WriteTo(w io.Writer) (int64, error) {
	var n int64
	buf := make([]byte, 0, 32<<10)
	flush := func() error {
		m, err := w.Write(buf)
		n += int64(m)
		buf = buf[:0]
		return err
	}
	for _, k := range l.keys {
		if len(buf)+len(k)+1 > cap(buf) {
			if err := flush(); err != nil {
				return n, err
			}
		}
		buf = append(buf, k...)
		buf = append(buf, '\n')
	}
	return n, flush()
}

// DrawRecord is what a draw publishes, and what Verify checks: every input
// but the entry list itself (published alongside, one key a line, see
// FrozenEntries.WriteTo), the intermediate draw key, and the outcome. It
// marshals to JSON with hex digests.
type DrawRecord struct {
	// Commitment is the hash published when the promotion opened (Commit).
	Commitment Digest `json:"commitment"`
	// Seed is the revealed secret.
	Seed Seed `json:"seed"`
	// Beacon is the public randomness named in advance, with its value;
	// nil when the draw used none.
	Beacon *Beacon `json:"beacon,omitempty"`
	// EntriesHash is the frozen entry list's hash (FrozenEntries.Hash).
	EntriesHash Digest `json:"entries_hash"`
	// Key is the draw key, the SHA-256 every random number comes from.
	Key Digest `json:"key"`
	// Winners are the drawn entry keys, in the order drawn.
	Winners []string `json:"winners"`
	// Alternates are the next keys drawn, in order: the first alternate
	// replaces the first winner who drops out, and so on.
	Alternates []string `json:"alternates"`
}

// Draw draws winners and then alternates, distinct, from a frozen entry
// list. It is a pure function of the seed, the list's hash and the beacon
// (name, round and value); the numbers of winners and alternates only say
// how many keys to take, so a longer draw begins with the shorter one.
//
// The steps, which anyone can redo with sha256sum and a few lines of any
// language, are these.
//
// Step 1: the draw key K is the SHA-256 of the text
//
//	cmkit-promotion-draw-v1
//	seed <seed, 64 lowercase hex digits>
//	entries <entry list hash, 64 lowercase hex digits>
//
// followed, with a beacon, by
//
//	beacon <name>
//	round <round, decimal>
//	value <value, lowercase hex>
//
// each line ending in "\n".
//
// Step 2: random block number i (i = 0, 1, 2, ...) is the SHA-256 of the
// text "<K, 64 lowercase hex digits> <i, decimal>\n"; the blocks are used
// once each, in order. The first 8 bytes of a block (its first 16 hex
// digits), read as a big-endian unsigned 64-bit number, are its x.
//
// Step 3: a uniform number below k comes from rejection sampling. With
// limit = 2^64 − (2^64 mod k), a block whose x ≥ limit is skipped and the
// next block is taken; otherwise the number is x mod k. Every number below
// k is then equally likely: there is no modulo bias.
//
// Step 4: with a = the keys in canonical order and n = len(a), for p = 0,
// 1, ..., winners+alternates−1, take r = a uniform number below n−p and
// swap a[p] with a[p+r] (a partial Fisher–Yates shuffle). The winners are
// a[0], ..., a[winners−1], and the alternates the next alternates keys.
//
// winners must be at least 1, alternates at least 0, and their sum at
// most the number of entries. A beacon needs a name without a newline and
// a value of 1 to 1024 bytes. Bad input is an error wrapping
// cmkit.ErrInvalid. The record's commitment is computed from the seed and
// the beacon's name and round, as Commit does.
func Draw(seed Seed, entries FrozenEntries, beacon *Beacon, winners, alternates int) (DrawRecord, error) {
	if beacon != nil {
		if err := beacon.checkName(); err != nil {
			return DrawRecord{}, err
		}
		if err := beacon.checkValue(); err != nil {
			return DrawRecord{}, err
		}
	}
	n := entries.Len()
	switch {
	case n == 0:
		return DrawRecord{}, cmkit.Invalid("entries", "required", "the entry list is empty")
	case winners < 1:
		return DrawRecord{}, cmkit.Invalid("winners", "min", "%d winners, at least 1", winners)
	case alternates < 0:
		return DrawRecord{}, cmkit.Invalid("alternates", "min", "%d alternates, at least 0", alternates)
	case winners > n || alternates > n-winners:
		return DrawRecord{}, cmkit.Invalid("alternates", "max", "%d winners and %d alternates from %d entries", winners, alternates, n)
	}
	key := drawKey(seed, entries.hash, beacon)
	picked := pick(key, entries.keys, winners+alternates)
	var b *Beacon
	if beacon != nil {
		b = &Beacon{Name: beacon.Name, Round: beacon.Round, Value: slices.Clone(beacon.Value)}
	}
	return DrawRecord{
		Commitment:  commitment(seed, beacon),
		Seed:        seed,
		Beacon:      b,
		EntriesHash: entries.hash,
		Key:         key,
		Winners:     picked[:winners:winners],
		Alternates:  picked[winners:],
	}, nil
}

// drawKey computes K, step 1 of Draw.
func drawKey(seed Seed, entriesHash Digest, beacon *Beacon) Digest {
	b := make([]byte, 0, 256)
	b = append(b, keyPrefix...)
	b = append(b, "seed "...)
	b = hex.AppendEncode(b, seed[:])
	b = append(b, "\nentries "...)
	b = hex.AppendEncode(b, entriesHash[:])
	b = append(b, '\n')
	if beacon != nil {
		b = appendBeaconRef(b, beacon)
		b = append(b, "value "...)
		b = hex.AppendEncode(b, beacon.Value)
		b = append(b, '\n')
	}
	return Digest(sha256.Sum256(b))
}

// stream yields the x values of Draw's step 2, block after block.
type stream struct {
	buf  []byte // "<K hex> " followed by the counter and "\n"
	head int    // len("<K hex> ")
	i    uint64
}

func newStream(key Digest) *stream {
	buf := make([]byte, 0, 64+1+20+1)
	buf = hex.AppendEncode(buf, key[:])
	buf = append(buf, ' ')
	return &stream{buf: buf, head: len(buf)}
}

func (s *stream) next() uint64 {
	b := strconv.AppendUint(s.buf[:s.head], s.i, 10)
	b = append(b, '\n')
	s.buf = b
	s.i++
	sum := sha256.Sum256(b)
	return binary.BigEndian.Uint64(sum[:8])
}

// accept is step 3 of Draw for one x: it returns x mod k and true, or false
// when x falls in the last, partial run of k numbers below 2^64 and must be
// skipped. k must not be 0.
func accept(x, k uint64) (uint64, bool) {
	// 2^64 mod k, computed in 64 bits as (2^64 − k) mod k.
	rem := -k % k
	if x > ^uint64(0)-rem { // x ≥ 2^64 − rem
		return 0, false
	}
	return x % k, true
}

// below returns a uniform number below k from s (step 3 of Draw).
func (s *stream) below(k uint64) uint64 {
	for {
		if r, ok := accept(s.next(), k); ok {
			return r
		}
	}
}

// pick is step 4 of Draw: the first m keys of a partial Fisher–Yates
// shuffle of keys, which it does not modify. Only the moved positions are
// kept (in a map), so a draw costs O(m), not O(len(keys)).
func pick(key Digest, keys []string, m int) []string {
	s := newStream(key)
	n := len(keys)
	moved := make(map[int]int, m) // position → index into keys now there
	at := func(p int) int {
		if j, ok := moved[p]; ok {
			return j
		}
		return p
	}
	out := make([]string, m)
	for p := range m {
		q := p + int(s.below(uint64(n-p)))
		ip, iq := at(p), at(q)
		moved[p], moved[q] = iq, ip
		out[p] = keys[iq]
	}
	return out
}
