package crisis_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/crisis"
	"github.com/cmkit/cmkit/roles"
)

// testPlan returns a valid plan using every feature.
func testPlan() crisis.Plan {
	return crisis.Plan{ID: "acme-crisis", Brand: "acme", Version: 2, Levels: []crisis.Level{
		{Name: "watch", Entry: crisis.Criteria{MinVolumeRatio: 2},
			Responders: []crisis.Responder{{Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}}},
			AckWithin:  crisis.Delay(30 * time.Minute),
			Approvals:  []roles.Step{{Name: "smm", Roles: []string{roles.SocialMediaManager}}}},
		{Name: "major", Description: "a storm", Entry: crisis.Criteria{MinVolumeRatio: 4, MinNegativeShare: 0.3, All: true},
			Responders: []crisis.Responder{{Role: roles.SocialMediaManager}, {Member: "ana"}},
			AckWithin:  crisis.Delay(10 * time.Minute),
			Escalation: []crisis.EscalationStep{
				{Responder: crisis.Responder{Role: roles.SeniorCM}, After: crisis.Delay(10 * time.Minute), Repeat: crisis.Delay(15 * time.Minute)},
				{Responder: crisis.Responder{Member: "boss"}, After: crisis.Delay(time.Hour)}},
			Statements: []crisis.Statement{{Language: "es", Text: "Lo estamos revisando."},
				{Language: "es", Channel: "acme-x", Text: "Lo revisamos."}, {Language: "en-GB", Text: "We are looking into it."}},
			Approvals: []roles.Step{{Name: "smm", Roles: []string{roles.SocialMediaManager}},
				{Name: "legal", Permission: roles.ApproveStatement, Need: 2}},
			OnEntry: crisis.EntryActions{
				PausePublishing:       &crisis.PublishingPause{Channels: []string{"acme-x"}, Missed: crisis.MoveMissedPosts},
				ModerationRules:       "crisis-strict",
				StyleGuideCrisis:      true,
				NotifyCustomerService: "crisis on"}},
		{Name: "critical", Entry: crisis.Criteria{Manual: true},
			Responders: []crisis.Responder{{Role: roles.SocialMediaManager}},
			AckWithin:  crisis.Delay(5 * time.Minute),
			Approvals:  []roles.Step{{Name: "legal", Roles: []string{roles.Legal}}},
			OnEntry:    crisis.EntryActions{PausePublishing: &crisis.PublishingPause{Missed: crisis.HoldMissedPosts}}},
	}}
}

func TestValidPlan(t *testing.T) {
	p := testPlan()
	require.NoError(t, p.Validate(nil))
}

