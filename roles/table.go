package roles

import (
	"strings"
	"unicode/utf8"
)

//go:generate go test -run ^TestRoleTablesAreCurrent$ -args -update

// Table returns a Markdown table of the catalogue: one row per permission
// and one column per role, both in definition order, with "✓" where the
// role has the permission, its own or inherited (as Allows reports). The
// columns are padded so that the table also reads as plain text. The
// package documentation and the README carry the table of NewRoleSet(); a
// product can render its own catalogue the same way.
func (rs *RoleSet) Table() string {
	rows := make([][]string, 0, len(rs.perms)+1)
	head := append([]string{"permission"}, rs.order...)
	rows = append(rows, head)
	for _, p := range rs.perms {
		row := []string{string(p.Name)}
		for _, role := range rs.order {
			cell := ""
			if rs.Allows(role, p.Name) {
				cell = "✓"
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	width := make([]int, len(head))
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c), 3)
		}
	}
	var b strings.Builder
	line := func(cells []string, pad string) {
		for i, c := range cells {
			b.WriteString("| ")
			b.WriteString(c)
			b.WriteString(strings.Repeat(pad, width[i]-utf8.RuneCountInString(c)))
			b.WriteString(" ")
		}
		b.WriteString("|\n")
	}
	line(rows[0], " ")
	dashes := make([]string, len(head))
	line(dashes, "-")
	for _, row := range rows[1:] {
		line(row, " ")
	}
	return b.String()
}
