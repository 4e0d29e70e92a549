package styleguide

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/entity"
)

// consistency alerts on every occurrence of a group's variants but the
// one the text uses most (on a tie, the one it uses first).
func (c *checker) consistency(dst []Alert, ri int32) []Alert {
	r := &c.g.rules[ri]
	text := c.d.Text
	for k, group := range r.Variants {
		gi := int32(r.group0 + k)
		// Which variant each occurrence is: the first spelled like the
		// original without regard to case, else the matched one.
		var counts [16]int32
		var firstAt [16]int32
		n := min(len(group), len(counts))
		for i := range firstAt[:n] {
			firstAt[i] = -1
		}
		seen := 0
		for i := range c.sc.occs {
			o := &c.sc.occs[i]
			if o.group != gi {
				continue
			}
			o.variant = int32(variantOf(group, text[o.start:o.end], int(o.variant)))
			if int(o.variant) < n {
				counts[o.variant]++
				if firstAt[o.variant] < 0 {
					firstAt[o.variant] = o.start
				}
				if counts[o.variant] == 1 {
					seen++
				}
			}
		}
		if seen < 2 {
			continue
		}
		best := -1
		for v := 0; v < n; v++ {
			if counts[v] == 0 {
				continue
			}
			if best < 0 || counts[v] > counts[best] || counts[v] == counts[best] && firstAt[v] < firstAt[best] {
				best = v
			}
		}
		for _, o := range c.sc.occs {
			if o.group != gi || int(o.variant) == best || int(o.variant) >= n {
				continue
			}
			orig := text[o.start:o.end]
			use := group[best]
			if orig != group[o.variant] {
				// Written otherwise than its variant ("Email" at the start
				// of a sentence): keep that case.
				use = keepCase(orig, use)
			}
			dst = c.add(dst, ri, string(r.Kind), int(o.start), int(o.end), &msgArgs{match: orig, use: group[best]},
				[]Fix{{Start: int(o.start), End: int(o.end), Replacement: use, Auto: true}})
		}
	}
	return dst
}

// variantOf returns the index of the variant of group spelled as orig
// without regard to case, else matched.
func variantOf(group []string, orig string, matched int) int {
	for i, v := range group {
		if strings.EqualFold(v, orig) {
			return i
		}
	}
	return matched
}

// crisis flags laughter and emoji while a crisis is on.
func (c *checker) crisis(dst []Alert, ri int32) []Alert {
	r := &c.g.rules[ri]
	c.analyze()
	text := c.d.Text
	if r.Laughter {
		for _, w := range c.sc.words {
			if w.flags&wSkip == 0 && isLaughter(text[w.start:w.end]) {
				dst = c.add(dst, ri, "crisis.laughter", int(w.start), int(w.end), &msgArgs{match: text[w.start:w.end]}, nil)
			}
		}
	}
	if r.Emoji {
		for _, e := range c.sc.emoji {
			dst = c.add(dst, ri, "crisis.emoji", int(e.start), int(e.end), &msgArgs{match: text[e.start:e.end]}, nil)
		}
	}
	return dst
}

// isLaughter reports whether w is written laughter: "haha", "jajaja",
// "jejeje", "hihi" (one syllable of h or j and a vowel, repeated, an extra
// letter allowed at either end), "xD", "xddd", "lol", "lmao", "rofl".
func isLaughter(w string) bool {
	if len(w) < 2 || len(w) > 40 {
		return false
	}
	var buf [40]byte
	for i := 0; i < len(w); i++ {
		b := w[i]
		if b >= utf8.RuneSelf {
			return false
		}
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		buf[i] = b
	}
	s := string(buf[:len(w)])
	switch s {
	case "lol", "lool", "lmao", "lmfao", "rofl", "rotfl":
		return true
	}
	if s[0] == 'x' {
		i := 1
		for i < len(s) && s[i] == 'x' {
			i++
		}
		j := i
		for j < len(s) && s[j] == 'd' {
			j++
		}
		return j == len(s) && j > i
	}
	// Syllables: consonant h or j, then one vowel, the same each time.
	s = strings.TrimPrefix(s, "a")
	s = strings.TrimSuffix(s, "h")
	s = strings.TrimSuffix(s, "j")
	if len(s) < 4 || len(s)%2 != 0 {
		return false
	}
	cons, vow := s[0], s[1]
	if cons != 'h' && cons != 'j' || !strings.ContainsRune("aeio", rune(vow)) {
		return false
	}
	for i := 0; i < len(s); i += 2 {
		if s[i] != cons || s[i+1] != vow {
			return false
		}
	}
	return true
}