// TestValidateRules breaks one rule at a time and checks the error names
// the spot and the rule.
func TestValidateRules(t *testing.T) {
	for _, tc := range []struct {
		field, rule string
		change      func(p *crisis.Plan)
	}{
		{"id", "required", func(p *crisis.Plan) { p.ID = " " }},
		{"id", "format", func(p *crisis.Plan) { p.ID = "a\nb" }},
		{"id", "max_length", func(p *crisis.Plan) { p.ID = strings.Repeat("a", 201) }},
		{"brand", "required", func(p *crisis.Plan) { p.Brand = "" }},
		{"version", "min", func(p *crisis.Plan) { p.Version = 0 }},
		{"levels", "required", func(p *crisis.Plan) { p.Levels = nil }},
		{"levels[1].name", "required", func(p *crisis.Plan) { p.Levels[1].Name = "" }},
		{"levels[1].name", "format", func(p *crisis.Plan) { p.Levels[1].Name = "Major" }},
		{"levels[2].name", "unique", func(p *crisis.Plan) { p.Levels[2].Name = "watch" }},
		{"levels[0].entry", "required", func(p *crisis.Plan) { p.Levels[0].Entry = crisis.Criteria{} }},
		{"levels[2].entry", "manual", func(p *crisis.Plan) { p.Levels[2].Entry.MinNegativeShare = 0.5 }},
		{"levels[0].entry.min_volume_ratio", "range", func(p *crisis.Plan) { p.Levels[0].Entry.MinVolumeRatio = 1 }},
		{"levels[0].entry.min_volume_ratio", "range", func(p *crisis.Plan) { p.Levels[0].Entry.MinVolumeRatio = -3 }},
		{"levels[0].entry.min_volume_ratio", "range", func(p *crisis.Plan) { p.Levels[0].Entry.MinVolumeRatio = math.NaN() }},
		{"levels[0].entry.min_negative_share", "range", func(p *crisis.Plan) { p.Levels[0].Entry.MinNegativeShare = 1.5 }},
		{"levels[0].entry.min_negative_share", "range", func(p *crisis.Plan) { p.Levels[0].Entry.MinNegativeShare = -0.1 }},
		{"levels[1].responders", "required", func(p *crisis.Plan) { p.Levels[1].Responders = nil }},
		{"levels[1].responders[0].role", "unknown", func(p *crisis.Plan) { p.Levels[1].Responders[0].Role = "press" }},
		{"levels[1].responders[0].role", "required", func(p *crisis.Plan) { p.Levels[1].Responders[0].Role = "" }},
		{"levels[1].responders[1].member", "exclusive", func(p *crisis.Plan) { p.Levels[1].Responders[1].Role = roles.Legal }},
		{"levels[1].responders[1].scope", "exclusive", func(p *crisis.Plan) { p.Levels[1].Responders[1].Scope.Brand = "acme" }},
		{"levels[0].responders[0].scope.brand", "brand", func(p *crisis.Plan) { p.Levels[0].Responders[0].Scope.Brand = "other" }},
		{"levels[1].ack_within", "required", func(p *crisis.Plan) { p.Levels[1].AckWithin = 0 }},
		{"levels[1].ack_within", "non_negative", func(p *crisis.Plan) { p.Levels[1].AckWithin = -1 }},
		{"levels[1].escalation[0].role", "unknown", func(p *crisis.Plan) { p.Levels[1].Escalation[0].Role = "press" }},
		{"levels[1].escalation[1].role", "required", func(p *crisis.Plan) { p.Levels[1].Escalation[1].Member = "" }},
		{"levels[1].escalation[0].after", "order", func(p *crisis.Plan) { p.Levels[1].Escalation[0].After = crisis.Delay(time.Minute) }},
		{"levels[1].escalation[1].after", "order", func(p *crisis.Plan) {
			p.Levels[1].Escalation[1].After = p.Levels[1].Escalation[0].After
		}},
		{"levels[1].escalation[0].after", "non_negative", func(p *crisis.Plan) { p.Levels[1].Escalation[0].After = -5 }},
		{"levels[1].escalation[0].repeat", "non_negative", func(p *crisis.Plan) { p.Levels[1].Escalation[0].Repeat = -5 }},
		{"levels[1].escalation[0].repeat", "min", func(p *crisis.Plan) {
			p.Levels[1].Escalation[0].Repeat = crisis.MinRepeat - 1
		}},
		{"levels[1].statements[0].language", "required", func(p *crisis.Plan) { p.Levels[1].Statements[0].Language = "" }},
		{"levels[1].statements[0].language", "format", func(p *crisis.Plan) { p.Levels[1].Statements[0].Language = "spanish" }},
		{"levels[1].statements[1].channel", "format", func(p *crisis.Plan) { p.Levels[1].Statements[1].Channel = "a\x00" }},
		{"levels[1].statements[2].text", "required", func(p *crisis.Plan) { p.Levels[1].Statements[2].Text = " " }},
		{"levels[1].statements[1]", "unique", func(p *crisis.Plan) { p.Levels[1].Statements[1].Channel = "" }},
		{"levels[1].statements[2]", "unique", func(p *crisis.Plan) {
			p.Levels[1].Statements[2].Language, p.Levels[1].Statements[2].Channel = "ES", "acme-x"
		}},
		{"levels[0].approvals", "required", func(p *crisis.Plan) { p.Levels[0].Approvals = nil }},
		{"levels[1].approvals[1].name", "unique", func(p *crisis.Plan) { p.Levels[1].Approvals[1].Name = "smm" }},
		{"levels[1].approvals[0].roles[0]", "unknown", func(p *crisis.Plan) { p.Levels[1].Approvals[0].Roles[0] = "ceo" }},
		{"levels[1].approvals[1].permission", "unknown", func(p *crisis.Plan) { p.Levels[1].Approvals[1].Permission = "x.y" }},
		{"levels[1].approvals[1]", "approvers", func(p *crisis.Plan) { p.Levels[1].Approvals[1].Permission = "" }},
		{"levels[1].approvals[1].need", "non_negative", func(p *crisis.Plan) { p.Levels[1].Approvals[1].Need = -1 }},
		{"levels[2].on_entry.pause_publishing.missed", "enum", func(p *crisis.Plan) {
			p.Levels[2].OnEntry.PausePublishing.Missed = ""
		}},
		{"levels[1].on_entry.pause_publishing.channels[1]", "unique", func(p *crisis.Plan) {
			p.Levels[1].OnEntry.PausePublishing.Channels = []string{"acme-x", "acme-x"}
		}},
		{"levels[1].on_entry.pause_publishing.channels[0]", "required", func(p *crisis.Plan) {
			p.Levels[1].OnEntry.PausePublishing.Channels = []string{""}
		}},
		{"levels[1].on_entry.moderation_rules", "format", func(p *crisis.Plan) { p.Levels[1].OnEntry.ModerationRules = "a\tb" }},
	} {
		t.Run(tc.field+"/"+tc.rule, func(t *testing.T) {
			p := testPlan()
			tc.change(&p)
			err := p.Validate(nil)
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field, err.Error())
			assert.Equal(t, tc.rule, ve.Rule, err.Error())

			// The same plan through JSON fails the same way.
			b, merr := json.Marshal(p)
			if merr != nil { // NaN has no JSON
				return
			}
			_, err = crisis.ParsePlan(b, nil)
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field, err.Error())
		})
	}
}

