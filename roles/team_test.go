package roles_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

const teamJSON = `{
  "permissions": [{"name": "acme.export", "description": "export reports"}],
  "roles": [
    {"name": "regional_lead", "inherits": ["country_senior"], "permissions": ["kpi.define", "acme.export"]},
    {"name": "country_senior", "inherits": ["senior_cm"]}
  ],
  "members": [
    {"id": "ana", "name": "Ana García", "languages": ["es", "en"]},
    {"id": "ola", "name": "Ola Nowak", "languages": ["pl"]},
    {"id": "boss", "name": "Sam"}
  ],
  "grants": [
    {"member": "boss", "role": "smm", "scope": {"brand": "acme"}},
    {"member": "ana", "role": "regional_lead", "scope": {"brand": "acme", "country": "ES"}},
    {"member": "ola", "role": "junior_cm", "scope": {"brand": "acme", "country": "PL"}},
    {"member": "ana", "permission": "post.publish", "deny": true, "scope": {"brand": "acme", "channel": "acme-es-tiktok"}}
  ]
}`

func TestParseTeamAndBootstrap(t *testing.T) {
	team, err := roles.ParseTeam([]byte(teamJSON), nil)
	require.NoError(t, err)
	assert.Len(t, team.Members, 3)
	assert.Len(t, team.Grants, 4)
	assert.True(t, team.Roles.Allows("regional_lead", roles.PublishPost), "inherited through a role defined later in the file")
	assert.True(t, team.Roles.Allows("regional_lead", "acme.export"))

	ctx := context.Background()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithRoles(team.Roles), roles.WithLogger(quiet))
	require.NoError(t, err)
	require.NoError(t, dir.Bootstrap(ctx, team))
	es := roles.Resource{Brand: "acme", Channel: "acme-es-x", Country: "ES"}
	for _, c := range []struct {
		member string
		p      roles.Permission
		res    roles.Resource
		want   bool
	}{
		{"ana", roles.PublishPost, es, true},
		{"ana", roles.PublishPost, roles.Resource{Brand: "acme", Channel: "acme-es-tiktok", Country: "ES"}, false},
		{"ana", "acme.export", es, true},
		{"ola", roles.PublishPost, roles.Resource{Brand: "acme", Country: "PL"}, false},
		{"ola", roles.ReplyMention, roles.Resource{Brand: "acme", Country: "PL"}, true},
		{"boss", roles.ManageGrants, roles.Resource{Brand: "acme"}, true},
	} {
		dec, err := dir.Authorize(ctx, c.member, c.p, c.res)
		require.NoError(t, err)
		assert.Equal(t, c.want, dec.Allowed, "%s %s %s", c.member, c.p, c.res)
	}
	m, err := dir.Member(ctx, "ana")
	require.NoError(t, err)
	assert.Equal(t, []string{"es", "en"}, m.Languages)
}

func TestParseTeamErrorsNameTheEntry(t *testing.T) {
	base := roles.NewRoleSet()
	before := len(base.Roles())
	tests := []struct {
		name, json  string
		field, rule string
	}{
		{"syntax", `{"roles": [}`, "json", "syntax"},
		{"empty", ``, "json", "syntax"},
		{"trailing data", `{} {}`, "json", "syntax"},
		{"unknown field", `{"rolez": []}`, "json", "schema"},
		{"wrong type", `{"members": [{"id": 7}]}`, "members.id", "type"},
		{"bad permission name", `{"permissions": [{"name": "Export!"}]}`, "permissions[0].name", "format"},
		{"permission twice", `{"permissions": [{"name": "post.draft"}]}`, "permissions[0].name", "unique"},
		{"unknown permission in role", `{"roles": [{"name": "r", "permissions": ["post.teleport"]}]}`, `roles[0] "r".permissions[0]`, "unknown"},
		{"unknown parent", `{"roles": [{"name": "r", "inherits": ["ghost"]}]}`, `roles[0] "r".inherits[0]`, "unknown"},
		{"cycle", `{"roles": [{"name": "a", "inherits": ["b"]}, {"name": "b", "inherits": ["c"]}, {"name": "c", "inherits": ["a"]}]}`, `roles[0] "a".inherits`, "cycle"},
		{"self cycle", `{"roles": [{"name": "a", "inherits": ["a"]}]}`, `roles[0] "a".inherits[0]`, "unknown"},
		{"role twice", `{"roles": [{"name": "a"}, {"name": "a"}]}`, "roles[1].name", "unique"},
		{"builtin role redefined", `{"roles": [{"name": "intern"}]}`, "roles[0].name", "unique"},
		{"member without id", `{"members": [{"name": "x"}]}`, "members[0].id", "required"},
		{"member twice", `{"members": [{"id": "x"}, {"id": "x"}]}`, "members[1].id", "unique"},
		{"grant to nobody", `{"grants": [{"member": "x", "role": "intern"}]}`, "grants[0].member", "unknown"},
		{"grant unknown role", `{"members": [{"id": "x"}], "grants": [{"member": "x", "role": "wizard"}]}`, "grants[0].role", "unknown"},
		{"grant bad pattern", `{"members": [{"id": "x"}], "grants": [{"member": "x", "role": "intern", "scope": {"country": "*S"}}]}`, "grants[0].scope.country", "pattern"},
		{"grant both", `{"members": [{"id": "x"}], "grants": [{"member": "x", "role": "intern", "permission": "post.draft"}]}`, "grants[0]", "role_or_permission"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			team, err := roles.ParseTeam([]byte(tc.json), base)
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			assert.Nil(t, team)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field, err.Error())
			assert.Equal(t, tc.rule, ve.Rule, err.Error())
			assert.Len(t, base.Roles(), before, "the base role set is unchanged")
		})
	}
}

