module github.com/cmkit/cmkit/adapters/mastodon

go 1.24.0

require (
	github.com/cmkit/cmkit v0.0.0-00010101000000-000000000000
	github.com/google/uuid v1.6.0
	github.com/stretchr/testify v1.12.1
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/time v0.14.0 // indirect
)

replace github.com/cmkit/cmkit => ../..
