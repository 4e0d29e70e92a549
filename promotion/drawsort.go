package promotion

import "slices"

// sortKeys sorts keys bytewise, as slices.Sort does, with a most
// significant byte first radix sort. Entry keys share long prefixes
// ("instagram:"), which a comparison sort reads again on every one of its
// n·log n comparisons; the radix sort reads each byte a few times. A list
// already in canonical order is left as it is after one pass.
func sortKeys(keys []string) {
	if slices.IsSorted(keys) {
		return
	}
	radixSort(keys, make([]string, len(keys)), 0)
}

// radixCutoff is the size below which radixSort sorts by insertion.
const radixCutoff = 16

// radixSort sorts a, whose keys all share their first depth bytes, using
// buf (as long as a) for scratch.
func radixSort(a, buf []string, depth int) {
	if len(a) < radixCutoff {
		insertionSort(a, depth)
		return
	}
	var count [256]int // keys with byte b at depth
	var ended, lo, hi int
	for {
		ended = 0
		for _, s := range a {
			if len(s) <= depth {
				ended++
				continue
			}
			count[s[depth]]++
		}
		if ended == len(a) {
			return // all equal
		}
		lo = 0
		for count[lo] == 0 {
			lo++
		}
		hi = lo
		for seen := ended + count[lo]; seen < len(a); seen += count[hi] {
			hi++
		}
		if ended == 0 && lo == hi {
			count[lo] = 0
			depth++ // one byte for all: nothing to move
			continue
		}
		break
	}
	// The keys that end at depth come first, then byte lo, ..., byte hi.
	var next [256]int
	sum := ended
	for b := lo; b <= hi; b++ {
		next[b] = sum
		sum += count[b]
	}
	e := 0
	for _, s := range a {
		if len(s) <= depth {
			buf[e] = s
			e++
			continue
		}
		b := s[depth]
		buf[next[b]] = s
		next[b]++
	}
	copy(a, buf)
	start := ended
	for b := lo; b <= hi; b++ {
		end := start + count[b]
		switch {
		case end-start >= radixCutoff:
			radixSort(a[start:end], buf[start:end], depth+1)
		case end-start > 1:
			insertionSort(a[start:end], depth+1)
		}
		start = end
	}
}

// insertionSort sorts a, whose keys all share their first depth bytes.
func insertionSort(a []string, depth int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j][depth:] < a[j-1][depth:]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
