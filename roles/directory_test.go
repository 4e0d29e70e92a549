package roles_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

func addMember(t *testing.T, f *fixture, by, id string) {
	t.Helper()
	_, err := f.dir.PutMember(as(by), roles.Member{ID: id, Name: id})
	require.NoError(t, err)
}

func countGrants(t *testing.T, s *roles.MemoryStore) int {
	t.Helper()
	n := 0
	for _, err := range s.Grants(context.Background()) {
		require.NoError(t, err)
		n++
	}
	return n
}

// Nobody hands out more than they hold.
func TestManagersCannotEscalate(t *testing.T) {
	f := newFixture(t,
		allow("root", roles.SocialMediaManager, roles.Scope{}),
		allow("smm-acme", roles.SocialMediaManager, acme),
		allow("smm-acme-es", roles.SocialMediaManager, roles.Scope{Brand: "acme", Country: "ES"}),
		allow("senior", roles.SeniorCM, acme),
		allow("lead", roles.SeniorCM, acme),
		allow("smm-denied", roles.SocialMediaManager, acme),
	)
	// "lead" may hand out grants, but holds only senior_cm's permissions.
	_, err := f.dir.Grant(as("root"), roles.Grant{Member: "lead", Permission: roles.ManageGrants, Scope: acme})
	require.NoError(t, err)
	// "smm-denied" is denied publishing on acme's TikTok.
	_, err = f.dir.Grant(as("root"), deny("smm-denied", roles.PublishPost, roles.Scope{Brand: "acme", Channel: "acme-tiktok"}))
	require.NoError(t, err)
	addMember(t, f, "root", "newbie")

	tests := []struct {
		name  string
		actor string
		grant roles.Grant
		ok    bool
	}{
		{"smm grants junior in own brand", "smm-acme", allow("newbie", roles.JuniorCM, acme), true},
		{"smm grants in a narrower scope", "smm-acme", allow("newbie", roles.SeniorCM, roles.Scope{Brand: "acme", Country: "PL"}), true},
		{"smm grants smm in own brand", "smm-acme", allow("newbie", roles.SocialMediaManager, acme), true},
		{"smm grants in another brand", "smm-acme", allow("newbie", roles.JuniorCM, roles.Scope{Brand: "globex"}), false},
		{"smm grants on every brand", "smm-acme", allow("newbie", roles.JuniorCM, roles.Scope{}), false},
		{"smm grants on a brand prefix wider than own", "smm-acme", allow("newbie", roles.JuniorCM, roles.Scope{Brand: "acme*"}), false},
		{"country smm grants brand-wide", "smm-acme-es", allow("newbie", roles.JuniorCM, acme), false},
		{"country smm grants own country", "smm-acme-es", allow("newbie", roles.JuniorCM, roles.Scope{Brand: "acme", Country: "ES"}), true},
		{"senior without team.grants", "senior", allow("newbie", roles.Intern, acme), false},
		{"lead grants junior", "lead", allow("newbie", roles.JuniorCM, acme), true},
		{"lead grants smm (more than held)", "lead", allow("newbie", roles.SocialMediaManager, acme), false},
		{"lead grants a single permission not held", "lead", roles.Grant{Member: "newbie", Permission: roles.DefineKPI, Scope: acme}, false},
		{"lead grants a single permission held", "lead", roles.Grant{Member: "newbie", Permission: roles.PublishPost, Scope: acme}, true},
		{"lead grants itself smm", "lead", allow("lead", roles.SocialMediaManager, acme), false},
		{"denied permission cannot be handed out where denied", "smm-denied", roles.Grant{Member: "newbie", Permission: roles.PublishPost, Scope: acme}, false},
		{"a role with a denied permission cannot be handed out where denied", "smm-denied", allow("newbie", roles.SeniorCM, roles.Scope{Brand: "acme", Country: "PL"}), false},
		{"denied permission can be handed out elsewhere", "smm-denied", roles.Grant{Member: "newbie", Permission: roles.PublishPost, Scope: roles.Scope{Brand: "acme", Channel: "acme-es-x"}}, true},
		{"deny needs the same power", "senior", deny("newbie", roles.PublishPost, acme), false},
		{"no actor", "", allow("newbie", roles.Intern, acme), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := countGrants(t, f.store)
			ctx := as(tc.actor)
			if tc.actor == "" {
				ctx = context.Background()
			}
			g, err := f.dir.Grant(ctx, tc.grant)
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, before+1, countGrants(t, f.store))
				assert.Equal(t, tc.actor, g.GrantedBy)
				assert.Equal(t, t0, g.CreatedAt)
				require.NoError(t, f.dir.Revoke(as(tc.actor), g.ID), "who can grant can revoke")
				assert.Equal(t, before, countGrants(t, f.store))
				return
			}
			require.ErrorIs(t, err, cmkit.ErrForbidden)
			assert.Equal(t, before, countGrants(t, f.store), "nothing written")
		})
	}
	// Revoking is guarded like granting: a country SMM cannot revoke the brand SMM.
	brandGrant := f.dir.GrantsOf("smm-acme")[0]
	assert.ErrorIs(t, f.dir.Revoke(as("smm-acme-es"), brandGrant.ID), cmkit.ErrForbidden)
	assert.ErrorIs(t, f.dir.Revoke(as("root"), uuid.New()), cmkit.ErrNotFound)
}

