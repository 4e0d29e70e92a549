package crisis_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/crisis"
)

// FuzzParsePlan: the loader never panics, fails only with ErrInvalid, and a
// plan it accepts reads back from its own JSON equal, with the same hash.
func FuzzParsePlan(f *testing.F) {
	good, _ := json.Marshal(testPlan())
	f.Add(good)
	f.Add([]byte(`{"id":"a","brand":"b","version":1,"levels":[{"name":"x","entry":{"manual":true},` +
		`"responders":[{"member":"m"}],"ack_within":"1m","approvals":[{"name":"s","members":["n"]}]}]}`))
	f.Add([]byte(`{"levels":[{"entry":{"manual":true,"Manual":false}}]}`))
	f.Add([]byte(`[1,{"a":[{}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := crisis.ParsePlan(data, nil)
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := crisis.ParsePlan(b, nil)
		if err != nil {
			t.Fatalf("own JSON refused: %v\n%s", err, b)
		}
		if p.Hash() != q.Hash() {
			t.Fatalf("hash changed over a round trip:\n%s", b)
		}
	})
}
