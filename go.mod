module github.com/cmkit/cmkit

go 1.24.0

require (
	github.com/google/uuid v1.6.0
	github.com/stretchr/testify v1.12.1
	// v0.14.0 is the newest x/time whose go line allows Go 1.24; its rate
	// package is the same as in v0.16.0, which only raised the go line.
	golang.org/x/time v0.14.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
