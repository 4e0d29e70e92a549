// Package ucd reads the data files of the Unicode Character Database, for
// the generators of cmkit's Unicode tables (internal/grapheme and
// internal/textnorm). Nothing reads it at run time.
package ucd

import (
	"bufio"
	"bytes"
	"fmt"
	"go/format"
	"os"
	"strconv"
	"strings"
)

// Read calls f with the trimmed ';'-separated fields of each data line of
// the UCD file at path (comments and blank lines skipped) and returns the
// Unicode version its first line names ("# GraphemeBreakProperty-15.0.0.txt"
// names "15.0.0"), or "" when it names none.
func Read(path string, f func(fields []string) error) (version string, err error) {
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			if i := strings.LastIndexByte(line, '-'); i >= 0 && strings.HasSuffix(line, ".txt") {
				version = strings.TrimSuffix(line[i+1:], ".txt")
			}
		}
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Split(line, ";")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if err := f(fields); err != nil {
			return "", fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return version, sc.Err()
}

// Range parses a code point ("00E9") or a range of them ("0041..005A").
func Range(s string) (lo, hi rune, err error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		b = a
	}
	l, err := CodePoint(a)
	if err != nil {
		return 0, 0, err
	}
	h, err := CodePoint(b)
	if err != nil {
		return 0, 0, err
	}
	if h < l {
		return 0, 0, fmt.Errorf("range %q ends before it starts", s)
	}
	return l, h, nil
}

// CodePoint parses a code point written in hexadecimal ("1F600").
func CodePoint(s string) (rune, error) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 16, 32)
	if err != nil || v > 0x10FFFF {
		return 0, fmt.Errorf("bad code point %q", s)
	}
	return rune(v), nil
}

// Integer is the element type of the generated tables.
type Integer interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64 | ~int
}

// TwoStage splits a table of len(values) entries (a multiple of blockLen)
// into blocks of blockLen entries, stored once each: values[i] is
// blocks[index[i/blockLen]][i%blockLen].
func TwoStage[T Integer](values []T, blockLen int) (index []int, blocks [][]T) {
	seen := map[string]int{}
	index = make([]int, len(values)/blockLen)
	for i := range index {
		blk := values[i*blockLen : (i+1)*blockLen]
		key := fmt.Sprint(blk)
		j, ok := seen[key]
		if !ok {
			j = len(blocks)
			seen[key] = j
			blocks = append(blocks, blk)
		}
		index[i] = j
	}
	return index, blocks
}

// WriteList writes values as the elements of a Go composite literal,
// perLine to a line.
func WriteList[T Integer](b *bytes.Buffer, values []T, perLine int) {
	for i, v := range values {
		if i%perLine == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "%d,", v)
	}
	b.WriteString("\n")
}

// WriteGo formats the Go source src and writes it to path.
func WriteGo(path string, src []byte) error {
	out, err := format.Source(src)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}
