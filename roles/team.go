package roles

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cmkit/cmkit"
)

// Team is a team as written by hand in a JSON file: the product's own
// permissions and roles, the members, and their grants. ParseTeam reads and
// validates one; Directory.Bootstrap loads it.
type Team struct {
	// Roles is the built-in catalogue plus the file's permissions and roles.
	Roles *RoleSet
	// Members are the file's members.
	Members []Member
	// Grants are the file's grants.
	Grants []Grant
}

// teamFile is the JSON form of a Team.
type teamFile struct {
	Permissions []PermissionInfo `json:"permissions"`
	Roles       []Role           `json:"roles"`
	Members     []Member         `json:"members"`
	Grants      []Grant          `json:"grants"`
}

// ParseTeam reads a team file:
//
//	{
//	  "permissions": [{"name": "acme.export", "description": "export reports"}],
//	  "roles": [{"name": "regional_lead", "inherits": ["senior_cm"], "permissions": ["kpi.define"]}],
//	  "members": [{"id": "ana", "name": "Ana García", "languages": ["es", "en"]}],
//	  "grants": [
//	    {"member": "ana", "role": "regional_lead", "scope": {"brand": "acme", "country": "ES"}},
//	    {"member": "ana", "permission": "post.publish", "deny": true, "scope": {"brand": "acme", "channel": "acme-es-tiktok"}}
//	  ]
//	}
//
// Roles may inherit built-in roles and each other, in any order. The
// permissions and roles are added to a copy of base (nil means
// NewRoleSet()). Any problem (bad JSON, an unknown field, a malformed name,
// an unknown permission, role or member, an inheritance cycle, a repeated
// ID, a key given twice in one object, also in another case) is a
// *cmkit.ValidationError whose Field names the entry, such as
// `roles[2] "regional_lead".inherits[0]`; then nothing is returned and base
// is unchanged. A leading UTF-8 BOM is skipped.
func ParseTeam(data []byte, base *RoleSet) (*Team, error) {
	var f teamFile
	if err := decodeStrict(data, &f, "team"); err != nil {
		return nil, err
	}
	if base == nil {
		base = NewRoleSet()
	}
	rs := base.Clone()
	for i, p := range f.Permissions {
		if err := rs.DefinePermission(p); err != nil {
			return nil, entryError(fmt.Sprintf("permissions[%d]", i), err)
		}
	}
	if err := defineRoles(rs, f.Roles); err != nil {
		return nil, err
	}
	seen := map[string]int{}
	for i, m := range f.Members {
		field := fmt.Sprintf("members[%d]", i)
		if err := m.validate(field); err != nil {
			return nil, err
		}
		if j, dup := seen[m.ID]; dup {
			return nil, cmkit.Invalid(field+".id", "unique", "%q is also members[%d]", m.ID, j)
		}
		seen[m.ID] = i
		f.Members[i] = m.clone()
	}
	grantIDs := map[string]int{}
	for i := range f.Grants {
		g := &f.Grants[i]
		field := fmt.Sprintf("grants[%d]", i)
		if err := g.validate(field, rs); err != nil {
			return nil, err
		}
		if _, ok := seen[g.Member]; !ok {
			return nil, cmkit.Invalid(field+".member", "unknown", "no member %q in the file", g.Member)
		}
		if g.ID.String() != "00000000-0000-0000-0000-000000000000" {
			if j, dup := grantIDs[g.ID.String()]; dup {
				return nil, cmkit.Invalid(field+".id", "unique", "%s is also grants[%d]", g.ID, j)
			}
			grantIDs[g.ID.String()] = i
		}
	}
	return &Team{Roles: rs, Members: f.Members, Grants: f.Grants}, nil
}

// defineRoles defines roles in dependency order, whatever order the file
// lists them in, and names the entry that closes a cycle or inherits an
// unknown role.
func defineRoles(rs *RoleSet, roles []Role) error {
	inFile := map[string]int{}
	for i, r := range roles {
		if j, dup := inFile[r.Name]; dup && r.Name != "" {
			return cmkit.Invalid(fmt.Sprintf("roles[%d].name", i), "unique", "%q is also roles[%d]", r.Name, j)
		}
		inFile[r.Name] = i
	}
	done := make([]bool, len(roles))
	for left := len(roles); left > 0; {
		progress := false
		for i, r := range roles {
			if done[i] {
				continue
			}
			ready := true
			for _, p := range r.Inherits {
				if j, ok := inFile[p]; ok && !done[j] && p != r.Name {
					ready = false
				}
			}
			if !ready {
				continue
			}
			if err := rs.DefineRole(r); err != nil {
				return entryError(fmt.Sprintf("roles[%d]", i), err)
			}
			done[i], progress = true, true
			left--
		}
		if !progress {
			for i, r := range roles {
				if !done[i] {
					return cmkit.Invalid(fmt.Sprintf("roles[%d] %q.inherits", i, r.Name), "cycle",
						"inheritance cycle: %s", cycleFrom(roles, inFile, i))
				}
			}
		}
	}
	return nil
}

// cycleFrom describes the inheritance cycle reachable from roles[i].
func cycleFrom(roles []Role, inFile map[string]int, i int) string {
	var path []string
	at := map[string]int{}
	for name := roles[i].Name; ; {
		if k, ok := at[name]; ok {
			return strings.Join(append(path[k:], name), " -> ")
		}
		at[name] = len(path)
		path = append(path, name)
		next := ""
		for _, p := range roles[inFile[name]].Inherits {
			if _, ok := inFile[p]; ok {
				next = p
				break
			}
		}
		if next == "" {
			return strings.Join(path, " -> ")
		}
		name = next
	}
}

// entryError prefixes a validation error's field with the file entry, and
// turns a conflict (a name defined twice) into a validation error.
func entryError(entry string, err error) error {
	var ve *cmkit.ValidationError
	if errors.As(err, &ve) {
		field := entry + ".name" // "role.name", "permission": the entry's own name
		if rest, ok := strings.CutPrefix(ve.Field, "role "); ok {
			field = entry + " " + rest // `role "x".inherits[0]` -> `roles[2] "x".inherits[0]`
		}
		return cmkit.Invalid(field, ve.Rule, "%s", ve.Detail)
	}
	if errors.Is(err, cmkit.ErrConflict) {
		return cmkit.Invalid(entry+".name", "unique", "%v", err)
	}
	return err
}
