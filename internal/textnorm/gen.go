//go:build ignore

// gen.go writes tables.go, the folding table of the normalizer, from the
// Unicode Character Database (UnicodeData.txt, CaseFolding.txt). Run it with
// go generate; -ucd names the directory of the UCD (Debian's unicode-data
// package installs it in /usr/share/unicode).
//
// For every code point it computes what the normalizer writes instead:
//
//  1. explicit mappings first (see explicit below);
//  2. the full compatibility decomposition (NFKD, without Hangul), so that
//     full-width forms, ligatures, mathematical and circled letters and
//     superscripts become plain letters and digits;
//  3. combining marks (Mn, Me) and format characters (Cf: zero-width and
//     bidirectional controls, soft hyphen, tags) are dropped;
//  4. simple case folding (CaseFolding.txt statuses C and S), plus ß and ẞ
//     to "ss";
//  5. Latin letters without a decomposition are read from their names
//     ("LATIN SMALL LETTER L WITH STROKE" is l, "... LETTER AE" is ae);
//  6. look-alikes of Latin letters in Cyrillic and Greek become the Latin
//     letter (see lookalike below);
//  7. every white-space character becomes " ".
//
// Steps 1 to 6 repeat until nothing changes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/cmkit/cmkit/internal/ucd"
)

// explicit maps letters whose folding is a documented choice of cmkit.
var explicit = map[rune]string{
	'ß': "ss", 'ẞ': "ss", // German sharp s, as full case folding does
	'ı': "i", // Turkish dotless i; İ (U+0130) decomposes to I + dot, so i
	'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ĸ': "k", 'ŀ': "l", 'Ŀ': "l",
	'ŉ': "n", 'ſ': "s", 'ƒ': "f", 'ə': "e", 'Ə': "e",
}

// lookalike maps (lower-case) Cyrillic and Greek letters that look like a
// Latin letter to that letter.
var lookalike = map[rune]string{
	// Cyrillic
	'а': "a", 'в': "b", 'е': "e", 'к': "k", 'м': "m", 'н': "h", 'о': "o", 'п': "n",
	'р': "p", 'с': "c", 'т': "t", 'у': "y", 'х': "x", 'ь': "b", 'і': "i", 'ј': "j",
	'ѕ': "s", 'ԁ': "d", 'ԛ': "q", 'ԝ': "w", 'һ': "h", 'ӏ': "l", 'ү': "y", 'ɡ': "g",
	// Greek
	'α': "a", 'β': "b", 'γ': "y", 'ε': "e", 'ζ': "z", 'η': "n", 'ι': "i", 'κ': "k",
	'μ': "m", 'ν': "v", 'ο': "o", 'ρ': "p", 'τ': "t", 'υ': "u", 'χ': "x", 'ω': "w",
}

type char struct {
	name   string
	cat    string
	decomp []rune // compatibility or canonical decomposition, nil if none
}

