// Command envchannels opens a Mastodon and a Bluesky channel from the
// environment, publishes one post on each, and prints the receipts.
//
// Mastodon is configured by MASTODON_SERVER and MASTODON_TOKEN, Bluesky by
// BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (and BLUESKY_PDS, optional):
// mastodon.FromEnv and bluesky.FromEnv read them. When both variables of a
// platform are set, the post goes to that account for real. When neither
// is set, the program says what it would do and does it against the
// bundled fake server instead (mastodontest, blueskytest), so that it runs
// anywhere. When only one is set, it stops with an error that names the
// missing variable. Credentials are never printed, not even in errors.
//
//	go run .                                  # both on the fake servers
//	MASTODON_SERVER=https://mastodon.social MASTODON_TOKEN=... go run .
//
// It is a nested module of its own, adapters/examples/envchannels, because
// it imports both adapter modules (each is a nested module, so that the
// root's go.mod never depends on them); its go.mod replaces the root and
// both adapters with the folders of this repository.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/bluesky"
	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
	"github.com/cmkit/cmkit/adapters/mastodon"
	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "envchannels:", err)
		os.Exit(1)
	}
}

// run opens both channels, publishes one post on each, and writes what it
// does to w.
func run(ctx context.Context, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	masto, closeMasto, err := openMastodon(w)
	if err != nil {
		return err
	}
	defer closeMasto()
	bsky, closeBsky, err := openBluesky(w)
	if err != nil {
		return err
	}
	defer closeBsky()
	for _, ch := range []cmkit.Channel{masto, bsky} {
		post := cmkit.Post{ID: cmkit.NewID(), Text: "Hello from cmkit's envchannels example #cmkit", Language: "en"}
		rc, err := ch.Publish(ctx, post)
		if err != nil {
			return fmt.Errorf("publishing on %s: %w", ch.Info().ID, err)
		}
		fmt.Fprintf(w, "published on %s (%s): post %s is %s", rc.ChannelID, ch.Info().Platform, rc.PostID, rc.PlatformID)
		if rc.URL != "" {
			fmt.Fprintf(w, " at %s", rc.URL)
		}
		fmt.Fprintf(w, ", %s\n", rc.PublishedAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// openMastodon opens the Mastodon channel MASTODON_SERVER and
// MASTODON_TOKEN name, or one on a fake server when neither is set; the
// function it returns closes the fake server.
func openMastodon(w io.Writer) (*mastodon.Channel, func(), error) {
	cfg := mastodon.FromEnv()
	cfg.ChannelID = "envchannels-mastodon"
	done := func() {}
	if cfg.Server == "" && cfg.Token == "" {
		fmt.Fprintf(w, "%s and %s are not set: with them, this would publish one post on that Mastodon account; publishing on the bundled fake server (mastodontest) instead\n",
			mastodon.EnvServer, mastodon.EnvToken)
		srv := mastodontest.NewServer(mastodontest.Config{})
		cfg.Server, cfg.Token, cfg.HTTPClient = srv.URL(), srv.Token(), srv.Client()
		done = srv.Close
	} else {
		fmt.Fprintf(w, "publishing on the Mastodon account of %s (from %s and %s)\n", cfg.Server, mastodon.EnvServer, mastodon.EnvToken)
	}
	ch, err := mastodon.New(cfg)
	if err != nil {
		done()
		return nil, nil, fmt.Errorf("opening Mastodon: %w", err)
	}
	return ch, done, nil
}

// openBluesky opens the Bluesky channel BLUESKY_HANDLE and
// BLUESKY_APP_PASSWORD name, or one on a fake PDS when neither is set; the
// function it returns closes the fake PDS.
func openBluesky(w io.Writer) (*bluesky.Channel, func(), error) {
	cfg := bluesky.FromEnv()
	cfg.ID = "envchannels-bluesky"
	done := func() {}
	if cfg.Handle == "" && cfg.AppPassword == "" {
		fmt.Fprintf(w, "%s and %s are not set: with them, this would publish one post on that Bluesky account; publishing on the bundled fake PDS (blueskytest) instead\n",
			bluesky.EnvHandle, bluesky.EnvAppPassword)
		srv := blueskytest.NewServer(blueskytest.ServerConfig{})
		cfg.Handle, cfg.AppPassword, cfg.PDS, cfg.HTTPClient = srv.Handle(), srv.AppPassword(), srv.URL(), srv.Client()
		done = srv.Close
	} else {
		fmt.Fprintf(w, "publishing on the Bluesky account %s (from %s and %s)\n", cfg.Handle, bluesky.EnvHandle, bluesky.EnvAppPassword)
	}
	ch, err := bluesky.New(cfg)
	if err != nil {
		done()
		return nil, nil, fmt.Errorf("opening Bluesky: %w", err)
	}
	return ch, done, nil
}
