package styleguide

// formulaID is a readability formula known to the rules.
type formulaID int

var formulaTable = []string{"", "flesch", "fernandez-huerta", "szigriszt-pazos", "pisarek"}

func formulaByName(name string) (formulaID, bool) {
	for i, n := range formulaTable {
		if i > 0 && n == name {
			return formulaID(i), true
		}
	}
	return 0, name == ""
}

func formulaNames() []string { return formulaTable[1:] }

func (c *checker) readability(dst []Alert, ri int32) []Alert { return dst }
