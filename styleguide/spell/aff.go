package spell

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

type flagMode int

const (
	flagChar flagMode = iota
	flagLong
	flagNum
	flagUTF8
)

// lineReader walks the lines of one file, numbering them from 1.
type lineReader struct {
	file  string
	lines []string
	next  int // index of the next line
}

func newLineReader(file string, data []byte) *lineReader {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	s := string(data)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, "\r")
	}
	return &lineReader{file: file, lines: lines}
}

func (r *lineReader) errorf(line int, directive, format string, args ...any) error {
	return &parseError{file: r.file, line: line, directive: directive, msg: fmt.Sprintf(format, args...)}
}

// decode8bit converts the bytes of an 8-bit charset to UTF-8.
func decode8bit(b []byte, table *[128]rune) []byte {
	n := 0
	for _, c := range b {
		if c >= 0x80 {
			n++
		}
	}
	if n == 0 {
		return b
	}
	out := make([]byte, 0, len(b)+2*n)
	for _, c := range b {
		if c < 0x80 {
			out = append(out, c)
			continue
		}
		out = utf8.AppendRune(out, table[c-0x80])
	}
	return out
}

// findSet returns the charset named by the SET line of an .aff file, or
// "" when there is none.
func findSet(aff []byte) (string, int) {
	for i, l := range bytes.Split(aff, []byte("\n")) {
		f := strings.Fields(string(bytes.TrimPrefix(l, []byte("\xEF\xBB\xBF"))))
		if len(f) >= 2 && f[0] == "SET" {
			return f[1], i + 1
		}
	}
	return "", 0
}

// charsetTable returns the conversion table of an 8-bit set, nil for
// UTF-8, and ok=false for a set this package does not know.
func charsetTable(set string) (t *[128]rune, utf bool, ok bool) {
	norm := strings.ToUpper(set)
	norm = strings.ReplaceAll(norm, "_", "-")
	switch norm {
	case "UTF-8", "UTF8":
		return nil, true, true
	case "", "ISO8859-1", "ISO-8859-1", "LATIN1":
		return charsets["ISO8859-1"], false, true
	}
	norm = strings.Replace(norm, "ISO-8859", "ISO8859", 1)
	if t, ok := charsets[norm]; ok {
		return t, false, true
	}
	for k, t := range charsets {
		if strings.EqualFold(k, set) {
			return t, false, true
		}
	}
	return nil, false, false
}

