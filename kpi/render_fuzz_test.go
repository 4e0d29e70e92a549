package kpi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzScorecardText puts arbitrary text in the scorecard's text fields and
// checks that every form still holds it as text: HTML with only the
// page's own elements and nothing to load, Markdown without an unescaped
// '<' or table border, JSON and CSV that read back to the same text.
func FuzzScorecardText(f *testing.F) {
	f.Add("Acme", "Engagement rate", "Black Friday", "Globex")
	f.Add(hostile, "a|b\nc", "<style>@import url(//x)</style>", "\\<script>")
	f.Add("=cmd|' /C calc'!A0", "\u202eevil", "\x00\x7f\ufeff", "\xff\xfe")
	f.Fuzz(func(t *testing.T, title, name, excerpt, brand string) {
		c := recommended("pl")
		c.Title, c.Lines[0].Name, c.TopPosts[0].Excerpt, c.Voice[1].Brand = title, name, excerpt, brand
		var page, md, js, sheet bytes.Buffer
		if err := c.WriteHTML(&page); err != nil {
			t.Fatal(err)
		}
		for _, tag := range htmlTags(page.String()) {
			if !pageElements[tag.name] {
				t.Fatalf("element <%s> from user text", tag.name)
			}
		}
		assertOffline(t, page.String())
		if err := c.WriteMarkdown(&md); err != nil {
			t.Fatal(err)
		}
		borders := -1 // unescaped '|' in the current table's rows
		for _, line := range strings.Split(md.String(), "\n") {
			pipes := 0
			for i := 0; i < len(line); i++ {
				if line[i] != '<' && line[i] != '|' {
					continue
				}
				n := 0
				for j := i - 1; j >= 0 && line[j] == '\\'; j-- {
					n++
				}
				if n%2 == 1 {
					continue
				}
				if line[i] == '|' {
					pipes++
				} else if !strings.HasSuffix(line[:i], "](") {
					t.Fatalf("unescaped '<' in %q", line)
				}
			}
			switch {
			case !strings.HasPrefix(line, "| "):
				borders = -1
			case borders == -1:
				borders = pipes
			case pipes != borders:
				t.Fatalf("table row with %d borders, header has %d: %q", pipes, borders, line)
			}
		}
		if err := c.WriteJSON(&js); err != nil {
			t.Fatal(err)
		}
		var back struct {
			Title string `json:"title"`
		}
		if err := json.Unmarshal(js.Bytes(), &back); err != nil {
			t.Fatal(err)
		}
		if utf8.ValidString(title) && back.Title != title {
			t.Fatalf("JSON title %q, want %q", back.Title, title)
		}
		if err := c.WriteCSV(&sheet, CSVStyle{Comma: ';'}); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(&sheet)
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := csvText(name)
		if !strings.ContainsAny(name, "\r") && rows[1][5] != want {
			t.Fatalf("CSV name %q, want %q", rows[1][5], want)
		}
	})
}

func BenchmarkWriteHTML(b *testing.B) {
	c := recommended("es")
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := c.WriteHTML(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteMarkdown(b *testing.B) {
	c := recommended("es")
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := c.WriteMarkdown(&buf); err != nil {
			b.Fatal(err)
		}
	}
}
