package calendar_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
)

// A UI that forgets the version must not make a senior approve content
// they never saw: a missing version is invalid input, and calendar.Latest
// is refused wherever content is judged.
func TestMissingVersionIsInvalidAndLatestNeverApproves(t *testing.T) {
	f := newFixture(t)
	cal := withSlots(t, f, "Mon-Fri 09:00, Europe/Madrid", time.Hour)
	e, err := cal.Create(as("ola"), calendar.Entry{Title: "t", At: monday.Add(time.Hour), Variants: variants("Hola", "acme-es-x")})
	require.NoError(t, err)
	calls := map[string]func(v int64) error{
		"Submit":   func(v int64) error { _, err := cal.Submit(as("ola"), e.ID, v); return err },
		"Approve":  func(v int64) error { _, err := cal.Approve(as("bea"), e.ID, v); return err },
		"Schedule": func(v int64) error { _, err := cal.Schedule(as("bea"), e.ID, v); return err },
		"AddToQueue": func(v int64) error {
			_, err := cal.AddToQueue(as("bea"), e.ID, v)
			return err
		},
		"ApproveWithToken": func(v int64) error {
			_, err := cal.ApproveWithToken(context.Background(), e.ID, v, "token")
			return err
		},
		"ApprovalToken": func(v int64) error {
			_, err := cal.ApprovalToken(as("bea"), e.ID, v, "client", time.Hour)
			return err
		},
		"Update": func(v int64) error { u := e; u.Version = v; _, err := cal.Update(as("ola"), u); return err },
		"Cancel": func(v int64) error { _, err := cal.Cancel(as("bea"), e.ID, v); return err },
		"Resolve": func(v int64) error {
			_, err := cal.Resolve(as("bea"), e.ID, v, calendar.Resolution{Channel: "acme-es-x", Found: true})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			for _, v := range []int64{0, -7} {
				err := call(v)
				var ve *cmkit.ValidationError
				if !assert.ErrorAs(t, err, &ve, "version %d", v) {
					continue
				}
				assert.Equal(t, "version", ve.Field)
				assert.Equal(t, "required", ve.Rule)
			}
			if name == "Cancel" || name == "Resolve" {
				return
			}
			err := call(calendar.Latest)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "not_latest", ve.Rule)
		})
	}
	got := f.get(t, e)
	assert.Equal(t, e.Version, got.Version, "nothing was written")

	// Cancel takes Latest: the crisis button stops whatever is current.
	got, err = cal.Cancel(as("bea"), e.ID, calendar.Latest)
	require.NoError(t, err)
	assert.Equal(t, calendar.Cancelled, got.State)
	_, err = cal.Cancel(as("bea"), uuid.Nil, calendar.Latest)
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
}
