package main

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
	"github.com/cmkit/cmkit/cmkittest"
)

// unsetEnv clears every variable the program reads, for this test.
func unsetEnv(t *testing.T) {
	for _, v := range []string{"MASTODON_SERVER", "MASTODON_TOKEN", "BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD", "BLUESKY_PDS"} {
		t.Setenv(v, "")
	}
}

// noSecret fails t when out holds secret as it is or URL-escaped.
func noSecret(t *testing.T, out, secret string) {
	t.Helper()
	for _, form := range []string{secret, url.QueryEscape(secret)} {
		if strings.Contains(out, form) {
			t.Errorf("the output shows a credential (%q):\n%s", form, out)
		}
	}
}

var published = regexp.MustCompile(`(?m)^published on (envchannels-mastodon \(mastodon\)|envchannels-bluesky \(bluesky\)): post ([0-9a-f-]{36}) is (\S+) at (\S+), \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// Without the variables, the program says what it would do, publishes one
// post on each fake server, and prints both receipts.
func TestRunOnFakeServers(t *testing.T) {
	unsetEnv(t)
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"MASTODON_SERVER and MASTODON_TOKEN are not set: with them, this would publish one post on that Mastodon account; publishing on the bundled fake server (mastodontest) instead\n",
		"BLUESKY_HANDLE and BLUESKY_APP_PASSWORD are not set: with them, this would publish one post on that Bluesky account; publishing on the bundled fake PDS (blueskytest) instead\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the output lacks %q:\n%s", want, s)
		}
	}
	m := published.FindAllStringSubmatch(s, -1)
	if len(m) != 2 || m[0][1] != "envchannels-mastodon (mastodon)" || m[1][1] != "envchannels-bluesky (bluesky)" {
		t.Fatalf("want one receipt on each channel, Mastodon first:\n%s", s)
	}
	if !strings.HasPrefix(m[1][3], "at://did:plc:") || !strings.HasPrefix(m[1][4], "https://bsky.app/profile/") {
		t.Errorf("the Bluesky receipt names no record: %q", m[1][0])
	}
	noSecret(t, s, "mastodontest-token")
}

// With the variables set (here to fake servers with known credentials),
// the program publishes on those accounts, says so, and never prints the
// token or the app password.
func TestRunFromEnvironment(t *testing.T) {
	unsetEnv(t)
	const token, password = "s3cr3t-mastodon-token", "s3cr-3tbl-uesk-ypwd"
	masto := mastodontest.NewServer(mastodontest.Config{Token: token, LeakToken: true})
	defer masto.Close()
	pds := blueskytest.NewServer(blueskytest.ServerConfig{AppPassword: password, LeakSecrets: true})
	defer pds.Close()
	t.Setenv("MASTODON_SERVER", masto.URL())
	t.Setenv("MASTODON_TOKEN", token)
	t.Setenv("BLUESKY_HANDLE", pds.Handle())
	t.Setenv("BLUESKY_APP_PASSWORD", password)
	t.Setenv("BLUESKY_PDS", pds.URL())

	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"publishing on the Mastodon account of " + masto.URL() + " (from MASTODON_SERVER and MASTODON_TOKEN)\n",
		"publishing on the Bluesky account " + pds.Handle() + " (from BLUESKY_HANDLE and BLUESKY_APP_PASSWORD)\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "not set") {
		t.Errorf("the variables are set, but the program says otherwise:\n%s", s)
	}
	m := published.FindAllStringSubmatch(s, -1)
	if len(m) != 2 {
		t.Fatalf("want one receipt on each channel:\n%s", s)
	}
	if n := masto.Count(m[0][2]); n != 1 {
		t.Errorf("the Mastodon server holds post %s %d times, want 1", m[0][2], n)
	}
	if n := pds.Posts(); n != 1 {
		t.Errorf("the PDS holds %d posts, want 1", n)
	}
	noSecret(t, s, token)
	noSecret(t, s, password)
}

// A failure says which platform and why, and shows no credential, even
// when the server echoes it; a half-set platform names the variable that
// is missing.
func TestRunErrors(t *testing.T) {
	const token, password = "s3cr3t-mastodon-token", "s3cr-3tbl-uesk-ypwd"
	masto := mastodontest.NewServer(mastodontest.Config{Token: token, LeakToken: true})
	defer masto.Close()
	pds := blueskytest.NewServer(blueskytest.ServerConfig{AppPassword: "othe-rpas-swor-dxyz", LeakSecrets: true})
	defer pds.Close()
	for _, c := range []struct {
		name  string
		env   map[string]string
		fault bool     // the Mastodon server refuses the post, echoing the token
		want  []string // in the error
		class error
	}{
		{"mastodon token missing", map[string]string{"MASTODON_SERVER": masto.URL()}, false,
			[]string{"opening Mastodon", "Token", "MASTODON_TOKEN"}, cmkit.ErrInvalid},
		{"mastodon server missing", map[string]string{"MASTODON_TOKEN": token}, false,
			[]string{"opening Mastodon", "Server", "MASTODON_SERVER"}, cmkit.ErrInvalid},
		{"bluesky password missing", map[string]string{"BLUESKY_HANDLE": "acme.bsky.social"}, false,
			[]string{"opening Bluesky", "AppPassword", "BLUESKY_APP_PASSWORD"}, cmkit.ErrInvalid},
		{"mastodon refuses", map[string]string{"MASTODON_SERVER": masto.URL(), "MASTODON_TOKEN": token}, true,
			[]string{"publishing on envchannels-mastodon"}, cmkit.ErrPermanent},
		{"bluesky wrong password", map[string]string{"BLUESKY_HANDLE": pds.Handle(), "BLUESKY_APP_PASSWORD": password, "BLUESKY_PDS": pds.URL()}, false,
			[]string{"publishing on envchannels-bluesky", "HTTP 401"}, cmkit.ErrForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			unsetEnv(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			if c.fault {
				masto.Inject(cmkittest.FaultPermanent)
			}
			var out bytes.Buffer
			err := run(context.Background(), &out)
			if err == nil {
				t.Fatalf("run succeeded:\n%s", out.String())
			}
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error %q lacks %q", err, want)
				}
			}
			if !errors.Is(err, c.class) {
				t.Errorf("the error %q is not %v", err, c.class)
			}
			noSecret(t, err.Error()+"\n"+out.String(), token)
			noSecret(t, err.Error()+"\n"+out.String(), password)
		})
	}
}