// conditional checks what a condition requires.
func (c *checker) conditional(dst []Alert, ri int32) []Alert {
	r := &c.g.rules[ri]
	c.analyze()
	text := c.d.Text
	w, q := r.When, r.Require
	if len(w.Domains) > 0 {
		for _, e := range c.sc.ents {
			if e.Kind != entity.URL {
				continue
			}
			link := text[e.Start:e.End]
			if !linkToDomains(link, w.Domains) {
				continue
			}
			missing := ""
			for _, p := range q.Params {
				if !hasParam(link, p) {
					missing = p
					break
				}
			}
			if missing != "" {
				dst = c.add(dst, ri, "conditional.params", e.Start, e.End,
					&msgArgs{match: link, use: strings.Join(q.Params, ", ")}, nil)
			}
		}
		return dst
	}
	cs := c.sc.conds[r.cond]
	start, end := int(cs.ts), int(cs.te)
	if !cs.triggered {
		if !containsFold(w.CampaignKinds, c.d.CampaignKind) && !anyFold(w.Labels, c.d.Labels) {
			return dst
		}
		start, end = 0, len(text)
	}
	if len(q.Terms) > 0 && !cs.satisfied {
		fixes := []Fix{{Start: len(text), End: len(text), Replacement: " " + q.Terms[0]}}
		dst = c.add(dst, ri, "conditional", start, end, &msgArgs{match: text[start:end], use: strings.Join(q.Terms, " / ")}, fixes)
	}
	if q.Link != "" {
		found := false
		for _, e := range c.sc.ents {
			if e.Kind == entity.URL && globFold(q.Link, bareLink(text[e.Start:e.End])) {
				found = true
				break
			}
		}
		if !found {
			dst = c.add(dst, ri, "conditional.link", start, end, &msgArgs{match: text[start:end], use: q.Link}, nil)
		}
	}
	return dst
}

func anyFold(list, of []string) bool {
	for _, s := range of {
		if containsFold(list, s) {
			return true
		}
	}
	return false
}

// bareLink returns link without its scheme and a leading "www.".
func bareLink(link string) string {
	if i := strings.Index(link, "://"); i >= 0 && i < 10 {
		link = link[i+3:]
	}
	if len(link) >= 4 && strings.EqualFold(link[:4], "www.") {
		link = link[4:]
	}
	return link
}

// linkToDomains reports whether link's host is one of domains or below one.
func linkToDomains(link string, domains []string) bool {
	host := bareLink(link)
	if i := strings.IndexAny(host, "/?#:"); i >= 0 {
		host = host[:i]
	}
	for _, d := range domains {
		if strings.EqualFold(host, d) ||
			len(host) > len(d) && host[len(host)-len(d)-1] == '.' && strings.EqualFold(host[len(host)-len(d):], d) {
			return true
		}
	}
	return false
}

// hasParam reports whether link's query has the parameter name.
func hasParam(link, name string) bool {
	q := strings.IndexByte(link, '?')
	if q < 0 {
		return false
	}
	query := link[q+1:]
	if h := strings.IndexByte(query, '#'); h >= 0 {
		query = query[:h]
	}
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		k, v, _ := strings.Cut(kv, "=")
		if k == name && v != "" {
			return true
		}
	}
	return false
}

// globFold matches s against pattern p, where "*" matches any run of
// bytes, without regard to ASCII case.
func globFold(p, s string) bool {
	px, sx, starP, starS := 0, 0, -1, 0
	for sx < len(s) || px < len(p) {
		if px < len(p) {
			if p[px] == '*' {
				starP, starS = px, sx
				px++
				continue
			}
			if sx < len(s) && lowerASCII(p[px]) == lowerASCII(s[sx]) {
				px++
				sx++
				continue
			}
		}
		if starP >= 0 && starS < len(s) {
			starS++
			px, sx = starP+1, starS
			continue
		}
		return false
	}
	return true
}

func lowerASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// hashtags checks how many hashtags there are and how they are written.
func (c *checker) hashtags(dst []Alert, ri int32) []Alert {
	r := &c.g.rules[ri]
	c.analyze()
	text := c.d.Text
	n := 0
	for _, e := range c.sc.ents {
		if e.Kind != entity.Hashtag {
			continue
		}
		n++
		if r.Max > 0 && n == r.Max+1 {
			total := 0
			for _, x := range c.sc.ents {
				if x.Kind == entity.Hashtag {
					total++
				}
			}
			dst = c.add(dst, ri, "hashtags.max", e.Start, e.End, &msgArgs{match: text[e.Start:e.End], count: total, max: r.Max}, nil)
		}
		if r.CamelCase {
			tag := text[e.Start+1 : e.End]
			if camel, flat := c.splitTag(r, tag); flat {
				var fixes []Fix
				if camel != "" {
					fixes = []Fix{{Start: e.Start + 1, End: e.End, Replacement: camel}}
				}
				dst = c.add(dst, ri, "hashtags.camel", e.Start, e.End, &msgArgs{match: text[e.Start:e.End], use: "#" + camel}, fixes)
			}
		}
	}
	return dst
}

// splitTag decides whether tag is a multi-word hashtag written without
// capitals to show its words. A tag is flat when no letter but its first is
// a capital, or when none is lower-case. A flat tag is multi-word when it
// splits into two or more known words (built-in lists in English, Spanish
// and Polish, plus the rule's Words; compared without accents), with runs
// of digits and "_" as separators, and then camel is the tag written in
// CamelCase; or when it has more than MaxLower letters, and then camel is
// empty.
func (c *checker) splitTag(r *crule, tag string) (camel string, multi bool) {
	letters, upperAfter, lower := 0, 0, 0
	for i, ch := range tag {
		if !isLetter(ch) {
			continue
		}
		letters++
		if unicode.IsUpper(ch) && i > 0 {
			upperAfter++
		}
		if unicode.IsLower(ch) {
			lower++
		}
	}
	if letters < 4 || upperAfter > 0 && lower > 0 {
		return "", false
	}
	// key holds one folded ASCII byte per character of tag (0xFF for a
	// character without one), at[i] where character i starts in tag.
	var key [64]byte
	var at [65]int
	n := 0
	for i, ch := range tag {
		if n == len(key) {
			return "", letters > r.maxLower
		}
		key[n], at[n] = foldASCII(ch), i
		n++
	}
	at[n] = len(tag)
	// The fewest known words: best[j] is the fewest words that make up
	// key[:j] (runs of digits and "_" count none), cut[j] where the last
	// of them starts.
	const none = 1 << 14
	var best, cut [65]int16
	for i := range best[:n+1] {
		best[i] = none
	}
	best[0] = 0
	for i := 0; i < n; i++ {
		if best[i] == none {
			continue
		}
		if key[i] >= '0' && key[i] <= '9' || key[i] == '_' {
			j := i
			for j < n && (key[j] >= '0' && key[j] <= '9' || key[j] == '_') {
				j++
			}
			if best[i] < best[j] {
				best[j], cut[j] = best[i], int16(i)
			}
			continue
		}
		for j := i + 2; j <= n && j-i <= 24; j++ {
			if best[i]+1 >= best[j] {
				continue
			}
			if w := key[i:j]; isTagWord(w) || len(r.words) > 0 && r.words[string(w)] {
				best[j], cut[j] = best[i]+1, int16(i)
			}
		}
	}
	if best[n] == none || best[n] < 2 {
		return "", letters > r.maxLower
	}
	var b strings.Builder
	b.Grow(len(tag))
	starts := [65]bool{}
	for j := n; j > 0; j = int(cut[j]) {
		starts[cut[j]] = true
	}
	for i := 0; i < n; i++ {
		ch, _ := utf8.DecodeRuneInString(tag[at[i]:])
		if starts[i] {
			ch = unicode.ToUpper(ch)
		} else {
			ch = unicode.ToLower(ch)
		}
		b.WriteRune(ch)
	}
	return b.String(), true
}

