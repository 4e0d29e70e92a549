package roles

import (
	"hash/maphash"
	"maps"
	"sync/atomic"
)

// compiled is a grant prepared for checks: the permissions it confers as a
// bit set, its expiry as a number.
//
// The fields a check reads (perms, scope, deny, expires) are copies held in
// the slice itself, so that a check walks one contiguous block of memory
// and touches the Grant only to report it.
type compiled struct {
	perms   permSet
	scope   Scope
	deny    bool
	expires int64  // Unix nanoseconds; 0 means never
	grant   *Grant // immutable once indexed
}

func (c *compiled) live(now int64) bool { return c.expires == 0 || now < c.expires }

// shardCount spreads members over independently replaced maps, so a grant
// change copies one small map, not the whole team.
const shardCount = 64

// index maps each member to their compiled grants. Readers never lock: each
// shard is an immutable map behind an atomic pointer, replaced whole by the
// (serialized) writers. That is why checks from many goroutines scale.
type index struct {
	seed   maphash.Seed
	shards [shardCount]atomic.Pointer[map[string][]compiled]
}

func newIndex() *index {
	ix := &index{seed: maphash.MakeSeed()}
	for i := range ix.shards {
		m := map[string][]compiled{}
		ix.shards[i].Store(&m)
	}
	return ix
}

func (ix *index) shard(member string) *atomic.Pointer[map[string][]compiled] {
	return &ix.shards[maphash.String(ix.seed, member)&(shardCount-1)]
}

// of returns member's grants. The slice is shared and must not be modified.
func (ix *index) of(member string) []compiled {
	return (*ix.shard(member).Load())[member]
}

// set replaces member's grants (nil removes the member). Callers serialize.
func (ix *index) set(member string, gs []compiled) {
	p := ix.shard(member)
	m := maps.Clone(*p.Load())
	if len(gs) == 0 {
		delete(m, member)
	} else {
		m[member] = gs
	}
	p.Store(&m)
}

// all yields every member and their grants, shard by shard.
func (ix *index) all(yield func(string, []compiled) bool) {
	for i := range ix.shards {
		for m, gs := range *ix.shards[i].Load() {
			if !yield(m, gs) {
				return
			}
		}
	}
}
