package crisis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/cmkit/cmkit"
)

// PlanRef identifies one revision of a plan. An incident stores the
// PlanRef of the plan it ran under when it opens, and keeps it for its
// whole life: a plan changed during an incident does not change which
// revision the incident's timeline and review refer to.
type PlanRef struct {
	// ID is the plan's ID.
	ID string `json:"id"`
	// Version is the plan's version number.
	Version int64 `json:"version"`
	// Hash is "sha256:" and the hex SHA-256 of the plan's JSON encoding,
	// so two revisions given the same version number are told apart.
	Hash string `json:"hash"`
}

// Ref returns the plan's PlanRef.
func (p *Plan) Ref() PlanRef {
	return PlanRef{ID: p.ID, Version: p.Version, Hash: p.Hash()}
}

// Hash returns "sha256:" and the hex SHA-256 of the plan's JSON encoding
// (json.Marshal, fields in declaration order). Equal plans have equal
// hashes; a plan read back from its own JSON keeps its hash.
func (p *Plan) Hash() string {
	b, err := json.Marshal(p)
	if err != nil { // a Plan holds nothing json.Marshal refuses but NaN
		b = []byte(err.Error())
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Compare orders two revisions of the same plan by version: -1 if r is
// older than o, 0 if they are the same revision, +1 if newer. Refs of
// different plans are not comparable (an error wrapping cmkit.ErrInvalid);
// two revisions with the same version and different hashes are an error
// wrapping cmkit.ErrConflict: someone changed the plan without raising its
// version.
func (r PlanRef) Compare(o PlanRef) (int, error) {
	switch {
	case r.ID != o.ID:
		return 0, cmkit.Invalid("id", "same_plan", "%q and %q are different plans", r.ID, o.ID)
	case r.Version < o.Version:
		return -1, nil
	case r.Version > o.Version:
		return 1, nil
	case r.Hash != o.Hash:
		return 0, fmt.Errorf("%w: plan %q has two different revisions numbered %d", cmkit.ErrConflict, r.ID, r.Version)
	}
	return 0, nil
}
