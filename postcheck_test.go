package cmkit_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
)

// TestPlatformFigures pins the figures of PlatformLimits that the
// platforms' own documents give; the source of each is named next to it in
// platformlimits.go.
func TestPlatformFigures(t *testing.T) {
	for _, c := range []struct {
		p    cmkit.Platform
		want func(l cmkit.Limits) any
		is   any
	}{
		// Instagram Graph API, IG User Media, caption: 30 hashtags.
		{cmkit.Instagram, func(l cmkit.Limits) any { return l.MaxHashtags }, 30},
		// Pinterest API v5 OpenAPI, PinCreate: description 800, title 100.
		{cmkit.Pinterest, func(l cmkit.Limits) any { return l.MaxLength }, 800},
		{cmkit.Pinterest, func(l cmkit.Limits) any { return l.MaxTitle }, 100},
		// YouTube Help answer 6390658: more than 60 hashtags are all ignored.
		{cmkit.YouTube, func(l cmkit.Limits) any { return l.MaxHashtags }, 60},
		// YouTube Data API videos: title 100 characters, no < or >.
		{cmkit.YouTube, func(l cmkit.Limits) any { return l.MaxTitle }, 100},
		{cmkit.YouTube, func(l cmkit.Limits) any { return l.Forbidden }, "<>"},
		// twitter-text: U+FFFE, U+FEFF and U+FFFF make a post invalid.
		{cmkit.X, func(l cmkit.Limits) any { return l.Forbidden }, "\uFFFE\uFEFF\uFFFF"},
		// Threads: 5 unique links.
		{cmkit.Threads, func(l cmkit.Limits) any { return l.MaxLinks }, 5},
		// Mastodon: the content warning counts with the text; four visibilities.
		{cmkit.Mastodon, func(l cmkit.Limits) any { return l.ContentWarning }, true},
		{cmkit.Mastodon, func(l cmkit.Limits) any { return l.Visibilities.List() },
			[]cmkit.Visibility{"public", "unlisted", "followers", "direct"}},
	} {
		l, ok := cmkit.PlatformLimits(c.p)
		require.True(t, ok)
		assert.Equal(t, c.is, c.want(l), c.p)
	}
}

// rules returns "field:rule" for each finding.
func rules(fs []cmkit.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Field+":"+f.Rule)
	}
	return out
}

func TestCheckPostFieldsPerPlatform(t *testing.T) {
	long := strings.Repeat("a", 101)
	for _, c := range []struct {
		name string
		p    cmkit.Platform
		post cmkit.Post
		want []string
	}{
		{"youtube refuses < in the description", cmkit.YouTube, cmkit.Post{Text: "a <b> c"}, []string{"post.text:forbidden"}},
		{"youtube refuses > in the title", cmkit.YouTube, cmkit.Post{Title: "1 > 0", Text: "ok"}, []string{"post.title:forbidden"}},
		{"youtube title of 100 fits", cmkit.YouTube, cmkit.Post{Title: long[:100], Text: "ok"}, []string{}},
		{"youtube title of 101", cmkit.YouTube, cmkit.Post{Title: long, Text: "ok"}, []string{"post.title:max_title"}},
		{"youtube unlisted", cmkit.YouTube, cmkit.Post{Text: "ok", Visibility: cmkit.VisibilityUnlisted}, []string{}},
		{"youtube followers", cmkit.YouTube, cmkit.Post{Text: "ok", Visibility: cmkit.VisibilityFollowers}, []string{"post.visibility:visibility"}},
		{"x refuses a byte-order mark", cmkit.X, cmkit.Post{Text: "hola\uFEFF"}, []string{"post.text:forbidden"}},
		{"x refuses U+FFFE", cmkit.X, cmkit.Post{Text: "\uFFFE"}, []string{"post.text:forbidden"}},
		{"x refuses U+FFFF", cmkit.X, cmkit.Post{Text: "a\uFFFFb"}, []string{"post.text:forbidden"}},
		{"x has no titles", cmkit.X, cmkit.Post{Title: "Hola", Text: "ok"}, []string{"post.title:title"}},
		{"x has no content warnings", cmkit.X, cmkit.Post{ContentWarning: "spoiler", Text: "ok"}, []string{"post.content_warning:content_warning"}},
		{"x has no unlisted posts", cmkit.X, cmkit.Post{Text: "ok", Visibility: cmkit.VisibilityUnlisted}, []string{"post.visibility:visibility"}},
		{"mastodon takes a content warning", cmkit.Mastodon, cmkit.Post{ContentWarning: "spoiler", Text: "ok"}, []string{}},
		{"mastodon takes every visibility", cmkit.Mastodon, cmkit.Post{Text: "ok", Visibility: cmkit.VisibilityDirect}, []string{}},
		{"an unknown visibility is refused everywhere", cmkit.Mastodon, cmkit.Post{Text: "ok", Visibility: "private"}, []string{"post.visibility:visibility"}},
		{"public is accepted everywhere", cmkit.Bluesky, cmkit.Post{Text: "ok", Visibility: cmkit.VisibilityPublic}, []string{}},
		{"a blog takes a title of any length", cmkit.Blog, cmkit.Post{Title: strings.Repeat("t", 5000), Text: "ok"}, []string{}},
		{"threads counts a repeated link once", cmkit.Threads,
			cmkit.Post{Text: strings.Repeat("https://tienda.es/oferta ", 6)}, []string{}},
		{"threads: six unique links", cmkit.Threads,
			cmkit.Post{Text: "a.es b.es c.es d.es e.es a.es f.es"}, []string{"post.text:max_links"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, _ := cmkit.PlatformLimits(c.p)
			assert.Equal(t, c.want, rules(l.CheckPost(nil, c.post)))
		})
	}
}