func TestLastManagerCannotBeRemoved(t *testing.T) {
	f := newFixture(t,
		allow("ana", roles.SocialMediaManager, acme),
		allow("root", roles.SocialMediaManager, roles.Scope{Brand: "globex"}),
	)
	ana := f.dir.GrantsOf("ana")[0]
	// Ana is acme's only manager: she cannot revoke herself, nor be denied.
	err := f.dir.Revoke(as("ana"), ana.ID)
	require.ErrorIs(t, err, cmkit.ErrConflict)
	assert.Contains(t, err.Error(), "brand acme")
	_, err = f.dir.Grant(as("ana"), deny("ana", roles.ManageGrants, acme))
	require.ErrorIs(t, err, cmkit.ErrConflict)
	m, err := f.dir.Member(context.Background(), "ana")
	require.NoError(t, err)
	require.ErrorIs(t, f.dir.RemoveMember(as("ana"), "ana", m.Version), cmkit.ErrConflict)
	assert.Len(t, f.dir.GrantsOf("ana"), 1, "nothing changed")

	// With a second manager, the first may go.
	addMember(t, f, "ana", "bea")
	_, err = f.dir.Grant(as("ana"), allow("bea", roles.SocialMediaManager, acme))
	require.NoError(t, err)
	require.NoError(t, f.dir.Revoke(as("ana"), ana.ID))
	assert.Empty(t, f.dir.GrantsOf("ana"))
	// A narrower manager does not count as the brand's manager.
	addMember(t, f, "bea", "cai")
	_, err = f.dir.Grant(as("bea"), allow("cai", roles.SocialMediaManager, roles.Scope{Brand: "acme", Country: "ES"}))
	require.NoError(t, err)
	bea := f.dir.GrantsOf("bea")[0]
	assert.ErrorIs(t, f.dir.Revoke(as("bea"), bea.ID), cmkit.ErrConflict)
}

func TestGlobalManagerCoversEveryBrand(t *testing.T) {
	f := newFixture(t,
		allow("root", roles.SocialMediaManager, roles.Scope{}),
		allow("ana", roles.SocialMediaManager, acme),
	)
	require.NoError(t, f.dir.Revoke(as("root"), f.dir.GrantsOf("ana")[0].ID), "root still manages acme")
	assert.ErrorIs(t, f.dir.Revoke(as("root"), f.dir.GrantsOf("root")[0].ID), cmkit.ErrConflict,
		"the last global manager stays")
}

func TestRemoveMemberIsAtomic(t *testing.T) {
	f := newFixture(t,
		allow("root", roles.SocialMediaManager, roles.Scope{}),
		allow("acme-smm", roles.SocialMediaManager, acme),
		allow("jo", roles.JuniorCM, acme),
		allow("jo", roles.JuniorCM, roles.Scope{Brand: "globex"}),
	)
	jo, err := f.dir.Member(context.Background(), "jo")
	require.NoError(t, err)
	// acme's SMM may not revoke jo's globex grant, so jo stays whole.
	err = f.dir.RemoveMember(as("acme-smm"), "jo", jo.Version)
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	assert.Len(t, f.dir.GrantsOf("jo"), 2)
	_, err = f.dir.Member(context.Background(), "jo")
	require.NoError(t, err)
	// A stale version changes nothing either.
	require.ErrorIs(t, f.dir.RemoveMember(as("root"), "jo", jo.Version+7), cmkit.ErrConflict)
	assert.Len(t, f.dir.GrantsOf("jo"), 2)
	require.NoError(t, f.dir.RemoveMember(as("root"), "jo", jo.Version))
	assert.Empty(t, f.dir.GrantsOf("jo"))
	_, err = f.dir.Member(context.Background(), "jo")
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
	assert.Equal(t, 2, countGrants(t, f.store))
}

