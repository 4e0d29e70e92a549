package roles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// This file reads the JSON files people write by hand (ParseTeam,
// ParsePolicy) strictly: encoding/json keeps the last of two equal keys and
// matches keys regardless of case, so a repeated or differently-cased
// "grants" or "rules" would silently drop what came first (a deny grant,
// every approval rule). decodeStrict refuses that before decoding.

// utf8BOM is the byte order mark some editors put at the start of a file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeStrict decodes data, one JSON object describing what (“team”,
// “policy”), into v: a leading UTF-8 BOM is skipped; a key repeated in one
// object, compared as encoding/json compares them (case-insensitively),
// unknown fields and trailing data are refused. Every error is a
// *cmkit.ValidationError.
func decodeStrict(data []byte, v any, what string) error {
	data = bytes.TrimPrefix(data, utf8BOM)
	if err := checkDuplicateKeys(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return cmkit.Invalid("json", "syntax", "unexpected data after the %s object", what)
	}
	return nil
}

// jsonLevel is one open object or array while checking keys.
type jsonLevel struct {
	path   string
	object bool
	key    bool           // in an object: the next token is a key
	index  int            // in an array: the next element's index
	seen   map[string]int // in an object: folded key -> line first seen
	last   string         // in an object: the key whose value comes next
}

// child returns the path of the value that comes next at this level.
func (l *jsonLevel) child() string {
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

// checkDuplicateKeys walks the first JSON value of data and refuses an
// object that repeats a key. Syntax errors are left to the decoder, which
// reports them with their position.
func checkDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []*jsonLevel
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // not JSON: the decoder says where
		}
		var top *jsonLevel
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
			line, col := position(data, dec.InputOffset())
			folded := foldKey(k)
			top.last = k
			if first, dup := top.seen[folded]; dup {
				return cmkit.Invalid(top.child(), "duplicate_key", "line %d, column %d: key %q is given twice in one object (first on line %d; keys match regardless of case)",
					line, col, k, first)
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
			stack = append(stack, &jsonLevel{path: path, object: true, key: true, seen: map[string]int{}})
			continue
		case json.Delim('['):
			stack = append(stack, &jsonLevel{path: path})
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

// valueDone moves past a complete value at this level.
func (l *jsonLevel) valueDone() {
	if l.object {
		l.key = true
	} else {
		l.index++
	}
}

// foldKey returns a form of k equal for two keys exactly when
// strings.EqualFold reports them equal, as encoding/json matches field
// names: each rune becomes the smallest rune of its case-folding orbit.
func foldKey(k string) string {
	var b strings.Builder
	b.Grow(len(k))
	for _, r := range k {
		if r == utf8.RuneError {
			b.WriteRune(r)
			continue
		}
		low := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			low = min(low, f)
		}
		b.WriteRune(low)
	}
	return b.String()
}

// jsonError turns a decoding error into a validation error with a line and
// column.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := position(data, se.Offset)
		return cmkit.Invalid("json", "syntax", "line %d, column %d: %v", line, col, se)
	case errors.As(err, &te):
		line, col := position(data, te.Offset)
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

func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
