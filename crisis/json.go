package crisis

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

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
	if len(data) > maxPlanBytes {
		return Plan{}, cmkit.Invalid("plan", "max_length", "%d bytes, at most %d", len(data), maxPlanBytes)
	}
	if d := strictjson.FindDuplicate(data); d != nil {
		return Plan{}, cmkit.Invalid(d.Path, "duplicate", "key %q given twice", d.Key)
	}
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Plan{}, decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Plan{}, cmkit.Invalid("plan", "json", "data after the plan")
	}
	if err := p.Validate(rs); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// decodeError turns an encoding/json error into a validation error.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "plan"
		}
		return cmkit.Invalid(field, "type", "got a JSON %s, want %s", te.Value, te.Type)
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return cmkit.Invalid(strings.Trim(name, `"`), "unknown", "no such field")
	}
	return cmkit.Invalid("plan", "json", "%s", strings.TrimPrefix(msg, "json: "))
}