// foldASCII returns the lower-case ASCII letter or digit ch reads as,
// accents dropped ("É" is 'e', "ł" is 'l', "ñ" is 'n'), or 0xFF.
func foldASCII(ch rune) byte {
	if ch < utf8.RuneSelf {
		b := byte(ch)
		switch {
		case b >= 'A' && b <= 'Z':
			return b + 'a' - 'A'
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9', b == '_':
			return b
		}
		return 0xFF
	}
	ch = unicode.ToLower(ch)
	if i := strings.IndexRune(foldFrom, ch); i >= 0 {
		k := utf8.RuneCountInString(foldFrom[:i])
		return foldTo[k]
	}
	return 0xFF
}

const (
	foldFrom = "áàâäãåéèêëíìîïóòôöõúùûüñçąćęłńóśźżčďěňřšťůýž"
	foldTo   = "aaaaaaeeeeiiiiooooouuuuncacelnoszzcdenrstuyz"
)

// count checks a countable against its maximum.
func (c *checker) count(dst []Alert, ri int32) []Alert {
	r := &c.g.rules[ri]
	c.analyze()
	text := c.d.Text
	key := "count." + string(r.Count)
	report := func(dst []Alert, n int, at span) []Alert {
		return c.add(dst, ri, key, int(at.start), int(at.end), &msgArgs{match: text[at.start:at.end], count: n, max: r.Max}, nil)
	}
	switch r.Count {
	case CountHashtags, CountMentions, CountLinks:
		kind := map[Countable]entity.Kind{CountHashtags: entity.Hashtag, CountMentions: entity.Mention, CountLinks: entity.URL}[r.Count]
		n := 0
		var at span
		for _, e := range c.sc.ents {
			if e.Kind == kind {
				n++
				if n == r.Max+1 {
					at = span{int32(e.Start), int32(e.End)}
				}
			}
		}
		if n > r.Max {
			dst = report(dst, n, at)
		}
	case CountEmoji:
		if n := len(c.sc.emoji); n > r.Max {
			dst = report(dst, n, c.sc.emoji[r.Max])
		}
	case CountExclamations:
		if n := len(c.sc.bangs); n > r.Max {
			b := c.sc.bangs[r.Max]
			dst = report(dst, n, span{b, b + 1})
		}
	case CountCapsWords:
		n := 0
		var at span
		for _, w := range c.sc.words {
			if w.flags&(wCaps|wSkip) == wCaps && !c.accepted(text[w.start:w.end]) {
				n++
				if n == r.Max+1 {
					at = span{w.start, w.end}
				}
			}
		}
		if n > r.Max {
			dst = report(dst, n, at)
		}
	case CountSentenceWords:
		for _, s := range c.sc.sents {
			if int(s.words) > r.Max {
				dst = report(dst, int(s.words), span{s.start, s.end})
			}
		}
	}
	return dst
}

// repetition flags a word written twice in a row, with only white space
// (line breaks included) between; the fix deletes the second.
func (c *checker) repetition(dst []Alert, ri int32) []Alert {
	r := &c.g.rules[ri]
	c.analyze()
	text := c.d.Text
	prev := -1
	for i, w := range c.sc.words {
		if w.flags&wSkip != 0 || w.flags&wLetter == 0 {
			prev = -1
			continue
		}
		if prev >= 0 {
			p := c.sc.words[prev]
			a, b := text[p.start:p.end], text[w.start:w.end]
			if strings.EqualFold(a, b) && onlySpace(text[p.end:w.start]) && !c.excepted(r, b) {
				dst = c.add(dst, ri, string(r.Kind), int(w.start), int(w.end), &msgArgs{match: b},
					[]Fix{{Start: int(p.end), End: int(w.end), Auto: true}})
			}
		}
		prev = i
	}
	return dst
}

