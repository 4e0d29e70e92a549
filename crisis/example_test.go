package crisis_test

import (
	"fmt"

	"github.com/cmkit/cmkit/crisis"
)

// A plan in JSON: two levels, the second paging the social media manager
// and then the senior CMs every 15 minutes, pausing two channels and
// tightening moderation.
func Example_planInJSON() {
	plan, err := crisis.ParsePlan([]byte(`{
	  "id": "acme-crisis", "brand": "acme", "version": 3,
	  "levels": [
	    {"name": "watch",
	     "entry": {"min_volume_ratio": 2},
	     "responders": [{"role": "senior_cm", "scope": {"brand": "acme"}}],
	     "ack_within": "30m",
	     "approvals": [{"name": "smm", "roles": ["smm"]}]},
	    {"name": "major",
	     "entry": {"min_volume_ratio": 4, "min_negative_share": 0.3, "all": true},
	     "responders": [{"role": "smm"}],
	     "ack_within": "10m",
	     "escalation": [{"role": "senior_cm", "after": "10m", "repeat": "15m"}],
	     "statements": [
	       {"language": "es", "text": "Estamos revisando lo ocurrido."},
	       {"language": "en", "channel": "acme-x", "text": "We are looking into it."}],
	     "approvals": [{"name": "smm", "roles": ["smm"]}, {"name": "legal", "roles": ["legal"]}],
	     "on_entry": {
	       "pause_publishing": {"channels": ["acme-x", "acme-ig"], "missed": "hold"},
	       "moderation_rules": "crisis-strict",
	       "style_guide_crisis": true,
	       "notify_customer_service": "Crisis: route every complaint to the crisis queue."}}
	  ]}`), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	ref := plan.Ref()
	fmt.Println(ref.ID, ref.Version, len(ref.Hash))
	level, _ := plan.LevelFor(5, 0.4)
	fmt.Println(level.Name, level.AckWithin, level.Escalation[0].Repeat)
	fmt.Println(level.OnEntry.PausePublishing.Channels, level.OnEntry.PausePublishing.Missed)
	level, _ = plan.LevelFor(5, 0.1)
	fmt.Println(level.Name)

	_, err = crisis.ParsePlan([]byte(`{"id": "x", "brand": "acme", "version": 1, "levels": [
	  {"name": "watch", "entry": {"manual": true}, "responders": [{"role": "smm"}], "ack_within": "5m",
	   "escalation": [{"role": "press_officer", "after": "5m"}], "approvals": [{"name": "smm", "roles": ["smm"]}]}]}`), nil)
	fmt.Println(err)
	// Output:
	// acme-crisis 3 71
	// major 10m0s 15m0s
	// [acme-x acme-ig] hold
	// watch
	// cmkit: invalid levels[0].escalation[0].role: unknown: no role "press_officer"
}
