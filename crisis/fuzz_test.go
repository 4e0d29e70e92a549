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

// FuzzParseScenario: the scenario loader never panics, fails only with
// ErrInvalid, and a scenario it accepts reads back from its own JSON equal.
func FuzzParseScenario(f *testing.F) {
	good, _ := json.Marshal(recall(crisis.DrillAction{At: at(34), Member: "bea", Do: crisis.DrillAcknowledge}))
	f.Add(good)
	f.Add([]byte(`{"name":"x","start":"2026-03-03T09:00:00Z","length":"1h","series":"s","mentions_per_minute":1,` +
		`"hourly":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"actions":[{"at":"1m","member":"m","do":"declare","level":"l","text":"t"}]}`))
	f.Add([]byte(`{"surges":[{"at":"-1m"}],"Surges":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := crisis.ParseScenario(data)
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		b, err := json.Marshal(sc)
		if err != nil {
			t.Fatal(err)
		}
		again, err := crisis.ParseScenario(b)
		if err != nil {
			t.Fatalf("own JSON refused: %v\n%s", err, b)
		}
		b2, _ := json.Marshal(again)
		if string(b) != string(b2) {
			t.Fatalf("changed over a round trip:\n%s\n%s", b, b2)
		}
	})
}