func main() {
	dir := flag.String("ucd", "/usr/share/unicode", "directory of the Unicode Character Database")
	out := flag.String("o", "tables.go", "output file")
	flag.Parse()

	chars := map[rune]*char{}
	readLines(filepath.Join(*dir, "UnicodeData.txt"), func(f []string) {
		r := hex(f[0])
		c := &char{name: f[1], cat: f[2]}
		if d := f[5]; d != "" {
			if strings.HasPrefix(d, "<") {
				d = d[strings.IndexByte(d, '>')+1:]
			}
			for _, h := range strings.Fields(d) {
				c.decomp = append(c.decomp, hex(h))
			}
		}
		chars[r] = c
	})
	folds := map[rune]rune{}
	version := readLines(filepath.Join(*dir, "CaseFolding.txt"), func(f []string) {
		if s := f[1]; s == "C" || s == "S" {
			folds[hex(f[0])] = hex(f[2])
		}
	})

	latin := regexp.MustCompile(`^LATIN (SMALL|CAPITAL) (LETTER|LIGATURE) ([A-Z]{1,2})( WITH .*)?$`)
	var step func(r rune) []rune
	step = func(r rune) []rune {
		if s, ok := explicit[r]; ok {
			return []rune(s)
		}
		c := chars[r]
		if c == nil {
			return []rune{r}
		}
		if c.cat == "Mn" || c.cat == "Me" || c.cat == "Cf" {
			return nil
		}
		if unicode.IsSpace(r) {
			return []rune{' '}
		}
		if c.decomp != nil && !(r >= 0xAC00 && r <= 0xD7A3) {
			return c.decomp
		}
		if f, ok := folds[r]; ok {
			return []rune{f}
		}
		if s, ok := lookalike[r]; ok {
			return []rune(s)
		}
		if r > 0x7f {
			if m := latin.FindStringSubmatch(c.name); m != nil {
				return []rune(strings.ToLower(m[3]))
			}
		}
		return []rune{r}
	}
	fold := func(r rune) string {
		cur := []rune{r}
		for round := 0; round < 10; round++ {
			var next []rune
			for _, x := range cur {
				next = append(next, step(x)...)
			}
			if string(next) == string(cur) {
				break
			}
			cur = next
		}
		return string(cur)
	}

	// Value per code point: 0 keeps it, 1 drops it, else offset<<8 | length
	// into data (whose first byte is unused, so offsets are >= 1).
	const limit = 0x110000
	values := make([]uint32, limit)
	var data strings.Builder
	data.WriteByte(0)
	pool := map[string]uint32{}
	for r := rune(0x80); r < limit; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if chars[r] == nil && !(r >= 0xE0000 && r <= 0xE0FFF) {
			continue // unassigned or inside a range of ideographs: kept
		}
		s := fold(r)
		switch {
		case s == string(r):
		case s == "":
			values[r] = 1
		default:
			if len(s) > 255 {
				log.Fatalf("%U folds to %d bytes", r, len(s))
			}
			off, ok := pool[s]
			if !ok {
				if i := strings.Index(data.String(), s); i > 0 {
					off = uint32(i)
				} else {
					off = uint32(data.Len())
					data.WriteString(s)
				}
				pool[s] = off
			}
			values[r] = off<<8 | uint32(len(s))
		}
	}
	// Unassigned tag and variation-selector planes (E0000-E0FFF) drop too.
	for r := rune(0xE0000); r <= 0xE0FFF; r++ {
		if values[r] == 0 {
			values[r] = 1
		}
	}

	const shift = 7
	stage1, blocks := ucd.TwoStage(values, 1<<shift)
	if len(blocks) > 1<<16 {
		log.Fatal("too many blocks")
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by gen.go from the Unicode Character Database %s; DO NOT EDIT.\n\n", version)
	b.WriteString("package textnorm\n\n")
	fmt.Fprintf(&b, "// UnicodeVersion is the version of the Unicode Character Database the\n// folding table was generated from.\nconst UnicodeVersion = %q\n\n", version)
	fmt.Fprintf(&b, "const foldShift = %d\n\n", shift)
	fmt.Fprintf(&b, "// foldData holds the replacement strings.\nconst foldData = %q\n\n", data.String())
	fmt.Fprintf(&b, "// foldIndex maps r>>foldShift to a block of foldValues.\nvar foldIndex = [%d]uint16{", len(stage1))
	ucd.WriteList(&b, stage1, 24)
	fmt.Fprintf(&b, "}\n\n// foldValues: 0 keeps a code point, 1 drops it, else offset<<8|length in\n// foldData.\nvar foldValues = [%d]uint32{", len(blocks)<<shift)
	for _, blk := range blocks {
		ucd.WriteList(&b, blk, 16)
	}
	b.WriteString("}\n")
	if err := ucd.WriteGo(*out, b.Bytes()); err != nil {
		log.Fatal(err)
	}
}

func hex(s string) rune {
	r, err := ucd.CodePoint(s)
	if err != nil {
		log.Fatal(err)
	}
	return r
}

// readLines calls f with the fields of each data line of a UCD file and
// returns the Unicode version the file names.
func readLines(path string, f func([]string)) string {
	version, err := ucd.Read(path, func(fields []string) error {
		f(fields)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return version
}
