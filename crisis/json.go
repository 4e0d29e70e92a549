package crisis

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/strictjson"
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
	if d := strictjson.FindDuplicate(data); d != nil {
		return cmkit.Invalid(d.Path, "duplicate", "key %q given twice", d.Key)
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
