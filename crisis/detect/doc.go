// Package detect watches per-bucket mention counts of many series and
// reports breakouts of volume and negative share (issue 16, detection).
package detect
