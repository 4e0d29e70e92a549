package cmkit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sameConcept lists the exported type names that several packages declare
// on purpose, because they are the same concept in each (DESIGN.md: every
// package that keeps state has its own Store and MemoryStore, configured
// by its own Option; cmkittest.Clock is a cmkit.Clock, simulated; each
// service that authorizes through roles declares the Authority it needs
// from the team, which *roles.Directory implements; crisis and promotion
// each name their package's service type Service).
var sameConcept = []string{"Store", "MemoryStore", "Option", "Clock", "Authority", "Service"}

// TestTypesImportedTogetherDoNotShareNames: two exported types a user
// imports together share a name only when they are the same concept, so
// that calendar.Rule and roles.Rule, say, never both exist.
func TestTypesImportedTogetherDoNotShareNames(t *testing.T) {
	where := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != "." && (strings.HasPrefix(name, ".") || name == "internal" || name == "testdata" || name == "examples" || name == "adapters") {
			return filepath.SkipDir
		}
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, path, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
		if err != nil {
			return err
		}
		for pkgName, pkg := range pkgs {
			for _, f := range pkg.Files {
				for _, decl := range f.Decls {
					gd, ok := decl.(*ast.GenDecl)
					if !ok || gd.Tok != token.TYPE {
						continue
					}
					for _, spec := range gd.Specs {
						ts := spec.(*ast.TypeSpec)
						if ts.Name.IsExported() && !slices.Contains(sameConcept, ts.Name.Name) {
							where[ts.Name.Name] = append(where[ts.Name.Name], pkgName)
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, pkgs := range where {
		if len(pkgs) > 1 {
			t.Errorf("type %s is declared in %v: rename one, or list it in sameConcept if it is the same concept", name, pkgs)
		}
	}
}
