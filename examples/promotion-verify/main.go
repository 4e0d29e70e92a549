// Command promotion-verify checks a giveaway's draw: it reads the published
// record (commitment, revealed seed, beacon, entry list hash, draw key,
// winners and alternates) and the entry list from one JSON file, or from
// stdin, runs promotion.Verify, and prints OK or the first thing that does
// not match. The entry list is the JSON's "entries", or with -entries a
// text file with one key a line, as the brand published it.
//
//	go run ./examples/promotion-verify examples/promotion-verify/draw.json
//	go run ./examples/promotion-verify -entries entries.txt < record.json
//
// It exits with 0 when the draw verifies, 1 when it does not, and 2 when
// the input cannot be read. It cannot check the beacon's value: compare the
// value it prints with the round the beacon itself published.
//
// draw.json, next to this file, is the draw of promotion.ExampleDraw, whose
// beacon value is illustrative.
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// input is the verifier's file: the draw record and the entry list.
type input struct {
	promotion.DrawRecord
	Entries []string `json:"entries"`
}

// run is the program: it returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("promotion-verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	entriesFile := fs.String("entries", "", "read the entry list from this text file (one key a line) instead of the JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: promotion-verify [-entries entries.txt] [record.json]   (no file, or -: stdin)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return 2
	}
	in, err := read(fs.Arg(0), *entriesFile, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "promotion-verify:", err)
		return 2
	}
	if err := promotion.Verify(in.DrawRecord, in.Entries); err != nil {
		var ve *cmkit.ValidationError
		if errors.As(err, &ve) {
			fmt.Fprintf(stdout, "MISMATCH in %s (%s): %s\n", ve.Field, ve.Rule, ve.Detail)
		} else {
			fmt.Fprintln(stdout, "MISMATCH:", err)
		}
		return 1
	}
	report(stdout, in)
	return 0
}

func read(path, entriesFile string, stdin io.Reader) (input, error) {
	var in input
	r := stdin
	if path != "" && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return in, err
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields() // a misspelt field would silently skip its check
	if err := dec.Decode(&in); err != nil {
		return in, fmt.Errorf("reading the record: %w", err)
	}
	if entriesFile == "" {
		return in, nil
	}
	if in.Entries != nil {
		return in, errors.New(`the record has "entries" and -entries names a file: give the list once`)
	}
	f, err := os.Open(entriesFile)
	if err != nil {
		return in, err
	}
	defer f.Close()
	in.Entries, err = lines(f)
	return in, err
}

// lines reads one key a line; every line, the last included, ends in
// "\n", as FrozenEntries.WriteTo writes them.
func lines(r io.Reader) ([]string, error) {
	text, err := io.ReadAll(bufio.NewReader(r))
	if err != nil {
		return nil, err
	}
	s := string(text)
	if s == "" {
		return nil, nil
	}
	if !strings.HasSuffix(s, "\n") {
		return nil, errors.New("the entry list's last line does not end in a newline")
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n"), nil
}

func report(w io.Writer, in input) {
	fmt.Fprintln(w, "OK: the draw verifies.")
	fmt.Fprintf(w, "  commitment  %s (check it is the one announced when the promotion opened)\n", in.Commitment)
	fmt.Fprintf(w, "  entries     %d\n", len(in.Entries))
	if b := in.Beacon; b != nil {
		fmt.Fprintf(w, "  beacon      %s round %d, value %s (check it against the beacon's own record)\n", b.Name, b.Round, hex.EncodeToString(b.Value))
	} else {
		fmt.Fprintln(w, "  beacon      none")
	}
	fmt.Fprintf(w, "  winners     %s\n", strings.Join(in.Winners, ", "))
	fmt.Fprintf(w, "  alternates  %s\n", strings.Join(in.Alternates, ", "))
}
