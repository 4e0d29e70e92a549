package calendar_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
)

// winterSale is a campaign of acme over the week of monday.
func winterSale() calendar.Campaign {
	return calendar.Campaign{Name: "winter-sale", Brand: "acme", Goal: "+10% sales", Start: monday, End: monday.AddDate(0, 0, 7)}
}

// campaign creates cp as sam, the social media manager.
func (f *fixture) campaign(t *testing.T, cp calendar.Campaign) calendar.Campaign {
	t.Helper()
	got, err := f.cal.CreateCampaign(as("sam"), cp)
	require.NoError(t, err)
	return got
}

// campaigns lists every stored campaign of brand.
func campaigns(t *testing.T, cal *calendar.Calendar, brand string) []calendar.Campaign {
	t.Helper()
	var out []calendar.Campaign
	for cp, err := range cal.Campaigns(context.Background(), brand) {
		require.NoError(t, err)
		out = append(out, cp)
	}
	return out
}

// approvedIn makes an entry by bea (a senior: approved on submit) in
// campaign at at.
func (f *fixture) approvedIn(t *testing.T, campaign string, at time.Time) calendar.Entry {
	t.Helper()
	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Campaign: campaign, At: at, Variants: variants("Rebajas", "acme-es-x")})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	return e
}

func requireField(t *testing.T, err error, field, rule string) {
	t.Helper()
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, field, ve.Field)
	assert.Equal(t, rule, ve.Rule)
}

func TestCreateCampaignStoresAnActiveVersionedCampaign(t *testing.T) {
	f := newFixture(t)
	f.clock.Advance(time.Minute)
	cp := f.campaign(t, winterSale())
	assert.Equal(t, int64(1), cp.Version)
	assert.Equal(t, calendar.CampaignActive, cp.State)
	assert.Equal(t, "sam", cp.CreatedBy)
	assert.Equal(t, monday.Add(time.Minute), cp.CreatedAt)
	assert.Equal(t, cp.CreatedAt, cp.UpdatedAt)
	got, err := f.cal.Campaign(context.Background(), "winter-sale")
	require.NoError(t, err)
	assert.Equal(t, cp, got)
	_, err = f.cal.Campaign(context.Background(), "none")
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
}

func TestCampaignsListsByNameAndBrand(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"b-spring", "a-winter"} {
		cp := winterSale()
		cp.Name = name
		f.campaign(t, cp)
	}
	var names []string
	for _, cp := range campaigns(t, f.cal, "") {
		names = append(names, cp.Name)
	}
	assert.Equal(t, []string{"a-winter", "b-spring", "invierno", "winter"}, names)
	assert.Len(t, campaigns(t, f.cal, "acme"), 4)
	assert.Empty(t, campaigns(t, f.cal, "bolt"))
	n := 0
	for range f.cal.Campaigns(context.Background(), "") {
		n++
		break
	}
	assert.Equal(t, 1, n, "stopping early")
}

func TestCampaignsNeedManageCampaigns(t *testing.T) {
	f := newFixture(t)
	_, err := f.cal.CreateCampaign(as("bea"), winterSale())
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "a senior CM does not manage campaigns")
	assert.Len(t, campaigns(t, f.cal, ""), len(sheetCampaigns), "nothing stored")
	cp := f.campaign(t, winterSale())
	cp.Goal = "+20% sales"
	_, err = f.cal.UpdateCampaign(as("bea"), cp)
	assert.ErrorIs(t, err, cmkit.ErrForbidden)
	_, err = f.cal.CloseCampaign(as("bea"), cp.Name, cp.Version)
	assert.ErrorIs(t, err, cmkit.ErrForbidden)
	got, _ := f.cal.Campaign(context.Background(), cp.Name)
	assert.Equal(t, int64(1), got.Version, "nothing changed")
	assert.Equal(t, "+10% sales", got.Goal)
}

func TestCreateCampaignRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name        string
		edit        func(*calendar.Campaign)
		field, rule string
	}{
		{"no name", func(c *calendar.Campaign) { c.Name = "" }, "campaign.name", "required"},
		{"spaces around the name", func(c *calendar.Campaign) { c.Name = " x" }, "campaign.name", "format"},
		{"no start", func(c *calendar.Campaign) { c.Start = time.Time{} }, "campaign.start", "required"},
		{"no end", func(c *calendar.Campaign) { c.End = time.Time{} }, "campaign.end", "required"},
		{"end before start", func(c *calendar.Campaign) { c.End = c.Start.Add(-time.Hour) }, "campaign.end", "range"},
		{"control character", func(c *calendar.Campaign) { c.Goal = "a\x00b" }, "campaign.goal", "control_character"},
		{"a brand without channels", func(c *calendar.Campaign) { c.Brand = "bolt" }, "campaign.brand", "unknown"},
		{"a version", func(c *calendar.Campaign) { c.Version = 3 }, "campaign.version", "zero"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := winterSale()
			tc.edit(&cp)
			_, err := f.cal.CreateCampaign(as("sam"), cp)
			requireField(t, err, tc.field, tc.rule)
		})
	}
	assert.Len(t, campaigns(t, f.cal, ""), len(sheetCampaigns), "nothing stored")
	f.campaign(t, winterSale())
	_, err := f.cal.CreateCampaign(as("sam"), winterSale())
	assert.ErrorIs(t, err, cmkit.ErrConflict, "a name already taken")
}

func TestUpdateCampaignNeedsTheVersionRead(t *testing.T) {
	f := newFixture(t)
	cp := f.campaign(t, winterSale())
	edit := cp
	edit.Goal, edit.End = "+20% sales", cp.End.AddDate(0, 0, 7)
	for _, tc := range []struct {
		name    string
		version int64
		want    error
	}{{"zero", 0, cmkit.ErrInvalid}, {"latest", calendar.Latest, cmkit.ErrInvalid}, {"stale", 7, cmkit.ErrConflict}} {
		e := edit
		e.Version = tc.version
		_, err := f.cal.UpdateCampaign(as("sam"), e)
		assert.ErrorIs(t, err, tc.want, tc.name)
	}
	other := edit
	other.Brand = "bolt"
	_, err := f.cal.UpdateCampaign(as("sam"), other)
	requireField(t, err, "campaign.brand", "fixed")
	missing := edit
	missing.Name = "none"
	_, err = f.cal.UpdateCampaign(as("sam"), missing)
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
	got, _ := f.cal.Campaign(context.Background(), cp.Name)
	assert.Equal(t, cp, got, "refused updates change nothing")

	f.clock.Advance(time.Hour)
	got, err = f.cal.UpdateCampaign(as("sam"), edit)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, "+20% sales", got.Goal)
	assert.Equal(t, cp.End.AddDate(0, 0, 7), got.End)
	assert.Equal(t, cp.CreatedAt, got.CreatedAt)
	assert.Equal(t, monday.Add(time.Hour), got.UpdatedAt)
	_, err = f.cal.UpdateCampaign(as("sam"), edit)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "the version read is now stale")
}

func TestClosedCampaignChangesNoMoreAndTakesNoEntries(t *testing.T) {
	f := newFixture(t)
	cp := f.campaign(t, winterSale())
	joined := f.approvedIn(t, cp.Name, monday.Add(time.Hour))
	_, err := f.cal.CloseCampaign(as("sam"), cp.Name, 0)
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "a version is required")
	closed, err := f.cal.CloseCampaign(as("sam"), cp.Name, cp.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.CampaignClosed, closed.State)
	assert.Equal(t, int64(2), closed.Version)
	_, err = f.cal.CloseCampaign(as("sam"), cp.Name, closed.Version)
	assert.ErrorIs(t, err, cmkit.ErrConflict)
	_, err = f.cal.UpdateCampaign(as("sam"), closed)
	assert.ErrorIs(t, err, cmkit.ErrConflict)
	_, err = f.cal.Create(as("bea"), calendar.Entry{Title: "t", Campaign: cp.Name, Variants: variants("Rebajas", "acme-es-x")})
	requireField(t, err, "entry.campaign", "closed")
	joined.Title = "edited"
	_, err = f.cal.Update(as("bea"), joined)
	requireField(t, err, "entry.campaign", "closed")
	assert.Len(t, entriesIn(t, f.cal), 1)
	assert.Equal(t, "t", f.get(t, joined).Title, "nothing changed")
}