func (d *Dictionary) parseAff(data []byte) error {
	file := d.name + ".aff"
	set, setLine := findSet(data)
	table, utf, ok := charsetTable(set)
	if !ok {
		return &parseError{file: file, line: setLine, directive: "SET", msg: fmt.Sprintf("unsupported encoding %q (want UTF-8, ISO8859-1..15, KOI8-R, KOI8-U or microsoft-cp1251)", set)}
	}
	d.utf8 = utf
	d.charset = table
	if table != nil {
		data = decode8bit(data, table)
	} else if !utf8.Valid(data) {
		// hunspell reads bytes; we need text. Replace bad bytes rather than fail.
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	r := newLineReader(file, data)

	// FLAG must be known before any flag is read; hunspell has the same
	// rule, and dictionaries put it near the top.
	for i, l := range r.lines {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "FLAG" {
			switch f[1] {
			case "long":
				d.flagMode = flagLong
			case "num":
				d.flagMode = flagNum
			case "UTF-8":
				d.flagMode = flagUTF8
			case "char":
				d.flagMode = flagChar
			default:
				return r.errorf(i+1, "FLAG", "unknown format %q (want char, long, num or UTF-8)", f[1])
			}
			break
		}
	}

	affixCount := 0
	seen := map[string]bool{} // single-value directives, which hunspell refuses twice
	for r.next < len(r.lines) {
		ln := r.next + 1
		line := r.lines[r.next]
		r.next++
		if len(line) > maxLineLen {
			return r.errorf(ln, "", "line longer than %d bytes", maxLineLen)
		}
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		dir := f[0]
		switch dir {
		case "SET", "FLAG", "KEEPCASE", "FORBIDDENWORD", "NEEDAFFIX", "PSEUDOROOT", "ONLYINCOMPOUND",
			"NOSUGGEST", "CIRCUMFIX", "COMPOUNDFLAG", "COMPOUNDBEGIN", "COMPOUNDMIDDLE", "COMPOUNDLAST",
			"COMPOUNDEND", "COMPOUNDPERMITFLAG", "COMPOUNDFORBIDFLAG", "COMPOUNDMIN", "COMPOUNDWORDMAX",
			"MAXDIFF", "TRY", "KEY", "WORDCHARS", "IGNORE", "LANG":
			if seen[dir] {
				return r.errorf(ln, dir, "defined twice (hunspell stops reading the file here)")
			}
			seen[dir] = true
		}
		var err error
		switch dir {
		case "SET", "FLAG", "LANG", "NAME", "VERSION", "HOME", "DESCRIPTION", "LEMMA_PRESENT",
			"SUBSTANDARD", "WARN", "FORBIDWARN", "COMPLEXPREFIXES", "CHECKSHARPS",
			"SYLLABLENUM", "COMPOUNDSYLLABLE", "COMPOUNDROOT", "SIMPLIFIEDTRIPLE",
			"FORCEUCASE", "NONGRAMSUGGEST", "SUGSWITHDOTS", "MAXNGRAMSUGS", "MAXCPDSUGS",
			"COMPOUNDMORESUFFIXES", "CHECKNUM", "WORDCHARS_UTF16":
			// read elsewhere, or not used by checking and suggesting
		case "WORDCHARS":
			if len(f) > 1 {
				d.wordChars = f[1]
			}
		case "TRY":
			if len(f) > 1 {
				d.try = []rune(f[1])
			}
		case "KEY":
			if len(f) > 1 {
				d.key = strings.Split(f[1], "|")
			}
		case "IGNORE":
			if len(f) > 1 {
				d.ignore = []rune(f[1])
				sort.Slice(d.ignore, func(i, j int) bool { return d.ignore[i] < d.ignore[j] })
			}
		case "FULLSTRIP":
			d.fullStrip = true
		case "NOSPLITSUGS":
			d.noSplit = true
		case "ONLYMAXDIFF":
			d.onlyMaxDiff = true
		case "CHECKCOMPOUNDDUP":
			d.checkDup = true
		case "CHECKCOMPOUNDCASE":
			d.checkCase = true
		case "CHECKCOMPOUNDTRIPLE":
			d.checkTriple = true
		case "CHECKCOMPOUNDREP":
			d.checkRep = true
		case "MAXDIFF":
			d.maxDiff, err = r.num(f, ln, 0, 10)
		case "COMPOUNDMIN":
			d.compoundMin, err = r.num(f, ln, 1, 1000)
		case "COMPOUNDWORDMAX":
			d.compoundMax, err = r.num(f, ln, 1, maxCompound)
		case "KEEPCASE":
			d.keepCase, err = d.oneFlag(r, f, ln)
		case "FORBIDDENWORD":
			d.forbidden, err = d.oneFlag(r, f, ln)
		case "NEEDAFFIX", "PSEUDOROOT":
			d.needAffix, err = d.oneFlag(r, f, ln)
		case "ONLYINCOMPOUND":
			d.onlyInCompound, err = d.oneFlag(r, f, ln)
			d.compound = true
		case "NOSUGGEST":
			d.noSuggest, err = d.oneFlag(r, f, ln)
		case "CIRCUMFIX":
			d.circumfix, err = d.oneFlag(r, f, ln)
		case "COMPOUNDFLAG":
			d.compoundFlag, err = d.oneFlag(r, f, ln)
			d.compound = true
		case "COMPOUNDBEGIN":
			d.compoundBegin, err = d.oneFlag(r, f, ln)
			d.compound = true
		case "COMPOUNDMIDDLE":
			d.compoundMiddle, err = d.oneFlag(r, f, ln)
			d.compound = true
		case "COMPOUNDLAST", "COMPOUNDEND":
			d.compoundEnd, err = d.oneFlag(r, f, ln)
			d.compound = true
		case "COMPOUNDPERMITFLAG":
			d.compoundPermit, err = d.oneFlag(r, f, ln)
		case "COMPOUNDFORBIDFLAG":
			d.compoundForbid, err = d.oneFlag(r, f, ln)
		case "AF":
			err = r.table(f, ln, func(g []string, ln int) error {
				if len(g) < 2 {
					return r.errorf(ln, "AF", "want 2 fields")
				}
				fl, err := d.decodeFlags(g[1])
				if err != nil {
					return r.errorf(ln, "AF", "%v", err)
				}
				d.aliases = append(d.aliases, fl)
				return nil
			})
		case "AM", "PHONE", "CHECKCOMPOUNDPATTERN", "COMPOUNDSYLLABLES":
			// read and drop: morphology, phonetic suggestions and
			// compound patterns are not supported (see the package doc)
			err = r.table(f, ln, func([]string, int) error { return nil })
		case "REP":
			err = r.table(f, ln, func(g []string, ln int) error {
				if len(g) < 3 {
					return r.errorf(ln, "REP", "want 3 fields")
				}
				e := repEntry{from: g[1], to: strings.ReplaceAll(g[2], "_", " ")}
				if strings.HasPrefix(e.from, "^") {
					e.start, e.from = true, e.from[1:]
				}
				if strings.HasSuffix(e.from, "$") {
					e.end, e.from = true, e.from[:len(e.from)-1]
				}
				e.from = strings.ReplaceAll(e.from, "_", " ")
				if e.from != "" {
					d.rep = append(d.rep, e)
				}
				return nil
			})
		case "MAP":
			err = r.table(f, ln, func(g []string, ln int) error {
				if len(g) < 2 {
					return r.errorf(ln, "MAP", "want 2 fields")
				}
				set, err := parseMap(g[1])
				if err != nil {
					return r.errorf(ln, "MAP", "%v", err)
				}
				d.mapSets = append(d.mapSets, set)
				return nil
			})
		case "BREAK":
			d.breaks = []string{}
			err = r.table(f, ln, func(g []string, ln int) error {
				if len(g) < 2 {
					return r.errorf(ln, "BREAK", "want 2 fields")
				}
				d.breaks = append(d.breaks, g[1])
				return nil
			})
		case "ICONV", "OCONV":
			t := &d.iconv
			if dir == "OCONV" {
				t = &d.oconv
			}
			err = r.table(f, ln, func(g []string, ln int) error {
				if len(g) < 3 {
					return r.errorf(ln, dir, "want 3 fields")
				}
				t.add(g[1], g[2])
				return nil
			})
		case "COMPOUNDRULE":
			d.compound = true
			err = r.table(f, ln, func(g []string, ln int) error {
				if len(g) < 2 {
					return r.errorf(ln, "COMPOUNDRULE", "want 2 fields")
				}
				rule, err := d.parseRule(g[1])
				if err != nil {
					return r.errorf(ln, "COMPOUNDRULE", "%v", err)
				}
				d.compoundRules = append(d.compoundRules, rule)
				return nil
			})
		case "PFX", "SFX":
			n, e := d.parseAffixClass(r, f, ln)
			affixCount += n
			err = e
			if err == nil && affixCount > maxAffixes {
				err = r.errorf(ln, dir, "more than %d affix entries", maxAffixes)
			}
		default:
			// hunspell ignores unknown directives, and so do we
		}
		if err != nil {
			return err
		}
	}
	if d.breaks == nil {
		d.breaks = []string{"-", "^-", "-$"}
	}
	sort.Slice(d.iconv.entries, func(i, j int) bool { return len(d.iconv.entries[i].from) > len(d.iconv.entries[j].from) })
	sort.Slice(d.oconv.entries, func(i, j int) bool { return len(d.oconv.entries[i].from) > len(d.oconv.entries[j].from) })
	return nil
}

// num reads the numeric argument of a directive.
func (r *lineReader) num(f []string, ln, lo, hi int) (int, error) {
	if len(f) < 2 {
		return 0, r.errorf(ln, f[0], "want 2 fields")
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < lo || n > hi {
		return 0, r.errorf(ln, f[0], "want a number from %d to %d, have %q", lo, hi, f[1])
	}
	return n, nil
}

// table reads a table directive: "DIR n" followed by n lines that start
// with DIR. each gets the fields of every entry line.
func (r *lineReader) table(f []string, ln int, each func(g []string, ln int) error) error {
	dir := f[0]
	if len(f) < 2 {
		return r.errorf(ln, dir, "want 2 fields (the number of entries)")
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 {
		// A single-line form ("REP a b") is tolerated by hunspell for a few
		// tables; treat it as one entry.
		if len(f) >= 3 && dir != "AF" && dir != "AM" {
			return each(f, ln)
		}
		return r.errorf(ln, dir, "want the number of entries, have %q", f[1])
	}
	if n > maxTable {
		return r.errorf(ln, dir, "%d entries, more than %d", n, maxTable)
	}
	for i := 0; i < n; i++ {
		g, eln, ok := r.nextEntry()
		if !ok {
			return r.errorf(ln, dir, "want %d entries, have %d before the end of the file", n, i)
		}
		if g[0] != dir {
			return r.errorf(eln, dir, "want entry %d of %d, have %q", i+1, n, g[0])
		}
		if err := each(g, eln); err != nil {
			return err
		}
	}
	return nil
}

// nextEntry returns the fields of the next line that is neither blank nor
// a comment.
func (r *lineReader) nextEntry() ([]string, int, bool) {
	for r.next < len(r.lines) {
		ln := r.next + 1
		l := r.lines[r.next]
		r.next++
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		return f, ln, true
	}
	return nil, 0, false
}

func (d *Dictionary) oneFlag(r *lineReader, f []string, ln int) (uint16, error) {
	if len(f) < 2 {
		return 0, r.errorf(ln, f[0], "want 2 fields")
	}
	fl, err := d.decodeFlags(f[1])
	if err != nil {
		return 0, r.errorf(ln, f[0], "%v", err)
	}
	if len(fl) != 1 {
		return 0, r.errorf(ln, f[0], "want one flag, have %q", f[1])
	}
	return fl[0], nil
}

// flagID interns the flag written as s.
func (d *Dictionary) flagID(s string) (uint16, error) {
	if id, ok := d.flagIDs[s]; ok {
		return id, nil
	}
	if len(d.flagIDs) >= maxFlags {
		return 0, fmt.Errorf("more than %d distinct flags", maxFlags)
	}
	id := uint16(len(d.flagIDs)) + firstFlag
	d.flagIDs[s] = id
	return id, nil
}

// decodeFlags reads a flag field in the dictionary's FLAG format and
// returns the flag IDs, sorted and without duplicates.
func (d *Dictionary) decodeFlags(s string) ([]uint16, error) {
	var out []uint16
	add := func(key string) error {
		id, err := d.flagID(key)
		if err != nil {
			return err
		}
		out = append(out, id)
		return nil
	}
	switch d.flagMode {
	case flagLong:
		rs := []rune(s)
		if len(rs)%2 != 0 {
			return nil, fmt.Errorf("long flags %q: want an even number of characters", s)
		}
		for i := 0; i < len(rs); i += 2 {
			if err := add(string(rs[i : i+2])); err != nil {
				return nil, err
			}
		}
	case flagNum:
		for _, p := range strings.Split(s, ",") {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("numeric flag %q: want a number from 1 to 65535", p)
			}
			if err := add(strconv.Itoa(n)); err != nil {
				return nil, err
			}
		}
	default:
		for _, c := range s {
			if err := add(string(c)); err != nil {
				return nil, err
			}
		}
	}
	return sortFlags(out), nil
}

func sortFlags(fs []uint16) []uint16 {
	sort.Slice(fs, func(i, j int) bool { return fs[i] < fs[j] })
	w := 0
	for i, f := range fs {
		if i > 0 && f == fs[w-1] {
			continue
		}
		fs[w] = f
		w++
	}
	return fs[:w]
}

// flagsOrAlias reads a flag field that may be an AF alias number.
func (d *Dictionary) flagsOrAlias(s string) ([]uint16, error) {
	if len(d.aliases) == 0 {
		return d.decodeFlags(s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > len(d.aliases) {
		return nil, fmt.Errorf("flag alias %q: want a number from 1 to %d (AF)", s, len(d.aliases))
	}
	return append([]uint16(nil), d.aliases[n-1]...), nil
}

// parseMap reads a MAP entry: characters, or (multi-character) groups in
// parentheses, that are related.
func parseMap(s string) ([]string, error) {
	var set []string
	for i := 0; i < len(s); {
		if s[i] == '(' {
			j := strings.IndexByte(s[i:], ')')
			if j < 0 {
				return nil, fmt.Errorf("unclosed ( in %q", s)
			}
			set = append(set, s[i+1:i+j])
			i += j + 1
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		set = append(set, s[i:i+n])
		i += n
	}
	return set, nil
}

// parseAffixClass reads a PFX or SFX header and its entries. It returns
// the number of entries read.
func (d *Dictionary) parseAffixClass(r *lineReader, f []string, ln int) (int, error) {
	dir := f[0]
	if len(f) < 4 {
		return 0, r.errorf(ln, dir, "want 4 fields (%s flag cross_product count), have %d", dir, len(f))
	}
	fl, err := d.decodeFlags(f[1])
	if err != nil || len(fl) != 1 {
		return 0, r.errorf(ln, dir, "want one flag, have %q", f[1])
	}
	flag := fl[0]
	cross := f[2] == "Y"
	if f[2] != "Y" && f[2] != "N" {
		return 0, r.errorf(ln, dir, "cross product: want Y or N, have %q", f[2])
	}
	n, err := strconv.Atoi(f[3])
	if err != nil || n < 0 || n > maxAffixes {
		return 0, r.errorf(ln, dir, "want the number of entries, have %q", f[3])
	}
	idx := &d.sfx
	if dir == "PFX" {
		idx = &d.pfx
	}
	for i := 0; i < n; i++ {
		g, eln, ok := r.nextEntry()
		if !ok {
			return i, r.errorf(ln, dir, "want %d entries, have %d before the end of the file", n, i)
		}
		if g[0] != dir {
			return i, r.errorf(eln, dir, "want entry %d of %d, have %q", i+1, n, g[0])
		}
		if len(g) < 4 {
			return i, r.errorf(eln, dir, "want 5 fields (%s flag strip affix condition), have %d", dir, len(g))
		}
		if g[1] != f[1] {
			return i, r.errorf(eln, dir, "entry flag %q differs from the header's %q", g[1], f[1])
		}
		a := &affix{flag: flag, cross: cross}
		if g[2] != "0" {
			a.strip = g[2]
		}
		app := g[3]
		if j := strings.IndexByte(app, '/'); j >= 0 {
			cont, err := d.flagsOrAlias(app[j+1:])
			if err != nil {
				return i, r.errorf(eln, dir, "%v", err)
			}
			a.cont = cont
			app = app[:j]
			if len(cont) > 0 {
				d.haveContClasses = true
				for _, c := range cont {
					d.contClasses[c] = true
				}
			}
		}
		if app == "0" {
			app = ""
		}
		a.appnd = d.removeIgnored(app)
		cond := "."
		if len(g) >= 5 {
			cond = g[4]
		}
		c, err := parseCond(cond)
		if err != nil {
			return i, r.errorf(eln, dir, "condition %q: %v", cond, err)
		}
		a.cond = c
		idx.add(a)
	}
	return n, nil
}

func (d *Dictionary) removeIgnored(s string) string {
	if len(d.ignore) == 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if d.isIgnored(r) {
			return -1
		}
		return r
	}, s)
}

func (d *Dictionary) isIgnored(r rune) bool {
	i := sort.Search(len(d.ignore), func(i int) bool { return d.ignore[i] >= r })
	return i < len(d.ignore) && d.ignore[i] == r
}
