package promotion_test

import (
	"testing"
	"time"

	"github.com/cmkit/cmkit/promotion"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWindowAcrossFallBack: in Warsaw, summer time ends on 2026-10-25 at
// 03:00 CEST (01:00 UTC), so the window from noon on the 24th to noon on
// the 26th, local time, lasts 49 hours, and each edge is the local noon.
func TestWindowAcrossFallBack(t *testing.T) {
	p := giveaway()
	start, end, err := p.Window()
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 10, 24, 10, 0, 0, 0, time.UTC), start.UTC(), "noon CEST")
	assert.Equal(t, time.Date(2026, 10, 26, 11, 0, 0, 0, time.UTC), end.UTC(), "noon CET")
	assert.Equal(t, 49*time.Hour, end.Sub(start))

	e := newEntries(t, p, nil)
	for _, tc := range []struct {
		at     time.Time
		reason promotion.Reason
	}{
		{start.Add(-time.Nanosecond), promotion.ReasonOutsideWindow},
		{start, ""},
		{end.Add(-time.Nanosecond), ""},
		{end, promotion.ReasonOutsideWindow},
		{start.Add(48 * time.Hour), ""}, // 11:00 local on the 26th: 48 h is not the whole window
	} {
		s := add(t, e, mention("u"+tc.at.String(), "#sorteo @friend", tc.at))
		assert.Equal(t, tc.reason, s.Reason, "%s: %s", tc.at, s.Detail)
	}
}

// TestWindowEndsInTheRepeatedHour: 02:30 happens twice on the fall-back
// night; the window ends at the first (00:30 UTC), so an entry at 02:29
// local time the second time round (01:29 UTC) is late.
func TestWindowEndsInTheRepeatedHour(t *testing.T) {
	p := giveaway()
	p.End = "2026-10-25T02:30"
	_, end, err := p.Window()
	require.NoError(t, err)
	assert.Equal(t, at(0, 30), end.UTC())
	e := newEntries(t, p, nil)
	for _, tc := range []struct {
		at     time.Time
		reason promotion.Reason
	}{
		{at(0, 29), ""},
		{at(0, 30), promotion.ReasonOutsideWindow},
		{at(1, 29), promotion.ReasonOutsideWindow},
	} {
		s := add(t, e, mention("u"+tc.at.String(), "#sorteo @friend", tc.at))
		assert.Equal(t, tc.reason, s.Reason, "%s: %s", tc.at, s.Detail)
	}
}

// TestWindowAcrossSpringForward: on 2026-03-29 Warsaw skips 02:00-03:00, so
// noon to noon lasts 23 hours, and 02:30 that night does not exist.
func TestWindowAcrossSpringForward(t *testing.T) {
	p := giveaway()
	p.Start, p.End = "2026-03-28T12:00", "2026-03-29T12:00:00"
	start, end, err := p.Window()
	require.NoError(t, err)
	assert.Equal(t, 23*time.Hour, end.Sub(start))
	assert.Equal(t, time.Date(2026, 3, 29, 10, 0, 0, 0, time.UTC), end.UTC())
	p.End = "2026-03-29T03:00"
	_, end, err = p.Window()
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), end.UTC(), "03:00 CEST, the first minute after the gap")
	p.End = "2026-03-29T02:00"
	_, _, err = p.Window()
	requireInvalid(t, err, "end", "nonexistent")
}
