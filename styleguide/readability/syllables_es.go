package readability

// Spanish letter classes for syllabification.
const (
	esCons   = iota
	esStrong // a, e, o, and the accented í, ú that break a diphthong
	esWeak   // i, u, ü
	esY      // y: a vowel at the end of a word or before a consonant
	esH      // h: silent, does not break a diphthong
)

// esSyllables counts the syllables of one part of a Spanish word by its
// vowel nuclei, following the orthographic rules of the RAE: two strong
// vowels (a, e, o) are in hiatus (le-er, po-e-ta); a weak vowel (i, u, ü)
// next to another vowel forms a diphthong or triphthong with it (cie-lo,
// ciu-dad, buey); an accented í or ú is strong and breaks the diphthong
// (dí-a, pa-ís, re-ú-ne); an h between vowels does not break a diphthong
// (prohi-bir, ahu-mar); y is a vowel at the end of a word or before a
// consonant (hoy, muy, Uruguay) and a consonant before a vowel (ma-yo).
func esSyllables(p string) int {
	var cls [maxPart]uint8
	n := 0
	for _, r := range p {
		if isApostrophe(r) {
			continue
		}
		if n == maxPart {
			return genericSyllables(p)
		}
		cls[n] = esClass(r)
		n++
	}
	if n == 0 {
		return 0
	}
	return esCount(cls[:n])
}

// esCount counts a part given the classes of its letters (esClass; not
// empty).
func esCount(c []uint8) int {
	n := len(c)
	vowel := func(i int) (ok, strong bool) {
		switch c[i] {
		case esStrong:
			return true, true
		case esWeak:
			return true, false
		case esY:
			next := i + 1
			return next == n || (c[next] != esStrong && c[next] != esWeak), false
		}
		return false, false
	}
	count := 0
	for i := 0; i < n; {
		if ok, _ := vowel(i); !ok {
			i++
			continue
		}
		strong := 0
		for i < n {
			if ok, s := vowel(i); ok {
				if s {
					strong++
				}
				i++
				continue
			}
			if c[i] == esH && i+1 < n {
				if ok, _ := vowel(i + 1); ok {
					i++
					continue
				}
			}
			break
		}
		if strong == 0 {
			strong = 1
		}
		count += strong
	}
	if count == 0 {
		count = 1
	}
	return count
}

func esClass(r rune) uint8 {
	switch r {
	case 'a', 'e', 'o', 'á', 'é', 'ó', 'í', 'ú', 'A', 'E', 'O', 'Á', 'É', 'Ó', 'Í', 'Ú',
		'à', 'è', 'ò', 'â', 'ê', 'ô', 'À', 'È', 'Ò':
		return esStrong
	case 'i', 'u', 'ü', 'ï', 'I', 'U', 'Ü', 'Ï':
		return esWeak
	case 'y', 'Y':
		return esY
	case 'h', 'H':
		return esH
	}
	return esCons
}
