package spell

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/cmkit/cmkit"
)

// Limits that keep a hostile or broken dictionary from exhausting memory
// or time. Real dictionaries stay far below them (pl_PL, the largest of
// the Debian ones we test, has 308,000 stems and 7,300 affix lines).
const (
	maxFileSize  = 64 << 20 // bytes in one .aff or .dic file
	maxLineLen   = 64 << 10 // bytes in one line
	maxWords     = 4 << 20  // stems in a .dic file
	maxFlags     = 65000    // distinct flags
	maxAffixes   = 200000   // PFX and SFX entries together
	maxTable     = 100000   // entries in one REP, MAP, AF, ... table
	maxCondLen   = 64       // characters in an affix condition
	maxWordBytes = 300      // longer words are misspelled (hunspell: 3*MAXWORDLEN)
	maxDepth     = 10       // nesting of word breaks (hunspell's MAXBREAKDEPTH)
	maxCompound  = 100      // parts in one compound
)

// Special flag IDs. Dictionary flags are numbered from firstFlag on, in
// the order they are first seen, whatever the FLAG format.
const (
	flagNone       uint16 = 0
	flagOnlyUpcase uint16 = 1 // hidden capitalized homonym ("Nasa" for "NASA")
	firstFlag      uint16 = 2
)

// Bits of a flag set's mask: the roles its flags play, so that the hot
// path tests "is this stem forbidden" with one AND.
const (
	mForbidden uint32 = 1 << iota
	mNeedAffix
	mOnlyInCompound
	mKeepCase
	mOnlyUpcase
	mNoSuggest
	mCompound
	mCompoundBegin
	mCompoundMiddle
	mCompoundEnd
	mCompoundForbid
	mCompoundPermit
	mCircumfix
	mCompoundRule // some flag used by a COMPOUNDRULE
)

// Dictionary is a loaded Hunspell dictionary. It is immutable after Load
// (except through Add, which is safe for concurrent use with Check), and
// safe for concurrent use.
type Dictionary struct {
	name string // for errors: the base name given to Open, or "dictionary"

	// words maps a stem to its homonyms: a value below homBit is the index
	// of the stem's one flag set, a value with homBit set indexes homs.
	words map[string]uint32
	// filter is a Bloom filter over the stems: most candidate stems that
	// affix stripping makes are not words, and the filter turns most of
	// those map look-ups into one bit test.
	filter     []uint64
	filterMask uint64
	homs       [][]uint32
	flagsets   [][]uint16 // sorted flag IDs
	masks      []uint32   // role bits of each flag set

	flagIDs  map[string]uint16 // flag as written → ID
	flagMode flagMode
	aliases  [][]uint16 // AF: alias n is aliases[n-1]

	// special flags (0 when the .aff does not set them)
	forbidden, needAffix, onlyInCompound, keepCase, noSuggest, circumfix uint16
	compoundFlag, compoundBegin, compoundMiddle, compoundEnd             uint16
	compoundPermit, compoundForbid                                       uint16

	utf8      bool       // SET UTF-8 (otherwise an 8-bit set, converted on load)
	charset   *[128]rune // the 8-bit set, nil for UTF-8
	fullStrip bool

	pfx, sfx        affixIndex
	contClasses     map[uint16]bool // flags used as continuation classes
	contClassBits   []bool          // the same, indexed by flag
	haveContClasses bool

	compound      bool // any compounding directive
	compoundMin   int
	compoundMax   int // COMPOUNDWORDMAX, 0 = unlimited
	compoundRules [][]ruleAtom
	checkDup      bool
	checkCase     bool
	checkTriple   bool
	checkRep      bool
	ruleFlags     map[uint16]bool

	iconv, oconv convTable
	ignore       []rune
	breaks       []string
	wordChars    string

	rep         []repEntry
	mapSets     [][]string
	try         []rune
	key         []string
	maxDiff     int
	noSplit     bool
	onlyMaxDiff bool

	extra atomic.Pointer[map[string]struct{}] // words added by Add

	pool sync.Pool // *scratch
}

const homBit = 1 << 31

type repEntry struct {
	from, to   string
	start, end bool // ^ and $ anchors
}

