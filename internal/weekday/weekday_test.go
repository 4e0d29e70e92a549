package weekday

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseDays(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []time.Weekday
	}{
		{"mon", []time.Weekday{1}},
		{" Monday ", []time.Weekday{1}},
		{"SUN", []time.Weekday{0}},
		{"mon-fri", []time.Weekday{1, 2, 3, 4, 5}},
		{"fri-mon", []time.Weekday{5, 6, 0, 1}},
		{"Sat - Sun", []time.Weekday{6, 0}},
		{"wed-wed", []time.Weekday{3}},
		{"daily", []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
		{"everyday", []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
		{"weekdays", []time.Weekday{1, 2, 3, 4, 5}},
		{"Weekend", []time.Weekday{0, 6}},
	} {
		got, ok := ParseDays(tt.in)
		assert.True(t, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	for _, s := range []string{"", "mo", "lunes", "mon-", "-fri", "mon-fri-sat", "mon fri"} {
		_, ok := ParseDays(s)
		assert.False(t, ok, "%q", s)
	}
}