// TestValidateCustomRoles: roles a product defines in its RoleSet may be
// paged.
func TestValidateCustomRoles(t *testing.T) {
	p := testPlan()
	p.Levels[1].Escalation[0].Role = "press"
	require.Error(t, p.Validate(nil))
	rs := roles.NewRoleSet()
	require.NoError(t, rs.DefineRole(roles.Role{Name: "press", Permissions: []roles.Permission{roles.ReadReports}}))
	require.NoError(t, p.Validate(rs))
}

func TestParsePlanJSONErrors(t *testing.T) {
	good, err := json.Marshal(testPlan())
	require.NoError(t, err)
	for _, tc := range []struct {
		name, json, field, rule string
	}{
		{"unknown field", `{"id":"a","brand":"b","version":1,"levels":[],"colour":1}`, "colour", "unknown"},
		{"nested unknown field", `{"id":"a","levels":[{"name":"x","ack":"1m"}]}`, "ack", "unknown"},
		{"duplicate key", `{"id":"a","ID":"b"}`, "ID", "duplicate"},
		{"nested duplicate key", `{"levels":[{"name":"a"},{"name":"b","entry":{"manual":true,"Manual":false}}]}`,
			"levels[1].entry.Manual", "duplicate"},
		{"duplicate key folded as encoding/json folds", `{"levels":[{"ack_within":"1m","ac\u212a_within":"2m"}]}`,
			`levels[0]["acK_within"]`, "duplicate"},
		{"bad duration", strings.Replace(string(good), `"30m0s"`, `"half an hour"`, 1), "levels[0].ack_within", "format"},
		{"negative duration", strings.Replace(string(good), `"30m0s"`, `"-30m"`, 1), "levels[0].ack_within", "non_negative"},
		{"wrong type", `{"id":"a","version":"one"}`, "version", "type"},
		{"trailing data", string(good) + `{}`, "plan", "json"},
		{"syntax", `{"id":`, "plan", "json"},
		{"too big", `{"id":"` + strings.Repeat("a", 4<<20) + `"}`, "plan", "max_length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := crisis.ParsePlan([]byte(tc.json), nil)
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field, err.Error())
			assert.Equal(t, tc.rule, ve.Rule, err.Error())
		})
	}
}