func TestPutMember(t *testing.T) {
	f := newFixture(t, allow("root", roles.SocialMediaManager, roles.Scope{}), allow("jo", roles.JuniorCM, acme))
	m, err := f.dir.PutMember(as("root"), roles.Member{ID: "ola", Name: "Ola", Languages: []string{"pl"}})
	require.NoError(t, err)
	assert.EqualValues(t, 1, m.Version)
	assert.Equal(t, t0, m.CreatedAt)
	f.clock.Advance(time.Hour)
	m.Name = "Ola Nowak"
	m2, err := f.dir.PutMember(as("root"), m)
	require.NoError(t, err)
	assert.EqualValues(t, 2, m2.Version)
	assert.Equal(t, t0.Add(time.Hour), m2.UpdatedAt)
	_, err = f.dir.PutMember(as("root"), m) // version 1 again: stale
	assert.ErrorIs(t, err, cmkit.ErrConflict)
	_, err = f.dir.PutMember(as("jo"), roles.Member{ID: "x"})
	assert.ErrorIs(t, err, cmkit.ErrForbidden)
	_, err = f.dir.PutMember(as("root"), roles.Member{})
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = f.dir.Grant(as("root"), allow("ghost", roles.Intern, acme))
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "grant.member", ve.Field)
}

func TestGrantValidation(t *testing.T) {
	f := newFixture(t, allow("root", roles.SocialMediaManager, roles.Scope{}))
	tests := []struct {
		grant       roles.Grant
		field, rule string
	}{
		{roles.Grant{Role: roles.Intern}, "grant.member", "required"},
		{roles.Grant{Member: "root"}, "grant", "role_or_permission"},
		{roles.Grant{Member: "root", Role: roles.Intern, Permission: roles.DraftPost}, "grant", "role_or_permission"},
		{roles.Grant{Member: "root", Role: "wizard"}, "grant.role", "unknown"},
		{roles.Grant{Member: "root", Permission: "post.teleport"}, "grant.permission", "unknown"},
		{roles.Grant{Member: "root", Role: roles.Intern, Scope: roles.Scope{Brand: "a*b"}}, "grant.scope.brand", "pattern"},
		{roles.Grant{Member: "root", Role: roles.Intern, ExpiresAt: t0.Add(-time.Hour)}, "grant.expires_at", "after_created"},
	}
	for _, tc := range tests {
		_, err := f.dir.Grant(as("root"), tc.grant)
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve, "%+v", tc.grant)
		assert.Equal(t, tc.field, ve.Field)
		assert.Equal(t, tc.rule, ve.Rule)
	}
	assert.Equal(t, 1, countGrants(t, f.store))
}

func TestGrantsExpireOnTheClock(t *testing.T) {
	f := newFixture(t, allow("root", roles.SocialMediaManager, roles.Scope{}), allow("cover", roles.Intern, acme))
	g := allow("cover", roles.SeniorCM, acme)
	g.ExpiresAt = t0.Add(7 * 24 * time.Hour)
	_, err := f.dir.Grant(as("root"), g)
	require.NoError(t, err)
	res := roles.Resource{Brand: "acme"}
	dec, _ := f.dir.Authorize(context.Background(), "cover", roles.PublishPost, res)
	assert.True(t, dec.Allowed, "holiday cover")
	f.clock.Advance(7 * 24 * time.Hour)
	dec, _ = f.dir.Authorize(context.Background(), "cover", roles.PublishPost, res)
	assert.False(t, dec.Allowed, "expired")
	assert.Contains(t, dec.Reason(), "(expired)")
	dec, _ = f.dir.Authorize(context.Background(), "cover", roles.DraftPost, res)
	assert.True(t, dec.Allowed, "the intern grant stays")
	f.clock.Set(t0) // the clock went back: the grant applies again
	dec, _ = f.dir.Authorize(context.Background(), "cover", roles.PublishPost, res)
	assert.True(t, dec.Allowed)
}

