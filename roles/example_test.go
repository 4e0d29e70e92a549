package roles_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// A team is usually written down once, in a JSON file, and loaded into an
// empty directory; after that it changes one grant at a time.
func Example_defineTeam() {
	ctx := context.Background()
	team, err := roles.ParseTeam([]byte(`{
	  "roles": [{"name": "community_lead", "inherits": ["senior_cm"], "permissions": ["kpi.define"]}],
	  "members": [{"id": "sam", "name": "Sam"}, {"id": "ana", "name": "Ana"}, {"id": "ola", "name": "Ola"}],
	  "grants": [
	    {"member": "sam", "role": "smm", "scope": {"brand": "acme"}},
	    {"member": "ana", "role": "community_lead", "scope": {"brand": "acme", "country": "ES"}},
	    {"member": "ola", "role": "junior_cm", "scope": {"brand": "acme", "country": "PL"}}
	  ]}`), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithRoles(team.Roles),
		roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := dir.Bootstrap(ctx, team); err != nil {
		fmt.Println(err)
		return
	}

	// Sam, the brand's SMM, adds an intern for Poland.
	asSam := roles.WithActor(ctx, "sam")
	if _, err := dir.PutMember(asSam, roles.Member{ID: "kuba", Name: "Kuba"}); err != nil {
		fmt.Println(err)
		return
	}
	_, err = dir.Grant(asSam, roles.Grant{Member: "kuba", Role: roles.Intern, Scope: roles.Scope{Brand: "acme", Country: "PL"}})
	fmt.Println("sam grants intern:", err)

	// Ana may not hand out a role she does not hold.
	_, err = dir.Grant(roles.WithActor(ctx, "ana"), roles.Grant{Member: "kuba", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}})
	fmt.Println("ana grants smm:", errors.Is(err, cmkit.ErrForbidden))
	fmt.Println("kuba's roles in Poland:", dir.RolesOf("kuba", roles.Resource{Brand: "acme", Country: "PL"}))
	// Output:
	// sam grants intern: <nil>
	// ana grants smm: true
	// kuba's roles in Poland: [intern]
}

// Services check the acting member before every change; the decision says
// why.
func ExampleDirectory_Check() {
	ctx := context.Background()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "ola"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "ola", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "PL"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	channel := roles.ResourceOf(cmkit.ChannelInfo{ID: "acme-pl-fb", Platform: cmkit.Facebook, Brand: "acme", Country: "PL"})

	asOla := roles.WithActor(ctx, "ola")
	fmt.Println(dir.Check(asOla, roles.ReplyMention, channel))
	err = dir.Check(asOla, roles.PublishPost, channel)
	fmt.Println(errors.Is(err, cmkit.ErrForbidden))
	fmt.Println(err)
	// Output:
	// <nil>
	// true
	// roles: forbidden: ola may not post.publish on brand=acme channel=acme-pl-fb country=PL: no grant gives it; they hold role junior_cm on brand=acme country=PL (without post.publish)
}

// A junior's post needs a senior CM; the junior cannot approve it, and a
// post edited after approval needs approval again.
func ExampleDirectory_Approve() {
	ctx := context.Background()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "bea"}, {ID: "ola"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "bea", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme"}},
			{Member: "ola", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	policy := roles.DefaultPolicy()
	post := roles.Item{ID: cmkit.NewID(), Version: 1, Kind: roles.KindPost, Authors: []string{"ola"},
		Resources: []roles.Resource{{Brand: "acme", Channel: "acme-pl-fb"}}}

	st, err := dir.ApprovalStatus(ctx, policy, post, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("approved:", st.Approved, "- who can approve:", st.Open()[0].CanApprove)

	_, err = dir.Approve(roles.WithActor(ctx, "ola"), policy, post, nil)
	fmt.Println("ola approves her own post:", errors.Is(err, cmkit.ErrForbidden))

	approvals, err := dir.Approve(roles.WithActor(ctx, "bea"), policy, post, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err = dir.ApprovalStatus(ctx, policy, post, approvals)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after bea:", st.Approved)

	post.Version++ // ola edits the text
	st, err = dir.ApprovalStatus(ctx, policy, post, approvals)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after the edit:", st.Approved)
	// Output:
	// approved: false - who can approve: [bea sam]
	// ola approves her own post: true
	// after bea: true
	// after the edit: false
}

// DefaultPolicy approves by permission: a senior of the Polish team given
// post.approve for the whole brand may approve a Spanish junior's post,
// while her colleague, a senior in Poland only, may not.
func ExampleDefaultPolicy() {
	ctx := context.Background()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	poland := roles.Scope{Brand: "acme", Country: "PL"}
	err = dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "ola"}, {ID: "kuba"}, {ID: "ana"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "ola", Role: roles.SeniorCM, Scope: poland},
			{Member: "ola", Permission: roles.ApprovePost, Scope: roles.Scope{Brand: "acme"}},
			{Member: "kuba", Role: roles.SeniorCM, Scope: poland},
			{Member: "ana", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	policy := roles.DefaultPolicy()
	post := roles.Item{ID: cmkit.NewID(), Version: 1, Kind: roles.KindPost, Authors: []string{"ana"},
		Resources: []roles.Resource{{Brand: "acme", Channel: "acme-es-ig", Country: "ES"}}}

	st, err := dir.ApprovalStatus(ctx, policy, post, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("who can approve:", st.Open()[0].CanApprove)
	_, err = dir.Approve(roles.WithActor(ctx, "kuba"), policy, post, nil)
	fmt.Println("kuba approves:", errors.Is(err, cmkit.ErrForbidden))
	approvals, err := dir.Approve(roles.WithActor(ctx, "ola"), policy, post, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err = dir.ApprovalStatus(ctx, policy, post, approvals)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after ola:", st.Approved)
	// Output:
	// who can approve: [ola sam]
	// kuba approves: true
	// after ola: true
}

// Table shows what each role may do, including a product's own roles and
// permissions; here the header and two rows of it.
func ExampleRoleSet_Table() {
	rs := roles.NewRoleSet()
	if err := rs.DefinePermission(roles.PermissionInfo{Name: "report.export", Description: "export reports"}); err != nil {
		fmt.Println(err)
		return
	}
	if err := rs.DefineRole(roles.Role{Name: "lead", Inherits: []string{roles.Intern},
		Permissions: []roles.Permission{"report.export"}}); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(rs.Table(), "\n") {
		if strings.HasPrefix(line, "| permission ") || strings.HasPrefix(line, "| post.submit ") ||
			strings.HasPrefix(line, "| report.export ") {
			fmt.Println(line)
		}
	}
	// Output:
	// | permission                | intern | junior_cm | senior_cm | smm | analyst | customer_service | designer | client_approver | legal | lead |
	// | post.submit               | ✓      | ✓         | ✓         | ✓   |         |                  |          |                 |       | ✓    |
	// | report.export             |        |           |           |     |         |                  |          |                 |       | ✓    |
}
