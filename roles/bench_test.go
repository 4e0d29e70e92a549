package roles_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

type query struct {
	member string
	perm   roles.Permission
	res    roles.Resource
}

// bigDirectory builds the benchmark team: 10,000 members and 50,000 grants
// across 200 brands (some limited to a country or a channel prefix, 5%
// denies), and returns queries that are allowed and queries that are not.
func bigDirectory(b *testing.B) (*roles.Directory, []query, []query) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	rs := roles.NewRoleSet()
	builtin := []string{roles.SocialMediaManager, roles.SeniorCM, roles.JuniorCM, roles.Intern,
		roles.Analyst, roles.CustomerService, roles.Designer, roles.ClientApprover}
	countries := []string{"ES", "PL", "GB", "US", "MX", "DE"}
	var change roles.Change
	type held struct {
		role  string
		scope roles.Scope
	}
	allows := map[string][]held{}
	for i := range 10_000 {
		id := fmt.Sprintf("member-%05d", i)
		change.PutMembers = append(change.PutMembers, roles.Member{ID: id})
		for range 5 {
			brand := fmt.Sprintf("brand-%03d", rng.IntN(200))
			s := roles.Scope{Brand: brand}
			switch rng.IntN(4) {
			case 0:
				s.Country = countries[rng.IntN(len(countries))]
			case 1:
				s.Channel = brand + "-es-*"
			}
			g := roles.Grant{ID: cmkit.NewID(), Member: id, Scope: s}
			if rng.IntN(20) == 0 {
				g.Permission, g.Deny = roles.PublishPost, true
			} else {
				g.Role = builtin[rng.IntN(len(builtin))]
				allows[id] = append(allows[id], held{g.Role, s})
			}
			change.AddGrants = append(change.AddGrants, g)
		}
	}
	store := roles.NewMemoryStore()
	if err := store.Apply(context.Background(), change); err != nil {
		b.Fatal(err)
	}
	dir, err := roles.New(context.Background(), store, roles.WithRoles(rs), roles.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	var yes, no []query
	for len(yes) < 4096 || len(no) < 4096 {
		id := fmt.Sprintf("member-%05d", rng.IntN(10_000))
		hs := allows[id]
		if len(hs) == 0 {
			continue
		}
		h := hs[rng.IntN(len(hs))]
		perms := rs.Effective(h.role)
		q := query{member: id, perm: perms[rng.IntN(len(perms))],
			res: roles.Resource{Brand: h.scope.Brand, Channel: h.scope.Brand + "-es-x", Country: "ES"}}
		if h.scope.Country != "" {
			q.res.Country = h.scope.Country
		}
		dec, err := dir.Authorize(context.Background(), q.member, q.perm, q.res)
		if err != nil {
			b.Fatal(err)
		}
		if dec.Allowed && len(yes) < 4096 {
			yes = append(yes, q)
		}
		q.res.Brand = "brand-none"
		if len(no) < 4096 {
			no = append(no, q)
		}
	}
	return dir, yes, no
}

// BenchmarkAuthorize measures one check on the allow path.
func BenchmarkAuthorize(b *testing.B) {
	dir, yes, _ := bigDirectory(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := &yes[i&4095]
		if dec, _ := dir.Authorize(ctx, q.member, q.perm, q.res); !dec.Allowed {
			b.Fatal("denied")
		}
	}
}

// BenchmarkAuthorizeDenied measures one check that no grant allows.
func BenchmarkAuthorizeDenied(b *testing.B) {
	dir, _, no := bigDirectory(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := &no[i&4095]
		if dec, _ := dir.Authorize(ctx, q.member, q.perm, q.res); dec.Allowed {
			b.Fatal("allowed")
		}
	}
}

// BenchmarkAuthorizeParallel runs allow-path checks from 8 goroutines
// whatever GOMAXPROCS is (run it with -cpu 1,2 to see the scaling).
func BenchmarkAuthorizeParallel(b *testing.B) {
	dir, yes, _ := bigDirectory(b)
	ctx := context.Background()
	b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := rand.IntN(4096)
		for pb.Next() {
			q := &yes[i&4095]
			if dec, _ := dir.Authorize(ctx, q.member, q.perm, q.res); !dec.Allowed {
				b.Error("denied")
				return
			}
			i++
		}
	})
}
