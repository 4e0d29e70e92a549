// Package webhook is a cmkit.Channel for every platform cmkit has no
// adapter for: it POSTs each post as signed JSON to an endpoint the company
// runs, which publishes it wherever the company already reaches from its
// own backend. Receiver is the other side's helper.
package webhook
