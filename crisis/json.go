package crisis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// maxPlanBytes bounds a plan's JSON text.
const maxPlanBytes = 4 << 20

// ParsePlan reads a plan written in JSON, in the shape of Plan's JSON tags
// (durations as text: "10m"), and validates it against rs (nil means
// roles.NewRoleSet(); see Plan.Validate). The JSON is read strictly: an
// unknown field, a key given twice in one object (also when only its case
// differs, since JSON field names match regardless of case), trailing data
// or more than 4 MiB is refused. Every error wraps cmkit.ErrInvalid and
// names the spot, such as "levels[2].escalation[0].role".
func ParsePlan(data []byte, rs *roles.RoleSet) (Plan, error) {
	var p Plan
	if err := decodeStrict(data, "plan", &p); err != nil {
		return Plan{}, err
	}
	if err := p.Validate(rs); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// ParseScenario reads a drill's scenario written in JSON, in the shape of
// Scenario's JSON tags (offsets as text: "30m", the start as RFC 3339), as
// strictly as ParsePlan does. It checks what it can without the plan and
// the detector: the rest (levels named, the start on a bucket boundary) is
// checked by Drill.Run. Every error wraps cmkit.ErrInvalid and names the
// spot, such as "scenario.surges[0].for".
func ParseScenario(data []byte) (Scenario, error) {
	var sc Scenario
	if err := decodeStrict(data, "scenario", &sc); err != nil {
		return Scenario{}, err
	}
	if err := sc.validate(nil, time.Nanosecond); err != nil {
		return Scenario{}, err
	}
	return sc, nil
}

// decodeStrict decodes the JSON object data into v, refusing unknown
// fields, keys given twice, trailing data and more than maxPlanBytes.
func decodeStrict(data []byte, what string, v any) error {
	if len(data) > maxPlanBytes {
		return cmkit.Invalid(what, "max_length", "%d bytes, at most %d", len(data), maxPlanBytes)
	}
	if err := checkKeys(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, what)
	}
	if _, err := dec.Token(); err != io.EOF {
		return cmkit.Invalid(what, "json", "data after the %s", what)
	}
	return nil
}

// decodeError turns an encoding/json error into a validation error.
// Fields are named from the plan's root, and with a "what." prefix for
// anything else (what names the document).
func decodeError(err error, what string) error {
	prefix := what + "."
	if what == "plan" {
		prefix = ""
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := prefix + te.Field
		if te.Field == "" {
			field = what
		}
		return cmkit.Invalid(field, "type", "got a JSON %s, want %s", te.Value, te.Type)
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return cmkit.Invalid(prefix+strings.Trim(name, `"`), "unknown", "no such field")
	}
	return cmkit.Invalid(what, "json", "%s", strings.TrimPrefix(msg, "json: "))
}

// foldKey returns k with each rune replaced by the smallest rune of its
// simple case folding orbit, so that foldKey(a) == foldKey(b) exactly when
// bytes.EqualFold, which encoding/json uses to match keys, holds.
func foldKey(k string) string {
	return strings.Map(func(r rune) rune {
		low := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			low = min(low, f)
		}
		return low
	}, k)
}

// checkKeys refuses a key repeated in one object, compared as encoding/json
// compares keys (case-insensitively), naming its path. Syntax errors are
// left for the decoder to report.
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		path  string
		seen  map[string]bool // nil in an array
		index int
		key   string
	}
	var stack []frame
	child := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := &stack[len(stack)-1]
		if f.seen == nil {
			return fmt.Sprintf("%s[%d]", f.path, f.index)
		}
		if f.path == "" {
			return f.key
		}
		return f.path + "." + f.key
	}
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
		} else if expectKey {
			f := &stack[len(stack)-1]
			k, _ := tok.(string)
			f.key = k
			if f.seen[foldKey(k)] {
				return cmkit.Invalid(child(), "duplicate", "key %q given twice", k)
			}
			f.seen[foldKey(k)] = true
			expectKey = false
			continue
		} else if ok && d == '{' {
			stack = append(stack, frame{path: child(), seen: map[string]bool{}})
			expectKey = true
			continue
		} else if ok && d == '[' {
			stack = append(stack, frame{path: child()})
			continue
		}
		// A value ended: move on in the enclosing container. The decoder
		// reports whatever follows the first value.
		if len(stack) == 0 {
			return nil
		}
		f := &stack[len(stack)-1]
		if f.seen == nil {
			f.index++
		}
		expectKey = f.seen != nil
	}
}