func TestForbiddenFindingCountsAndPoints(t *testing.T) {
	yt, _ := cmkit.PlatformLimits(cmkit.YouTube)
	text := "Tutorial: <b>negrita</b>"
	fs := yt.CheckText(nil, text)
	require.Len(t, fs, 1)
	assert.Equal(t, cmkit.Finding{Field: "post.text", Rule: "forbidden", Got: 4, Cut: strings.Index(text, "<")}, fs[0])
	err := fs[0].Err()
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	assert.Contains(t, err.Error(), "post.text")
	assert.Contains(t, err.Error(), "forbidden")

	x, _ := cmkit.PlatformLimits(cmkit.X)
	text = "a\uFEFFb\uFFFFc"
	fs = x.CheckText(nil, text)
	require.Len(t, fs, 1)
	assert.Equal(t, 2, fs[0].Got)
	assert.Equal(t, 1, fs[0].Cut)
}

func TestThreadsLinksAreUniqueAndCutAtTheSixth(t *testing.T) {
	th, _ := cmkit.PlatformLimits(cmkit.Threads)
	text := "uno.es dos.es uno.es tres.es cuatro.es uno.es cinco.es seis.es siete.es"
	fs := th.CheckText(nil, text)
	require.Len(t, fs, 1)
	assert.Equal(t, "max_links", fs[0].Rule)
	assert.Equal(t, 7, fs[0].Got, "seven distinct links")
	assert.Equal(t, strings.Index(text, "seis.es"), fs[0].Cut)
	assert.Empty(t, th.CheckText(nil, text[:fs[0].Cut]))

	// More distinct links than the checker's fixed buffer holds.
	var b strings.Builder
	for i := range 40 {
		b.WriteString("https://tienda.es/" + strings.Repeat("x", i+1) + " ")
	}
	th.MaxLength = 0
	fs = th.CheckText(nil, b.String()+b.String())
	require.Len(t, fs, 1)
	assert.Equal(t, 40, fs[0].Got)
}

