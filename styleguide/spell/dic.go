package spell

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

func (d *Dictionary) parseDic(data []byte) error {
	file := d.name + ".dic"
	if d.charset != nil {
		data = decode8bit(data, d.charset)
	} else if !utf8.Valid(data) {
		data = []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	r := newLineReader(file, data)
	// The first line holds the (approximate) number of stems.
	var count int
	for r.next < len(r.lines) {
		l := strings.TrimSpace(r.lines[r.next])
		r.next++
		if l == "" {
			continue
		}
		n, err := strconv.Atoi(strings.Fields(l)[0])
		if err != nil || n < 0 {
			return r.errorf(r.next, "", "want the number of words on the first line, have %q", clip(l))
		}
		count = n
		break
	}
	if count > maxWords {
		return r.errorf(r.next, "", "%d words, more than %d", count, maxWords)
	}
	d.words = make(map[string]uint32, min(count, len(r.lines))+16)
	fsIndex := map[string]uint32{}
	d.internFlagset(fsIndex, nil) // index 0: no flags (words added by Add)
	var scratchFlags []uint16
	type decoded struct {
		flags []uint16
		fi    uint32
	}
	byText := map[string]decoded{} // flag field as written → its flags
	for r.next < len(r.lines) {
		ln := r.next + 1
		line := r.lines[r.next]
		r.next++
		if len(line) > maxLineLen {
			return r.errorf(ln, "", "line longer than %d bytes", maxLineLen)
		}
		word, flagText := splitDicLine(line)
		if word == "" {
			continue
		}
		if len(d.words) >= maxWords {
			return r.errorf(ln, "", "more than %d words", maxWords)
		}
		dec, ok := byText[flagText]
		if !ok {
			if flagText != "" {
				var err error
				dec.flags, err = d.flagsOrAlias(flagText)
				if err != nil {
					return r.errorf(ln, "", "word %q: %v", clip(word), err)
				}
			}
			dec.fi = d.internFlagset(fsIndex, dec.flags)
			byText[flagText] = dec
		}
		flags := dec.flags
		word = d.removeIgnored(word)
		if word == "" {
			continue
		}
		d.addStem(word, dec.fi)

		// hunspell adds a hidden capitalized form of mixed-case and
		// (affixed) all-caps stems, so that "OPENOFFICE.ORG" and "CIA'S"
		// are found through "Openoffice.org" and "Cia's".
		ct := captype([]byte(word))
		if (ct == huhCap || ct == huhInitCap || ct == allCap && len(flags) > 0) &&
			!hasFlag(flags, d.forbidden) {
			scratchFlags = append(scratchFlags[:0], flags...)
			scratchFlags = append(scratchFlags, flagOnlyUpcase)
			hf := sortFlags(append([]uint16(nil), scratchFlags...))
			hw := string(appendInitCap(nil, appendLower(nil, []byte(word))))
			d.addStem(hw, d.internFlagset(fsIndex, hf))
		}
	}
	return nil
}

// splitDicLine splits a .dic line into the word and its flags, dropping
// morphological fields (after a tab, or after a space before "xx:").
// "\/" is a slash inside the word; a slash at the start is part of it.
func splitDicLine(line string) (word, flags string) {
	end := len(line)
	if i := strings.IndexByte(line, '\t'); i >= 0 {
		end = i
	}
	for p := 3; p < end; p++ {
		if line[p] == ':' && (line[p-3] == ' ' || line[p-3] == '\t') {
			end = p - 3
			break
		}
	}
	line = strings.TrimRight(line[:end], " \t")
	slash := -1
	for i := 1; i < len(line); i++ {
		if line[i] == '/' && line[i-1] != '\\' {
			slash = i
			break
		}
	}
	if slash >= 0 {
		word, flags = line[:slash], line[slash+1:]
	} else {
		word = line
	}
	word = strings.ReplaceAll(word, "\\/", "/")
	return word, strings.TrimSpace(flags)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
