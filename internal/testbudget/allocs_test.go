package testbudget

import (
	"strings"
	"sync"
	"testing"
)

// fakeT records what NoAllocs reports instead of failing the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }

var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

var sink []byte

// pooled uses scratch from a pool, as the code under such tests does.
func pooled() {
	b := scratchPool.Get().(*[]byte)
	*b = append((*b)[:0], "some text to work on"...)
	*b = (*b)[:0]
	scratchPool.Put(b)
}

func TestNoAllocsPassesPooledCode(t *testing.T) {
	ft := &fakeT{TB: t}
	NoAllocs(ft, 400, pooled)
	if ft.failed {
		t.Fatal("NoAllocs failed code whose only allocations are pool misses")
	}
}

func TestNoAllocsPassesCodeWithThreePools(t *testing.T) {
	ft := &fakeT{TB: t}
	NoAllocs(ft, 400, func() { pooled(); pooled(); pooled() })
	if ft.failed {
		t.Fatal("NoAllocs failed code whose only allocations are misses of three pools")
	}
}

func TestNoAllocsFailsCodeThatAllocatesEveryCall(t *testing.T) {
	ft := &fakeT{TB: t}
	NoAllocs(ft, 400, func() {
		pooled()
		sink = []byte(strings.Repeat("x", 64))
	})
	if !ft.failed {
		t.Fatal("NoAllocs passed code that allocates on every call")
	}
}