// Mastodon counts the content warning and the text together toward its
// 500 (status_length_validator.rb: spoiler_text joined with the text).
func TestMastodonCountsTheContentWarningWithTheText(t *testing.T) {
	m, _ := cmkit.PlatformLimits(cmkit.Mastodon)
	cw := strings.Repeat("ś", 100) // 100 graphemes
	fit := cmkit.Post{ContentWarning: cw, Text: strings.Repeat("a", 400)}
	assert.Empty(t, m.CheckPost(nil, fit))

	over := cmkit.Post{ContentWarning: cw, Text: strings.Repeat("a", 401)}
	fs := m.CheckPost(nil, over)
	require.Len(t, fs, 1)
	assert.Equal(t, cmkit.Finding{Field: "post.text", Rule: "max_length", Limit: 500, Got: 501, Cut: 400}, fs[0])

	// A content warning that alone breaks the limit leaves no room at all.
	fs = m.CheckPost(nil, cmkit.Post{ContentWarning: strings.Repeat("!", 501), Text: "a"})
	require.Len(t, fs, 1)
	assert.Equal(t, 502, fs[0].Got)
	assert.Zero(t, fs[0].Cut)

	// The text alone, as CheckText sees it, fits.
	assert.Empty(t, m.CheckText(nil, over.Text))

	dst := make([]cmkit.Finding, 0, 8)
	assert.Zero(t, testing.AllocsPerRun(50, func() { dst = m.CheckPost(dst[:0], over) }))
}

func TestValidatePostNamesTheField(t *testing.T) {
	x, _ := cmkit.PlatformLimits(cmkit.X)
	err := x.ValidatePost(cmkit.Post{Text: "ok", ContentWarning: "cw", Visibility: cmkit.VisibilityFollowers, Title: "t"})
	require.Error(t, err)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ve *cmkit.ValidationError
		require.True(t, errors.As(e, &ve))
		fields = append(fields, ve.Field+":"+ve.Rule)
	}
	assert.Equal(t, []string{"post.content_warning:content_warning", "post.title:title", "post.visibility:visibility"}, fields)
}

func TestVisibilities(t *testing.T) {
	s := cmkit.VisibilitiesOf(cmkit.VisibilityDirect, "nonsense")
	assert.True(t, s.Has(cmkit.VisibilityDirect))
	assert.True(t, s.Has(cmkit.VisibilityPublic))
	assert.True(t, s.Has(""), "empty is public")
	assert.False(t, s.Has(cmkit.VisibilityUnlisted))
	assert.False(t, s.Has("nonsense"))
	assert.Equal(t, []cmkit.Visibility{"public", "direct"}, s.List())
	assert.True(t, cmkit.Visibility("").Known())
	assert.False(t, cmkit.Visibility("private").Known())

	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `["public","direct"]`, string(b))
	var back cmkit.Visibilities
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, back)

	back = cmkit.VisibilitiesOf(cmkit.VisibilityUnlisted)
	err = json.Unmarshal([]byte(`["public","private"]`), &back)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	assert.Contains(t, err.Error(), "limits.visibilities")
	assert.Equal(t, cmkit.VisibilitiesOf(cmkit.VisibilityUnlisted), back, "unchanged on error")
}

func TestLimitsJSONRoundTripsTheNewFields(t *testing.T) {
	for _, p := range cmkit.Platforms() {
		l, _ := cmkit.PlatformLimits(p)
		b, err := json.Marshal(l)
		require.NoError(t, err)
		var back cmkit.Limits
		require.NoError(t, json.Unmarshal(b, &back), string(b))
		assert.Equal(t, l, back, p)
	}
}

func TestLimitsValidateNewFields(t *testing.T) {
	for _, c := range []struct {
		l     cmkit.Limits
		field string
	}{
		{cmkit.Limits{Forbidden: "\xff"}, "limits.forbidden"},
		{cmkit.Limits{Visibilities: 0x80}, "limits.visibilities"},
		{cmkit.Limits{MaxTitle: -1}, "limits.max_title"},
	} {
		err := c.l.Validate()
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve, c.field)
		assert.Equal(t, c.field, ve.Field)
		assert.ErrorIs(t, err, cmkit.ErrInvalid)
	}
}

func TestPostCloneKeepsTheNewFields(t *testing.T) {
	p := cmkit.Post{Text: "t", Title: "T", ContentWarning: "cw", Sensitive: true, Visibility: cmkit.VisibilityFollowers,
		Media: []cmkit.Media{{Kind: cmkit.MediaImage, URL: "https://cdn/x.png"}}}
	c := p.Clone()
	assert.Equal(t, p, c)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"content_warning":"cw"`)
	assert.Contains(t, string(b), `"visibility":"followers"`)
	assert.Contains(t, string(b), `"title":"T"`)
	assert.Contains(t, string(b), `"sensitive":true`)
}