// Load reads a Hunspell dictionary from its .aff and .dic contents. Both
// are read whole; 8-bit encodings named by SET are converted to UTF-8.
// An error names the file, line and directive, and wraps cmkit.ErrInvalid.
func Load(aff, dic io.Reader) (*Dictionary, error) {
	return load("dictionary", aff, dic)
}

// Open reads name+".aff" and name+".dic" from fsys, for example
// Open(os.DirFS("/usr/share/hunspell"), "es_ES").
func Open(fsys fs.FS, name string) (*Dictionary, error) {
	af, err := fsys.Open(name + ".aff")
	if err != nil {
		return nil, fmt.Errorf("spell: open %s.aff: %w", name, err)
	}
	defer af.Close()
	df, err := fsys.Open(name + ".dic")
	if err != nil {
		return nil, fmt.Errorf("spell: open %s.dic: %w", name, err)
	}
	defer df.Close()
	return load(name, af, df)
}

func load(name string, aff, dic io.Reader) (*Dictionary, error) {
	if aff == nil || dic == nil {
		return nil, fmt.Errorf("spell: %s: %w", name, cmkit.Invalid("aff/dic", "required", "a nil reader"))
	}
	affData, err := readAll(aff)
	if err != nil {
		return nil, fmt.Errorf("spell: %s.aff: %w", name, err)
	}
	dicData, err := readAll(dic)
	if err != nil {
		return nil, fmt.Errorf("spell: %s.dic: %w", name, err)
	}
	d := &Dictionary{
		name:        name,
		flagIDs:     map[string]uint16{},
		contClasses: map[uint16]bool{},
		ruleFlags:   map[uint16]bool{},
		compoundMin: 3,
		maxDiff:     -1,
	}
	d.pool.New = func() any { return new(scratch) }
	if err := d.parseAff(affData); err != nil {
		return nil, err
	}
	if err := d.parseDic(dicData); err != nil {
		return nil, err
	}
	d.finish()
	return d, nil
}

var errTooLarge = errors.New("file larger than 64 MiB")

func readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("%w: %w", cmkit.ErrInvalid, errTooLarge)
	}
	return b, nil
}

// parseError is the error for a bad line of a dictionary file. It reads
// "spell: es_ES.aff:123: SFX: want 4 fields" and wraps cmkit.ErrInvalid.
type parseError struct {
	file      string
	line      int
	directive string
	msg       string
}

func (e *parseError) Error() string {
	if e.directive == "" {
		return fmt.Sprintf("spell: %s:%d: %s", e.file, e.line, e.msg)
	}
	return fmt.Sprintf("spell: %s:%d: %s: %s", e.file, e.line, e.directive, e.msg)
}

func (e *parseError) Unwrap() error { return cmkit.ErrInvalid }

// finish builds the indexes that need the whole dictionary.
func (d *Dictionary) finish() {
	d.buildFilter()
	d.pfx.build()
	d.sfx.build()
	d.masks = make([]uint32, len(d.flagsets))
	for i, fs := range d.flagsets {
		d.masks[i] = d.maskOf(fs)
	}
	d.pfx.setMasks(d)
	d.sfx.setMasks(d)
	d.contClassBits = make([]bool, len(d.flagIDs)+int(firstFlag))
	for f := range d.contClasses {
		d.contClassBits[f] = true
	}
}

// Add accepts words as correct, in addition to the dictionary's: brand
// and product names, hashtags, the community's own vocabulary. An added
// word has no affixes; it is found with the capitalizations hunspell
// allows for a dictionary word ("cmkit" also as "Cmkit" and "CMKIT",
// "iPhone" also as "IPHONE"). Add is safe for concurrent use with Check;
// each call copies the set of added words, so add many words in one call.
func (d *Dictionary) Add(words ...string) {
	for {
		old := d.extra.Load()
		m := make(map[string]struct{}, len(words))
		if old != nil {
			for w := range *old {
				m[w] = struct{}{}
			}
		}
		for _, w := range words {
			if w != "" {
				m[w] = struct{}{}
			}
		}
		if d.extra.CompareAndSwap(old, &m) {
			return
		}
	}
}