func TestDecisionsExplainThemselves(t *testing.T) {
	f := newFixture(t,
		allow("root", roles.SocialMediaManager, roles.Scope{}),
		allow("jo", roles.JuniorCM, acme),
		allow("jo", roles.SeniorCM, roles.Scope{Brand: "globex"}),
	)
	_, err := f.dir.Grant(as("root"), deny("jo", roles.ReplyMention, roles.Scope{Brand: "acme", Channel: "acme-x"}))
	require.NoError(t, err)
	ctx := context.Background()
	res := roles.Resource{Brand: "acme", Channel: "acme-x", Country: "ES"}

	dec, _ := f.dir.Authorize(ctx, "jo", roles.DraftPost, res)
	assert.True(t, dec.Allowed)
	assert.Contains(t, dec.Reason(), "allow role junior_cm to jo on brand=acme")

	dec, _ = f.dir.Authorize(ctx, "jo", roles.ReplyMention, res)
	assert.False(t, dec.Allowed)
	assert.Contains(t, dec.Reason(), "deny permission inbox.reply to jo on brand=acme channel=acme-x")

	dec, _ = f.dir.Authorize(ctx, "jo", roles.PublishPost, res)
	assert.False(t, dec.Allowed)
	assert.Nil(t, dec.By)
	reason := dec.Reason()
	assert.Contains(t, reason, "jo may not post.publish on brand=acme channel=acme-x country=ES: no grant gives it")
	assert.Contains(t, reason, "role junior_cm on brand=acme (without post.publish)")
	assert.Contains(t, reason, "role senior_cm on brand=globex (elsewhere)")

	err = dec.Err()
	assert.ErrorIs(t, err, cmkit.ErrForbidden)
	var fe *roles.ForbiddenError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, roles.PublishPost, fe.Decision.Permission)

	dec, _ = f.dir.Authorize(ctx, "stranger", roles.ReadCalendar, res)
	assert.Contains(t, dec.Reason(), "they hold no grants")
}

func TestCheckReadsTheActorAndAudits(t *testing.T) {
	f := newFixture(t, allow("root", roles.SocialMediaManager, roles.Scope{}), allow("jo", roles.JuniorCM, acme))
	res := roles.Resource{Brand: "acme", Channel: "acme-x"}
	require.NoError(t, f.dir.Check(as("jo"), roles.DraftPost, res))
	err := f.dir.Check(as("jo"), roles.PublishPost, res)
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	assert.ErrorIs(t, f.dir.Check(context.Background(), roles.DraftPost, res), cmkit.ErrForbidden, "no actor")

	var checks []roles.Record
	for r, err := range f.dir.AuditLog().Records(context.Background(), roles.AuditFilter{Action: "check", Actor: "jo"}) {
		require.NoError(t, err)
		checks = append(checks, r)
	}
	require.Len(t, checks, 2)
	assert.True(t, checks[0].Allowed)
	assert.False(t, checks[1].Allowed)
	assert.Equal(t, roles.PublishPost, checks[1].Permission)
	assert.Contains(t, checks[1].Reason, "no grant gives it")
	_, err = f.dir.AuditLog().Verify(context.Background())
	assert.NoError(t, err)
}

func TestHoldersAndRolesOf(t *testing.T) {
	f := newFixture(t,
		allow("root", roles.SocialMediaManager, roles.Scope{}),
		allow("bea", roles.SeniorCM, acme),
		allow("cai", roles.SeniorCM, roles.Scope{Brand: "globex"}),
		allow("jo", roles.JuniorCM, acme),
		allow("jo", roles.Designer, acme),
	)
	var who []string
	for m := range f.dir.Holders(context.Background(), roles.PublishPost, roles.Resource{Brand: "acme"}) {
		who = append(who, m)
	}
	assert.Equal(t, []string{"bea", "root"}, who)
	assert.Equal(t, []string{roles.Designer, roles.JuniorCM}, f.dir.RolesOf("jo", roles.Resource{Brand: "acme"}))
	assert.Empty(t, f.dir.RolesOf("jo", roles.Resource{Brand: "globex"}))
}

func TestBootstrapOnlyOnce(t *testing.T) {
	f := newFixture(t, allow("root", roles.SocialMediaManager, roles.Scope{}))
	err := f.dir.Bootstrap(context.Background(), &roles.Team{Members: []roles.Member{{ID: "x"}},
		Grants: []roles.Grant{allow("x", roles.SocialMediaManager, roles.Scope{})}})
	assert.ErrorIs(t, err, cmkit.ErrConflict)

	dir, err := roles.New(context.Background(), roles.NewMemoryStore())
	require.NoError(t, err)
	err = dir.Bootstrap(context.Background(), &roles.Team{Members: []roles.Member{{ID: "x"}},
		Grants: []roles.Grant{allow("x", roles.JuniorCM, acme)}})
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "needs_manager", ve.Rule)
}