func onlySpace(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// spelling checks every word with the language's speller.
func (c *checker) spelling(dst []Alert, ri int32) []Alert {
	sp := c.g.spellers[c.lang]
	if sp == nil {
		sp = c.g.spellers[c.base]
	}
	if sp == nil {
		return dst
	}
	r := &c.g.rules[ri]
	c.analyze()
	text := c.d.Text
	for _, w := range c.sc.words {
		if w.flags&(wSkip|wDigit|wCaps) != 0 || w.flags&wLetter == 0 {
			continue
		}
		s := text[w.start:w.end]
		if c.accepted(s) || c.excepted(r, s) || sp.Check(s) {
			continue
		}
		if strings.ContainsRune(s, '’') && sp.Check(strings.ReplaceAll(s, "’", "'")) {
			continue
		}
		var fixes []Fix
		for _, sug := range sp.Suggest(s, r.suggest) {
			if sug != "" && utf8.ValidString(sug) {
				fixes = append(fixes, Fix{Start: int(w.start), End: int(w.end), Replacement: sug})
			}
		}
		dst = c.add(dst, ri, string(r.Kind), int(w.start), int(w.end), &msgArgs{match: s}, fixes)
	}
	return dst
}

// mayHold reports whether s holds a byte that starts the UTF-8 encoding of
// a character of chars.
func mayHold(s, chars string) bool {
	for i := 0; i < len(chars); {
		_, size := utf8.DecodeRuneInString(chars[i:])
		if strings.IndexByte(s, chars[i]) >= 0 {
			return true
		}
		i += size
	}
	return false
}

// platform checks the draft against its platform's limits.
func (c *checker) platform(dst []Alert, ri int32) []Alert {
	var lim cmkit.Limits
	if c.d.Limits != nil {
		lim = *c.d.Limits
	} else {
		var ok bool
		if lim, ok = cmkit.PlatformLimits(c.d.Platform); !ok {
			return dst
		}
	}
	if lim.Forbidden != "" && !mayHold(c.d.Text, lim.Forbidden) && !mayHold(c.d.Title, lim.Forbidden) {
		// No byte of the text can start a forbidden character: skip
		// CheckPost's search for them (strings.IndexAny on non-ASCII
		// characters was a sixth of a tweet's check).
		lim.Forbidden = ""
	}
	if lim.MaxLength > 0 && c.sc.analyzed && lim.Counter == nil && !lim.LinksNeedScheme &&
		countWith(lim, c.d.Text, c.sc.ents) <= lim.MaxLength {
		// The text keeps MaxLength: spare CheckPost another search for
		// the links and mentions analyze found (with the default rules,
		// which are lim's unless only links with a scheme count).
		lim.MaxLength = 0
	}
	fs := lim.CheckPost(c.sc.findings[:0], cmkit.Post{Text: c.d.Text, Title: c.d.Title})
	for _, f := range fs {
		field, s := FieldText, c.d.Text
		switch f.Field {
		case "post.text":
		case "post.title":
			field, s = FieldTitle, c.d.Title
		default:
			continue
		}
		start, end := min(max(f.Cut, 0), len(s)), len(s)
		key := "platform"
		if f.Rule == "forbidden" {
			_, size := utf8.DecodeRuneInString(s[start:])
			end = start + size
		}
		if f.Limit == 0 {
			key = "platform.other"
		}
		dst = c.add(dst, ri, key, start, end, &msgArgs{match: s[start:end], limit: f.Rule, count: f.Got, max: f.Limit}, nil)
		dst[len(dst)-1].Field = field
	}
	return dst
}

// countWith is lim.Count(text) (lim.Counter nil) given the entities of
// text, as entity.Extract finds them: what Limits.Count computes with its
// own search for them, every link counting URLLength when that is set and
// a fediverse mention its local part when MentionLocalPart is set.
func countWith(lim cmkit.Limits, text string, ents []entity.Entity) int {
	plain := cmkit.Limits{Counting: lim.Counting}
	if lim.URLLength == 0 && !lim.MentionLocalPart {
		return plain.Count(text)
	}
	n, pos := 0, 0
	for _, e := range ents {
		switch {
		case e.Kind == entity.URL && lim.URLLength > 0:
			n += plain.Count(text[pos:e.Start]) + lim.URLLength
		case e.Kind == entity.Mention && lim.MentionLocalPart && e.LocalEnd < e.End:
			n += plain.Count(text[pos:e.Start]) + plain.Count(text[e.Start:e.LocalEnd])
		default:
			continue
		}
		pos = e.End
	}
	return n + plain.Count(text[pos:])
}
