module github.com/cmkit/cmkit/adapters/examples/envchannels

go 1.24.0

require (
	github.com/cmkit/cmkit v0.0.0-00010101000000-000000000000
	github.com/cmkit/cmkit/adapters/bluesky v0.0.0-00010101000000-000000000000
	github.com/cmkit/cmkit/adapters/mastodon v0.0.0-00010101000000-000000000000
)

require (
	github.com/google/uuid v1.6.0 // indirect
	golang.org/x/time v0.14.0 // indirect
)

replace (
	github.com/cmkit/cmkit => ../../..
	github.com/cmkit/cmkit/adapters/bluesky => ../../bluesky
	github.com/cmkit/cmkit/adapters/mastodon => ../../mastodon
)