func TestEntriesJoinOnlyKnownCampaignsOfTheirBrand(t *testing.T) {
	f := newFixture(t)
	f.campaign(t, winterSale())
	_, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Campaign: "winter-sael", Variants: variants("Rebajas", "acme-es-x")})
	requireField(t, err, "entry.campaign", "unknown")

	bolt, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: f.clock,
		Info: cmkit.ChannelInfo{ID: "bolt-x", Platform: cmkit.X, Brand: "bolt"}})
	require.NoError(t, err)
	cal, err := calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, bolt), calendar.WithLogger(quiet))
	require.NoError(t, err)
	_, err = cal.Create(as("bea"), calendar.Entry{Title: "t", Campaign: "winter-sale", Variants: variants("Sale", "bolt-x")})
	requireField(t, err, "entry.campaign", "brand")
	assert.Empty(t, entriesIn(t, f.cal))

	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Campaign: "winter-sale", Variants: variants("Rebajas", "acme-es-x")})
	require.NoError(t, err)
	e.Campaign = "none"
	_, err = f.cal.Update(as("bea"), e)
	requireField(t, err, "entry.campaign", "unknown")
	assert.Equal(t, "winter-sale", f.get(t, e).Campaign, "a refused update changes nothing")
}

func TestScheduleKeepsEntriesWithinTheStoredCampaignDates(t *testing.T) {
	f := newFixture(t)
	cp := f.campaign(t, winterSale())
	in := f.approvedIn(t, cp.Name, monday.Add(time.Hour))
	_, err := f.cal.Schedule(as("bea"), in.ID, in.Version)
	require.NoError(t, err)

	late := f.approvedIn(t, cp.Name, monday.AddDate(0, 0, 8))
	_, err = f.cal.Schedule(as("bea"), late.ID, late.Version)
	var ce *calendar.CheckError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Findings, 1)
	assert.Equal(t, "campaign", ce.Findings[0].Check)
	assert.Equal(t, "outside_campaign", ce.Findings[0].Rule)

	cp.End = monday.AddDate(0, 0, 14) // the campaign runs a week longer
	_, err = f.cal.UpdateCampaign(as("sam"), cp)
	require.NoError(t, err)
	_, err = f.cal.Schedule(as("bea"), late.ID, late.Version)
	assert.NoError(t, err, "scheduling reads the campaign as stored now")
}

func TestScheduleRefusesAClosedCampaign(t *testing.T) {
	f := newFixture(t)
	cp := f.campaign(t, winterSale())
	e := f.approvedIn(t, cp.Name, monday.Add(time.Hour))
	_, err := f.cal.CloseCampaign(as("sam"), cp.Name, cp.Version)
	require.NoError(t, err)
	_, err = f.cal.Schedule(as("bea"), e.ID, e.Version)
	var ce *calendar.CheckError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "campaign_closed", ce.Findings[0].Rule)
	assert.Equal(t, calendar.Approved, f.get(t, e).State, "nothing changed")
}

func TestClosingACampaignStopsItsScheduledEntries(t *testing.T) {
	f := newFixture(t)
	cp := f.campaign(t, winterSale())
	e := f.approvedIn(t, cp.Name, monday.Add(time.Hour))
	_, err := f.cal.Schedule(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	_, err = f.cal.CloseCampaign(as("sam"), cp.Name, cp.Version)
	require.NoError(t, err)
	f.clock.Advance(time.Hour)
	f.drain(t)
	assert.Empty(t, f.x.Posts())
	got := f.get(t, e)
	assert.Equal(t, calendar.Failed, got.State)
	assert.Equal(t, calendar.Rejected, got.Variants[0].State)
	assert.Contains(t, got.Variants[0].Error, "campaign_closed")
	assert.Contains(t, f.kinds(), "failed")
}

func TestImportCSVReportsAnUnknownCampaignWithItsLine(t *testing.T) {
	f := newFixture(t)
	f.campaign(t, winterSale())
	sheet := "title,channel,text,campaign\n" +
		"Ok,acme-es-x,Hola,winter-sale\n" +
		"Typo,acme-es-x,Hola,winter-sael\n"
	_, err := f.cal.ImportCSV(as("ola"), strings.NewReader(sheet), nil)
	requireField(t, err, "line 3, entry.campaign", "unknown")
	assert.Empty(t, entriesIn(t, f.cal), "nothing created")

	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader(strings.ReplaceAll(sheet, "sael", "sale")), nil)
	require.NoError(t, err)
	assert.Len(t, res.Entries, 2)
}

