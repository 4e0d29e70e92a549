// Package strictjson reads the JSON documents people write by hand (teams,
// approval policies, crisis plans, promotions) strictly. encoding/json
// keeps the last of two equal keys and matches keys regardless of case, so
// a repeated or differently-cased "grants" or "levels" would silently drop
// what came first; this package finds such a key, with its path and line,
// before the document is decoded, and Decode also refuses unknown fields
// and trailing data.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// utf8BOM is the byte order mark some editors put at the start of a file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Decode decodes data, one JSON value describing what ("team", "policy"),
// into v: a leading UTF-8 BOM is skipped; a key repeated in one object,
// compared as encoding/json compares them (case-insensitively), unknown
// fields and trailing data are refused. Every error is a
// *cmkit.ValidationError; a repeated key has the rule "duplicate_key" and
// the key's path as its field.
func Decode(data []byte, v any, what string) error {
	data = bytes.TrimPrefix(data, utf8BOM)
	if d := FindDuplicate(data); d != nil {
		return cmkit.Invalid(d.Path, "duplicate_key", "line %d, column %d: key %q is given twice in one object (first on line %d; keys match regardless of case)",
			d.Line, d.Column, d.Key, d.FirstLine)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return cmkit.Invalid("json", "syntax", "unexpected data after the %s", what)
	}
	return nil
}

// Duplicate is a key given twice in one JSON object.
type Duplicate struct {
	// Path names the second occurrence's value: "levels[1].entry.Manual",
	// or json["a key"] for a key that is not a run of ASCII letters,
	// digits and '_'.
	Path string
	// Key is the key as written the second time.
	Key string
	// Line and Column locate the second occurrence (1-based).
	Line, Column int
	// FirstLine is the line of the first occurrence.
	FirstLine int
}

// level is one open object or array while checking keys.
type level struct {
	path   string
	object bool
	key    bool           // in an object: the next token is a key
	index  int            // in an array: the next element's index
	seen   map[string]int // in an object: folded key -> line first seen
	last   string         // in an object: the key whose value comes next
}

// child returns the path of the value that comes next at this level.
func (l *level) child() string {
	if l.object {
		switch {
		case !plainKey(l.last):
			path := l.path
			if path == "" {
				path = "json"
			}
			return fmt.Sprintf("%s[%q]", path, l.last)
		case l.path == "":
			return l.last
		}
		return l.path + "." + l.last
	}
	return fmt.Sprintf("%s[%d]", l.path, l.index)
}

// valueDone moves past a complete value at this level.
func (l *level) valueDone() {
	if l.object {
		l.key = true
	} else {
		l.index++
	}
}

// plainKey reports whether k can stand in a path as it is: a non-empty run
// of ASCII letters, digits and '_'.
func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// FindDuplicate walks the first JSON value of data and returns the first
// key repeated in one object, compared as encoding/json compares keys
// (case-insensitively, by simple case folding), or nil when there is none.
// Syntax errors are left to the decoder, which reports them with their
// position: FindDuplicate returns nil at the first one.
func FindDuplicate(data []byte) *Duplicate {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // not JSON: the decoder says where
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					return nil
				}
				stack[len(stack)-1].valueDone()
				continue
			}
			k, _ := tok.(string)
			line, col := Position(data, dec.InputOffset())
			folded := FoldKey(k)
			top.last = k
			if first, dup := top.seen[folded]; dup {
				return &Duplicate{Path: top.child(), Key: k, Line: line, Column: col, FirstLine: first}
			}
			top.seen[folded] = line
			top.key = false
			continue
		}
		path := ""
		if top != nil {
			path = top.child()
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &level{path: path, object: true, key: true, seen: map[string]int{}})
			continue
		case json.Delim('['):
			stack = append(stack, &level{path: path})
			continue
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			return nil
		}
		stack[len(stack)-1].valueDone()
	}
}

// FoldKey returns a form of k equal for two keys exactly when
// strings.EqualFold reports them equal, as encoding/json matches field
// names: each rune becomes the smallest rune of its case-folding orbit.
func FoldKey(k string) string {
	var b []byte
	for _, r := range k {
		if r != utf8.RuneError {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				r = min(r, f)
			}
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// decodeError turns a decoding error into a validation error with a line
// and column.
func decodeError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := Position(data, se.Offset)
		return cmkit.Invalid("json", "syntax", "line %d, column %d: %v", line, col, se)
	case errors.As(err, &te):
		line, col := Position(data, te.Offset)
		field := te.Field
		if field == "" {
			field = "json"
		}
		return cmkit.Invalid(field, "type", "line %d, column %d: want %s, got %s", line, col, te.Type, te.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return cmkit.Invalid("json", "syntax", "the file is empty or cut short")
	}
	// Unknown fields, and errors from fields' own UnmarshalText.
	var ve *cmkit.ValidationError
	if errors.As(err, &ve) {
		return err
	}
	return cmkit.Invalid("json", "schema", "%v", err)
}

// Position returns the 1-based line and column of a byte offset in data
// (an offset past the end counts as the end).
func Position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