func TestParseTeamCycleMessage(t *testing.T) {
	_, err := roles.ParseTeam([]byte(`{"roles": [{"name": "a", "inherits": ["b"]}, {"name": "b", "inherits": ["a"]}]}`), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a -> b -> a")
}

// FuzzParseTeam: whatever the input, ParseTeam returns a team or an error
// wrapping ErrInvalid that names a field, never panics, and never changes
// the base role set. A team it accepts bootstraps (when it has a manager).
func FuzzParseTeam(f *testing.F) {
	f.Add([]byte(teamJSON))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"roles": [{"name": "a", "inherits": ["b"]}, {"name": "b", "inherits": ["a"]}]}`))
	f.Add([]byte(`{"members": [{"id": "x"}], "grants": [{"member": "x", "role": "smm", "scope": {"brand": "a*"}}]}`))
	f.Add([]byte(`{"permissions": [{"name": "p.x"}], "roles": [{"name": "r", "permissions": ["p.x"]}]}`))
	f.Add([]byte(`{"members": [{"id": "x"}], "grants": [{"member": "x", "role": "smm"}], "grants": []}`))
	f.Add([]byte(`{"members": [{"id": "x"}], "grants": [{"member": "x", "role": "smm"}], "Grants": []}`))
	f.Add([]byte(`{"members": [{"id": "x", "ID": "y"}]}`))
	f.Add(append([]byte("\ufeff"), teamJSON...))
	base := roles.NewRoleSet()
	nBase := len(base.Roles())
	f.Fuzz(func(t *testing.T, data []byte) {
		team, err := roles.ParseTeam(data, base)
		if len(base.Roles()) != nBase {
			t.Fatal("ParseTeam changed the base role set")
		}
		if err != nil {
			var ve *cmkit.ValidationError
			if !errors.Is(err, cmkit.ErrInvalid) || !errors.As(err, &ve) || ve.Field == "" || ve.Rule == "" {
				t.Fatalf("error %v: want a *cmkit.ValidationError naming field and rule", err)
			}
			if team != nil {
				t.Fatal("a team and an error")
			}
			return
		}
		dir, err := roles.New(context.Background(), roles.NewMemoryStore(), roles.WithRoles(team.Roles), roles.WithLogger(quiet))
		if err != nil {
			t.Fatal(err)
		}
		err = dir.Bootstrap(context.Background(), team)
		if err != nil && !errors.Is(err, cmkit.ErrInvalid) && !errors.Is(err, cmkit.ErrConflict) {
			t.Fatalf("Bootstrap of a parsed team: %v", err)
		}
	})
}

// A repeated key, also one differing only in case (encoding/json matches
// keys regardless of case and keeps the last), would silently drop what came
// first, such as a deny grant: ParseTeam refuses it, naming path and line.
func TestParseTeamRejectsDuplicateKeys(t *testing.T) {
	const members = `"members": [{"id": "ana"}, {"id": "boss"}]`
	const denyGrant = `{"member": "ana", "permission": "post.publish", "deny": true, "scope": {"brand": "acme"}}`
	tests := []struct {
		name, json, field string
		line              string
	}{
		{"repeated grants", "{" + members + `,
		  "grants": [` + denyGrant + `],
		  "grants": [{"member": "boss", "role": "smm"}]}`, "grants", "line 3"},
		{"grants in another case", "{" + members + `, "grants": [` + denyGrant + `],
		  "GRANTS": [{"member": "boss", "role": "smm"}]}`, "GRANTS", "line 2"},
		{"nested", "{" + members + `, "grants": [{"member": "boss", "role": "smm"},
		  {"member": "ana", "permission": "post.publish", "deny": true, "Deny": false}]}`, "grants[1].Deny", "line 2"},
		{"in a scope", "{" + members + `, "grants": [{"member": "boss", "role": "smm", "scope": {"brand": "acme", "brand": "globex"}}]}`,
			"grants[0].scope.brand", "line 1"},
		{"escaped spelling", `{"members": [], "m\u0065mbers": []}`, "members", "line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			team, err := roles.ParseTeam([]byte(tc.json), nil)
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			assert.Nil(t, team)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field, err.Error())
			assert.Equal(t, "duplicate_key", ve.Rule, err.Error())
			assert.Contains(t, err.Error(), tc.line)
		})
	}
}

// Editors on Windows save a BOM: it is skipped, not a syntax error.
func TestParseTeamSkipsBOM(t *testing.T) {
	team, err := roles.ParseTeam(append([]byte("\ufeff"), teamJSON...), nil)
	require.NoError(t, err)
	assert.Len(t, team.Grants, 4)
	_, err = roles.ParseTeam([]byte("\ufeff\ufeff{}"), nil)
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "only one, leading")
}