func TestEntriesAndExportICalFilterByCampaign(t *testing.T) {
	f := newFixture(t)
	cp := f.campaign(t, winterSale())
	in := f.approvedIn(t, cp.Name, monday.Add(time.Hour))
	f.approvedIn(t, "", monday.Add(2*time.Hour))
	var ids []string
	for e, err := range f.cal.Entries(context.Background(), calendar.Query{Campaign: cp.Name}) {
		require.NoError(t, err)
		ids = append(ids, e.ID.String())
	}
	assert.Equal(t, []string{in.ID.String()}, ids)

	var buf bytes.Buffer
	require.NoError(t, f.cal.ExportICal(context.Background(), &buf, calendar.Query{Campaign: cp.Name}, calendar.ICalOptions{}))
	var uids []string
	for _, p := range parseICal(t, buf.Bytes()) {
		if p.name == "UID" {
			uids = append(uids, p.value)
		}
	}
	assert.Equal(t, []string{in.ID.String() + "@cmkit"}, uids)
}

func TestWithCampaignsIsAReadOnlyFallback(t *testing.T) {
	f := newFixture(t)
	seeded := calendar.Campaign{Name: "winter-sale", Goal: "seeded", Start: monday, End: monday.AddDate(0, 0, 7)}
	cal, err := calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock), calendar.WithChannels(f.x),
		calendar.WithCampaigns(seeded), calendar.WithLogger(quiet))
	require.NoError(t, err)
	got, err := cal.Campaign(context.Background(), "winter-sale")
	require.NoError(t, err)
	assert.Equal(t, "seeded", got.Goal)
	assert.Equal(t, calendar.CampaignActive, got.State)
	assert.Len(t, campaigns(t, cal, ""), len(sheetCampaigns), "not stored")
	_, err = cal.Create(as("bea"), calendar.Entry{Title: "t", Campaign: "winter-sale", Variants: variants("Rebajas", "acme-es-x")})
	assert.NoError(t, err, "entries join it")
	got.Version = 1
	_, err = cal.UpdateCampaign(as("sam"), got)
	assert.ErrorIs(t, err, cmkit.ErrNotFound, "read-only")

	_, err = calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithCampaigns(calendar.Campaign{Name: "x"}))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)

	stored, err := cal.CreateCampaign(as("sam"), winterSale())
	require.NoError(t, err)
	got, err = cal.Campaign(context.Background(), "winter-sale")
	require.NoError(t, err)
	assert.Equal(t, stored, got, "a stored campaign of the same name wins")
}

// A store failure while reading a campaign stops Create, unchanged.
func TestCreateStopsOnACampaignStoreFailure(t *testing.T) {
	f := newFixture(t)
	failing := campaignsDown{f.store}
	cal, err := calendar.New(failing, calendar.WithTeam(f.dir), calendar.WithClock(f.clock), calendar.WithChannels(f.x),
		calendar.WithLogger(quiet))
	require.NoError(t, err)
	_, err = cal.Create(as("bea"), calendar.Entry{Title: "t", Campaign: "winter-sale", Variants: variants("Rebajas", "acme-es-x")})
	assert.ErrorIs(t, err, errCampaignsDown)
	assert.Empty(t, entriesIn(t, f.cal))
}

var errCampaignsDown = errors.New("campaigns down")

type campaignsDown struct{ *calendar.MemoryStore }

func (campaignsDown) GetCampaign(context.Context, string) (calendar.Campaign, error) {
	return calendar.Campaign{}, errCampaignsDown
}
