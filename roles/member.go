package roles

import (
	"slices"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// Member is a person on the team. What a member may do comes from their
// grants, not from the member record.
type Member struct {
	// ID is the product's stable identifier for the person (an SSO
	// subject, an employee number, an email address): 1 to 256 bytes of
	// valid UTF-8, since it is written to the audit log.
	ID string `json:"id"`
	// Name is how the team knows them.
	Name string `json:"name,omitempty"`
	// Email is where notifications (approval requests) go.
	Email string `json:"email,omitempty"`
	// Languages lists the BCP 47 tags they work in.
	Languages []string `json:"languages,omitempty"`
	// Version counts the member's writes, for optimistic concurrency: a
	// write must carry the version it read (0 to create).
	Version int64 `json:"version"`
	// CreatedAt and UpdatedAt are set by the Directory.
	CreatedAt time.Time `json:"created_at,omitzero"`
	// UpdatedAt is when the record last changed.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

func (m Member) clone() Member {
	m.Languages = slices.Clone(m.Languages)
	return m
}

func (m Member) validate(field string) error {
	if m.ID == "" {
		return cmkit.Invalid(field+".id", "required", "")
	}
	if len(m.ID) > 256 {
		return cmkit.Invalid(field+".id", "max_length", "longer than 256 bytes")
	}
	if !utf8.ValidString(m.ID) {
		return cmkit.Invalid(field+".id", "utf8", "%q is not valid UTF-8", m.ID)
	}
	if m.Version < 0 {
		return cmkit.Invalid(field+".version", "non_negative", "got %d", m.Version)
	}
	return nil
}