func TestNewRefusesGrantsItCannotUnderstand(t *testing.T) {
	f := newFixture(t, allow("root", roles.SocialMediaManager, roles.Scope{}))
	rs := roles.NewRoleSet()
	require.NoError(t, rs.DefineRole(roles.Role{Name: "regional_lead", Inherits: []string{roles.SeniorCM}}))
	dir, err := roles.New(context.Background(), f.store, roles.WithRoles(rs), roles.WithLogger(quiet))
	require.NoError(t, err)
	_, err = dir.Grant(as("root"), allow("root", "regional_lead", acme))
	require.NoError(t, err)
	// A process without the custom role must not start and ignore the grant.
	_, err = roles.New(context.Background(), f.store)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = roles.New(context.Background(), nil)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = roles.New(context.Background(), f.store, roles.WithClock(nil))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

func TestReloadSeesOtherProcesses(t *testing.T) {
	f := newFixture(t, allow("root", roles.SocialMediaManager, roles.Scope{}))
	other, err := roles.New(context.Background(), f.store)
	require.NoError(t, err)
	addMember(t, f, "root", "jo")
	_, err = f.dir.Grant(as("root"), allow("jo", roles.JuniorCM, acme))
	require.NoError(t, err)
	dec, _ := other.Authorize(context.Background(), "jo", roles.DraftPost, roles.Resource{Brand: "acme"})
	assert.False(t, dec.Allowed, "not yet reloaded")
	require.NoError(t, other.Reload(context.Background()))
	dec, _ = other.Authorize(context.Background(), "jo", roles.DraftPost, roles.Resource{Brand: "acme"})
	assert.True(t, dec.Allowed)
}

func TestConcurrentChecksAndChanges(t *testing.T) {
	f := newFixture(t, allow("root", roles.SocialMediaManager, roles.Scope{}))
	addMember(t, f, "root", "jo")
	done := make(chan error)
	for range 4 {
		go func() {
			var err error
			for range 500 {
				if _, e := f.dir.Authorize(context.Background(), "jo", roles.DraftPost, roles.Resource{Brand: "acme"}); e != nil {
					err = e
				}
			}
			done <- err
		}()
	}
	for range 20 {
		g, err := f.dir.Grant(as("root"), allow("jo", roles.JuniorCM, acme))
		require.NoError(t, err)
		require.NoError(t, f.dir.Revoke(as("root"), g.ID))
	}
	for range 4 {
		require.NoError(t, <-done)
	}
}

func TestActorContext(t *testing.T) {
	_, ok := roles.ActorFrom(context.Background())
	assert.False(t, ok)
	_, ok = roles.ActorFrom(roles.WithActor(context.Background(), ""))
	assert.False(t, ok, "an empty actor is no actor")
	a, ok := roles.ActorFrom(roles.WithActor(context.Background(), "ana"))
	assert.True(t, ok)
	assert.Equal(t, "ana", a)
}

var _ = errors.Is

// A team whose only manager grant expires could not be changed once it
// does: Bootstrap refuses it, naming the grant's expires_at. Other grants
// keep their expiry.
func TestBootstrapNeedsAManagerGrantThatNeverExpires(t *testing.T) {
	ctx := context.Background()
	later := t0.Add(24 * time.Hour)
	clock := cmkittest.NewClock(t0)
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	require.NoError(t, err)
	members := []roles.Member{{ID: "boss"}, {ID: "cover"}}
	err = dir.Bootstrap(ctx, &roles.Team{Members: members, Grants: []roles.Grant{
		allow("cover", roles.JuniorCM, acme),
		{Member: "boss", Role: roles.SocialMediaManager, Scope: acme, ExpiresAt: later},
	}})
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "grants[1].expires_at", ve.Field)
	assert.Equal(t, "needs_manager", ve.Rule)
	assert.Empty(t, dir.GrantsOf("cover"), "nothing was written")

	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{Members: members, Grants: []roles.Grant{
		allow("boss", roles.SocialMediaManager, acme),
		{Member: "cover", Role: roles.SocialMediaManager, Scope: acme, ExpiresAt: later},
	}}))
	assert.Equal(t, later, dir.GrantsOf("cover")[0].ExpiresAt)
	clock.Advance(24 * time.Hour)
	dec, err := dir.Authorize(ctx, "cover", roles.ManageGrants, roles.Resource{Brand: "acme"})
	require.NoError(t, err)
	assert.False(t, dec.Allowed, "the cover grant expired")
}