// isExtra reports whether w was added with Add.
func (d *Dictionary) isExtra(w []byte) bool {
	m := d.extra.Load()
	if m == nil {
		return false
	}
	_, ok := (*m)[string(w)]
	return ok
}

func (d *Dictionary) maskOf(fs []uint16) uint32 {
	var m uint32
	for _, f := range fs {
		switch {
		case f == flagNone:
			continue
		case f == flagOnlyUpcase:
			m |= mOnlyUpcase
			continue
		}
		if f == d.forbidden {
			m |= mForbidden
		}
		if f == d.needAffix {
			m |= mNeedAffix
		}
		if f == d.onlyInCompound {
			m |= mOnlyInCompound
		}
		if f == d.keepCase {
			m |= mKeepCase
		}
		if f == d.noSuggest {
			m |= mNoSuggest
		}
		if f == d.compoundFlag {
			m |= mCompound
		}
		if f == d.compoundBegin {
			m |= mCompoundBegin
		}
		if f == d.compoundMiddle {
			m |= mCompoundMiddle
		}
		if f == d.compoundEnd {
			m |= mCompoundEnd
		}
		if f == d.compoundForbid {
			m |= mCompoundForbid
		}
		if f == d.compoundPermit {
			m |= mCompoundPermit
		}
		if f == d.circumfix {
			m |= mCircumfix
		}
		if d.ruleFlags[f] {
			m |= mCompoundRule
		}
	}
	return m
}

// hasFlag reports whether the sorted set fs contains f.
func hasFlag(fs []uint16, f uint16) bool {
	if f == flagNone {
		return false
	}
	if len(fs) <= 8 {
		for _, x := range fs {
			if x == f {
				return true
			}
		}
		return false
	}
	i := sort.Search(len(fs), func(i int) bool { return fs[i] >= f })
	return i < len(fs) && fs[i] == f
}

var filterSeed = maphash.MakeSeed()

// buildFilter sizes the Bloom filter to about 12 bits per stem and fills
// it. It is blocked: the two bits of a stem are in one 64-bit word, so a
// test costs one memory access.
func (d *Dictionary) buildFilter() {
	n := uint64(64)
	for n*64 < uint64(len(d.words))*12 {
		n <<= 1
	}
	d.filter = make([]uint64, n)
	d.filterMask = n - 1
	for w := range d.words {
		h := maphash.String(filterSeed, w)
		d.filter[h&d.filterMask] |= filterBits(h)
	}
}

func filterBits(h uint64) uint64 {
	return 1<<((h>>40)&63) | 1<<((h>>50)&63)
}

// homonyms returns the flag-set indexes of the stem w, or nil.
func (d *Dictionary) homonyms(w []byte, one *[1]uint32) []uint32 {
	if d.filter != nil {
		h := maphash.Bytes(filterSeed, w)
		if bits := filterBits(h); d.filter[h&d.filterMask]&bits != bits {
			return nil
		}
	}
	v, ok := d.words[string(w)]
	if !ok {
		return nil
	}
	if v&homBit != 0 {
		return d.homs[v&^homBit]
	}
	one[0] = v
	return one[:]
}

// internFlagset returns the index of the flag set fs (sorted, deduplicated).
func (d *Dictionary) internFlagset(idx map[string]uint32, fs []uint16) uint32 {
	key := make([]byte, 0, 2*len(fs))
	for _, f := range fs {
		key = append(key, byte(f>>8), byte(f))
	}
	if i, ok := idx[string(key)]; ok {
		return i
	}
	i := uint32(len(d.flagsets))
	d.flagsets = append(d.flagsets, fs)
	idx[string(key)] = i
	return i
}

// addStem adds a homonym with flag set index fi to the stem w.
func (d *Dictionary) addStem(w string, fi uint32) {
	v, ok := d.words[w]
	if !ok {
		d.words[w] = fi
		return
	}
	if v&homBit != 0 {
		d.homs[v&^homBit] = append(d.homs[v&^homBit], fi)
		return
	}
	d.homs = append(d.homs, []uint32{v, fi})
	d.words[w] = homBit | uint32(len(d.homs)-1)
}