// TestRoundTrip: a plan written to JSON reads back equal, with the same
// hash, and its JSON carries durations as text.
func TestRoundTrip(t *testing.T) {
	p := testPlan()
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"ack_within":"10m0s"`)
	assert.Contains(t, string(b), `"missed":"move"`)
	assert.NotContains(t, string(b), `"scope":{}`)
	q, err := crisis.ParsePlan(b, nil)
	require.NoError(t, err)
	assert.Equal(t, p, q)
	assert.Equal(t, p.Hash(), q.Hash())
	b2, err := json.Marshal(q)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(b2))
}

func TestVersioning(t *testing.T) {
	p := testPlan()
	ref := p.Ref()
	assert.Equal(t, crisis.PlanRef{ID: "acme-crisis", Version: 2, Hash: p.Hash()}, ref)
	assert.True(t, strings.HasPrefix(ref.Hash, "sha256:"))
	assert.Len(t, ref.Hash, len("sha256:")+64)

	same := testPlan()
	c, err := ref.Compare(same.Ref())
	require.NoError(t, err)
	assert.Equal(t, 0, c)

	next := testPlan()
	next.Version = 3
	next.Levels[0].AckWithin = crisis.Delay(20 * time.Minute)
	c, err = ref.Compare(next.Ref())
	require.NoError(t, err)
	assert.Equal(t, -1, c)
	c, err = next.Ref().Compare(ref)
	require.NoError(t, err)
	assert.Equal(t, 1, c)

	// Changed without raising the version: a conflict.
	sneaky := testPlan()
	sneaky.Levels[0].AckWithin = crisis.Delay(time.Hour)
	assert.NotEqual(t, ref.Hash, sneaky.Hash())
	_, err = ref.Compare(sneaky.Ref())
	assert.ErrorIs(t, err, cmkit.ErrConflict)

	other := testPlan()
	other.ID = "other"
	_, err = ref.Compare(other.Ref())
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	assert.False(t, errors.Is(err, cmkit.ErrConflict))
}

func TestCriteriaMet(t *testing.T) {
	any := crisis.Criteria{MinVolumeRatio: 3, MinNegativeShare: 0.4}
	all := crisis.Criteria{MinVolumeRatio: 3, MinNegativeShare: 0.4, All: true}
	volOnly := crisis.Criteria{MinVolumeRatio: 3, All: true}
	manual := crisis.Criteria{Manual: true}
	for _, tc := range []struct {
		c        crisis.Criteria
		vol, neg float64
		want     bool
	}{
		{any, 3, 0, true}, {any, 1, 0.4, true}, {any, 2.9, 0.39, false},
		{all, 3, 0.39, false}, {all, 2.9, 0.5, false}, {all, 3, 0.4, true},
		{volOnly, 3, 0, true}, {volOnly, 2, 1, false},
		{manual, 100, 1, false},
	} {
		assert.Equal(t, tc.want, tc.c.Met(tc.vol, tc.neg), "%+v %v %v", tc.c, tc.vol, tc.neg)
	}
}

func TestLevels(t *testing.T) {
	p := testPlan()
	assert.Equal(t, 1, p.LevelIndex("major"))
	assert.Equal(t, -1, p.LevelIndex("none"))
	l, ok := p.LevelFor(5, 0.5)
	assert.True(t, ok)
	assert.Equal(t, "major", l.Name)
	l, ok = p.LevelFor(2, 0)
	assert.True(t, ok)
	assert.Equal(t, "watch", l.Name)
	_, ok = p.LevelFor(1.5, 0.9)
	assert.False(t, ok)
}

// TestApprovalRule: a level's approval chain judges statements through
// roles: the smm step is met by the smm, not by an author.
func TestApprovalRule(t *testing.T) {
	p := testPlan()
	r := p.Levels[1].ApprovalRule()
	assert.Equal(t, "crisis-major", r.Name)
	assert.Equal(t, []string{roles.KindStatement}, r.Kinds)
	assert.Equal(t, p.Levels[1].Approvals, r.Steps)
	r.Steps[0].Name = "changed"
	assert.Equal(t, "smm", p.Levels[1].Approvals[0].Name, "the rule owns its steps")
	require.NoError(t, roles.Policy{Rules: []roles.Rule{r}}.Validate(roles.NewRoleSet()))
}

func TestDelay(t *testing.T) {
	var d crisis.Delay
	require.NoError(t, d.UnmarshalText([]byte("1h30m")))
	assert.Equal(t, 90*time.Minute, d.D())
	assert.Equal(t, "1h30m0s", d.String())
	b, err := d.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "1h30m0s", string(b))
}
