package promotion

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"iter"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cmkit/cmkit"
)

// Reason says why a submission was rejected; the empty Reason means it was
// accepted. The values are stable tokens, written as is in the CSV and JSON
// exports.
type Reason string

// The reasons, in the order the checks run: a submission gets the first
// that applies (except ReasonNearDuplicate, which may later replace an
// acceptance, see Entries).
const (
	// ReasonNotEntry: not an entry at all (a mention on a channel the
	// promotion does not run on, a direct message, a review). Add returns
	// it and keeps nothing.
	ReasonNotEntry Reason = "not_entry"
	// ReasonOutsideWindow: made before the promotion opened or at or after
	// it closed.
	ReasonOutsideWindow Reason = "outside_window"
	// ReasonNotOnPost: not a comment or reply on the channel's post.
	ReasonNotOnPost Reason = "not_on_post"
	// ReasonMissingHashtag: a required hashtag is missing.
	ReasonMissingHashtag Reason = "missing_hashtag"
	// ReasonMissingKeyword: none of the keywords appears.
	ReasonMissingKeyword Reason = "missing_keyword"
	// ReasonMissingMentions: fewer other accounts mentioned than required.
	ReasonMissingMentions Reason = "missing_mentions"
	// ReasonMissingAnswer: a contest entry with no answer besides hashtags,
	// mentions and links.
	ReasonMissingAnswer Reason = "missing_answer"
	// ReasonExcluded: the account or person is excluded (an employee, the
	// agency).
	ReasonExcluded Reason = "excluded_account"
	// ReasonUnknownCountry: the entrant's country is not known (see
	// AuthorLookup) and Eligibility.RequireKnownCountry is set.
	ReasonUnknownCountry Reason = "unknown_country"
	// ReasonIneligibleCountry: the entrant's country is not one the
	// promotion runs in.
	ReasonIneligibleCountry Reason = "ineligible_country"
	// ReasonUnknownAccountAge: a minimum account age is set and the
	// account's creation time is not known.
	ReasonUnknownAccountAge Reason = "unknown_account_age"
	// ReasonAccountTooNew: the account is younger than the minimum age.
	ReasonAccountTooNew Reason = "account_too_new"
	// ReasonBotNewAccount: suspected bot, an account created after the
	// promotion opened or just before (BotChecks.NewAccountDays).
	ReasonBotNewAccount Reason = "bot_new_account"
	// ReasonDuplicate: the same item again (an accepted entry delivered
	// twice, or edited), or, when one entry per person is allowed, a second
	// entry by the same person, on any channel.
	ReasonDuplicate Reason = "duplicate"
	// ReasonOverLimit: the person already has the entries allowed
	// (Eligibility.EntriesPerPerson, when more than one).
	ReasonOverLimit Reason = "over_limit"
	// ReasonNearDuplicate: suspected bot, the text is a near duplicate of
	// texts written by BotChecks.NearDuplicateAccounts people or more.
	ReasonNearDuplicate Reason = "bot_near_duplicate"
)

// reasons lists every Reason a kept submission may have.
var reasons = []Reason{ReasonOutsideWindow, ReasonNotOnPost, ReasonMissingHashtag, ReasonMissingKeyword,
	ReasonMissingMentions, ReasonMissingAnswer, ReasonExcluded, ReasonUnknownCountry, ReasonIneligibleCountry,
	ReasonUnknownAccountAge, ReasonAccountTooNew, ReasonBotNewAccount, ReasonDuplicate, ReasonOverLimit,
	ReasonNearDuplicate}

// Submission is one mention checked as an entry: accepted, or rejected
// with a Reason and a Detail a person can read.
type Submission struct {
	// Accepted reports whether it is in the draw (or the jury's list).
	Accepted bool `json:"accepted"`
	// Reason says why not; empty when accepted.
	Reason Reason `json:"reason,omitempty"`
	// Detail explains the reason ("made 2026-10-25T02:30:00+01:00, after
	// the close"); empty when accepted.
	Detail string `json:"detail,omitempty"`
	// Platform is the platform of the mention's channel.
	Platform cmkit.Platform `json:"platform"`
	// ChannelID is the channel the mention arrived on.
	ChannelID string `json:"channel_id"`
	// MentionID is the platform's ID of the mention.
	MentionID string `json:"mention_id"`
	// AuthorID is the platform's ID of the author's account.
	AuthorID string `json:"author_id"`
	// AuthorHandle is the author's handle, without "@".
	AuthorHandle string `json:"author_handle,omitempty"`
	// Person is the entrant's person ID from the IdentityLinker; empty when
	// the account is linked to no person, and the identity is then the
	// platform and AuthorID.
	Person string `json:"person,omitempty"`
	// At is when the entry was made: the mention's EditedAt when it was
	// edited, else its CreatedAt.
	At time.Time `json:"at"`
	// Text is the mention's text.
	Text string `json:"text"`
	// URL is the mention's public address, when it has one.
	URL string `json:"url,omitempty"`
}

// Key returns the entry's key, the string a participant finds in the
// published, frozen entry list and recognizes as theirs:
//
//	<platform>:<handle>:<mention ID>
//
// such as "instagram:ana.g:17890012345". The handle is the author's ID when
// the platform gave no handle. In each part, "%", ":", and control
// characters (tab, line breaks) are written as "%" and two upper-case hex
// digits, so a key is one line, has exactly two ":", and two submissions of
// different mentions never share a key.
func (s *Submission) Key() string {
	handle := s.AuthorHandle
	if handle == "" {
		handle = s.AuthorID
	}
	var b strings.Builder
	b.Grow(len(s.Platform) + len(handle) + len(s.MentionID) + 2)
	escapeKeyPart(&b, string(s.Platform))
	b.WriteByte(':')
	escapeKeyPart(&b, handle)
	b.WriteByte(':')
	escapeKeyPart(&b, s.MentionID)
	return b.String()
}

func escapeKeyPart(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' || c == ':' || c < 0x20 || c == 0x7f {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
}

// IdentityLinker tells which person is behind an account, so that one
// person entering from two platforms (or two accounts) counts once. The
// product implements it from what it knows (a CRM, accounts linked at
// sign-up). Without one, an entrant's identity is the platform and the
// account's ID.
type IdentityLinker interface {
	// Person returns the ID of the person behind author on platform, or ""
	// when the account is linked to nobody. An error stops the entry from
	// being checked (Add returns it and records nothing).
	Person(ctx context.Context, platform cmkit.Platform, author cmkit.Author) (string, error)
}

// AuthorLookup supplies what a mention does not carry about its author:
// the country (for the promotion's Countries) and, when the platform did
// not say, when the account was created (for the minimum account age and
// the new-account bot signal). The product implements it from the
// platform's profile API, a form the entrant filled in, or its CRM.
// Without one, every entrant's country is unknown, and account ages come
// from Mention.Author.CreatedAt.
type AuthorLookup interface {
	// LookupAuthor returns what is known about author on platform. An
	// error stops the entry from being checked (Add returns it and records
	// nothing).
	LookupAuthor(ctx context.Context, platform cmkit.Platform, author cmkit.Author) (AuthorFacts, error)
}

// AuthorFacts is what an AuthorLookup knows about an account.
type AuthorFacts struct {
	// Country is where the person lives, an ISO 3166-1 alpha-2 code; empty
	// when unknown.
	Country string `json:"country,omitempty"`
	// CreatedAt is when the account was created; zero when unknown, and
	// then Mention.Author.CreatedAt is used.
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// EntryOptions are the product's links for NewEntries. A nil
// *EntryOptions, and each nil field, means the default the field describes.
type EntryOptions struct {
	// Identities links accounts to people; nil: the platform and account ID.
	Identities IdentityLinker
	// Authors looks up countries and account ages; nil: see AuthorLookup.
	Authors AuthorLookup
}

// Entries checks mentions against one promotion and keeps every
// submission, accepted or rejected, in the order it arrived. Feed it a
// batch (AddBatch), a channel's mention reader (ReadFrom) or one mention at
// a time as they come (Add, which an inbox can call for each mention it
// ingests). Keys returns the list to freeze for the draw; WriteCSV and
// WriteJSON export every submission with its reason for a person to review.
//
// Each mention is checked once, when it arrives, against the promotion and
// the submissions before it: the window, the post, the mechanics, the
// excluded accounts, the countries, the account's age, the new-account bot
// signal and the per-person limit, in that order, and the first failure
// is its Reason. The near-duplicate signal is the one that looks back:
// when a text's group of near duplicates reaches
// BotChecks.NearDuplicateAccounts people, every submission in the group,
// earlier acceptances included, is rejected as ReasonNearDuplicate, and
// the places they held under the per-person limit are freed for entries
// that come later.
//
// Entries is safe for concurrent use.
type Entries struct {
	p          Promotion
	start, end time.Time
	channels   []ChannelRef
	tags       []uint64 // required hashtags, hashed folded
	noTag      []string // per required hashtag, the Detail of ReasonMissingHashtag
	nearDetail string   // the Detail of ReasonNearDuplicate
	keywords   [][]byte // " keyword ", folded
	own        []uint64 // own handles, hashed folded
	minAge     time.Duration
	newSince   time.Time // accounts created after it are new (bot signal); zero when off
	perPerson  int
	minWords   int
	excluded   map[handleKey]bool
	exPersons  map[string]bool
	links      EntryOptions
	scans      sync.Pool

	mu       sync.Mutex
	subs     list[Submission]
	persons  []int32 // per submission, its person's number
	seed     maphash.Seed
	items    keyTable    // platform + mention ID -> latest submission
	ids      keyTable    // person -> number, in the order they came
	people   []personKey // per person's number, the person
	counts   []int32     // per person's number, accepted submissions
	near     nearIndex
	accepted int
}

// personKey is an entrant's identity: a linked person (platform "") or a
// platform and account ID.
type personKey struct {
	platform cmkit.Platform
	id       string
}

// handleKey is a platform ("" for any) and a handle or ID.
type handleKey struct {
	platform cmkit.Platform
	id       string
}

// NewEntries validates p (see Promotion.Validate; the warnings are not
// its concern) and returns an empty Entries for it. opts may be nil.
func NewEntries(p Promotion, opts *EntryOptions) (*Entries, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	start, end, _ := p.Window()
	e := &Entries{
		p: p, start: start, end: end,
		channels:  slices.Clone(p.Channels),
		minAge:    time.Duration(p.Eligibility.MinAccountAgeDays) * 24 * time.Hour,
		perPerson: p.Eligibility.entriesPerPerson(),
		excluded:  map[handleKey]bool{},
		exPersons: map[string]bool{},
		seed:      maphash.MakeSeed(),
	}
	if opts != nil {
		e.links = *opts
	}
	e.scans.New = func() any { return new(scan) }
	for _, h := range p.Mechanics.Hashtags {
		e.tags = append(e.tags, hash64([]byte(plain.String(strings.TrimPrefix(h, "#")))))
		e.noTag = append(e.noTag, "no #"+strings.TrimPrefix(h, "#"))
	}
	for _, k := range p.Mechanics.Keywords {
		e.keywords = append(e.keywords, []byte(" "+fold(k)+" "))
	}
	for _, h := range p.Mechanics.OwnHandles {
		e.own = append(e.own, hashFoldedHandle(plain.String(h)))
	}
	for _, a := range p.Eligibility.ExcludedAccounts {
		platform, handle, person, _ := parseExcluded(a)
		if person {
			e.exPersons[handle] = true
		} else {
			e.excluded[handleKey{platform, strings.ToLower(handle)}] = true
		}
	}
	b := p.BotChecks
	threshold := b.NearDuplicateAccounts
	if threshold == 0 {
		threshold = 5
	}
	e.minWords = b.NearDuplicateMinWords
	if e.minWords == 0 {
		e.minWords = 6
	}
	if b.Off {
		e.minWords = -1
	} else {
		e.newSince = start.Add(-time.Duration(b.NewAccountDays) * 24 * time.Hour)
	}
	e.near = newNearIndex(threshold)
	e.nearDetail = fmt.Sprintf("the text is a near duplicate of texts by %d or more people", threshold)
	return e, nil
}

// Promotion returns the promotion the entries are checked against.
func (e *Entries) Promotion() Promotion { return e.p }

func (e *Entries) channel(id string) *ChannelRef {
	for i := range e.channels {
		if e.channels[i].ID == id {
			return &e.channels[i]
		}
	}
	return nil
}

// Add checks one mention and keeps the submission it makes, which it
// returns. A mention that is not an entry (on a channel the promotion does
// not run on, a direct message, a review) is not kept: Add returns a
// Submission whose Reason is ReasonNotEntry. A mention without an ID, an
// author ID or a creation time is invalid input (cmkit.ErrInvalid); an
// error from ctx, the IdentityLinker or the AuthorLookup is returned as
// is. On an error nothing is kept.
func (e *Entries) Add(ctx context.Context, m cmkit.Mention) (Submission, error) {
	if err := ctx.Err(); err != nil {
		return Submission{}, err
	}
	ch := e.channel(m.ChannelID)
	switch {
	case ch == nil:
		return Submission{Reason: ReasonNotEntry, Detail: fmt.Sprintf("channel %q is not one of the promotion's", m.ChannelID), ChannelID: m.ChannelID, MentionID: m.ID}, nil
	case m.Kind != cmkit.KindComment && m.Kind != cmkit.KindReply && m.Kind != cmkit.KindMention:
		return Submission{Reason: ReasonNotEntry, Detail: fmt.Sprintf("a %s is not public", m.Kind), ChannelID: m.ChannelID, MentionID: m.ID}, nil
	case m.ID == "":
		return Submission{}, cmkit.Invalid("mention.id", "required", "")
	case m.Author.ID == "":
		return Submission{}, cmkit.Invalid("mention.author.id", "required", "")
	case m.CreatedAt.IsZero():
		return Submission{}, cmkit.Invalid("mention.created_at", "required", "")
	}
	s := Submission{Platform: ch.Platform, ChannelID: m.ChannelID, MentionID: m.ID, AuthorID: m.Author.ID,
		AuthorHandle: strings.TrimPrefix(m.Author.Handle, "@"), At: m.CreatedAt, Text: m.Text, URL: m.URL}
	if !m.EditedAt.IsZero() {
		s.At = m.EditedAt
	}
	sc := e.scans.Get().(*scan)
	e.checkContent(&s, ch, &m, sc)
	textCounts := e.minWords > 0 && sc.words >= e.minWords
	if textCounts {
		sign(sc.content, &sc.sig)
	}
	var facts AuthorFacts
	if s.Reason == "" {
		var err error
		if s.Person, facts, err = e.lookup(ctx, &s, m.Author); err != nil {
			e.scans.Put(sc)
			return Submission{}, err
		}
		if facts.CreatedAt.IsZero() {
			facts.CreatedAt = m.Author.CreatedAt
		}
		e.checkAuthor(&s, facts)
	}
	pk := personKey{s.Platform, s.AuthorID}
	if s.Person != "" {
		pk = personKey{"", s.Person}
	}
	var sig *signature
	if textCounts {
		sig = &sc.sig
	}
	e.record(&s, pk, e.hashKey(pk.platform, pk.id), e.hashKey(s.Platform, s.MentionID), sig)
	e.scans.Put(sc)
	return s, nil
}

// record runs the checks against the submissions before s (the same item
// again, the per-person limit, the near duplicates, sig being s's text's
// signature or nil when the text is not compared), and keeps s. pk is
// s's person, and hp and hi are the hashKeys of pk and of s's item.
func (e *Entries) record(s *Submission, pk personKey, hp, hi uint64, sig *signature) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ps, ok := e.ids.find(hp, func(v int32) bool { return e.people[v] == pk })
	if !ok {
		e.ids.put(ps, hp, int32(len(e.people)))
		e.people = append(grow(e.people), pk)
		e.counts = append(grow(e.counts), 0)
	}
	pid := ps.value()
	item, ok := e.items.find(hi, func(v int32) bool {
		t := e.subs.at(int(v))
		return t.MentionID == s.MentionID && t.Platform == s.Platform
	})
	if ok && e.subs.at(int(item.value())).Accepted {
		s.Accepted, s.Reason, s.Detail = false, ReasonDuplicate, "the same item again (delivered twice, or edited after it was accepted)"
		sig = nil
	}
	if s.Reason == "" {
		if n := e.counts[pid]; int(n) >= e.perPerson {
			if e.perPerson == 1 {
				s.Reason, s.Detail = ReasonDuplicate, "one entry per person, and this person already has one"
			} else {
				s.Reason, s.Detail = ReasonOverLimit, fmt.Sprintf("at most %d entries per person", e.perPerson)
			}
		}
	}
	idx := int32(e.subs.n)
	if sig != nil {
		flagged, cell := e.near.add(sig, idx, pid)
		for ; cell >= 0; cell = e.near.members[cell].next {
			e.revoke(e.near.members[cell].v)
		}
		if flagged && s.Reason == "" {
			s.Reason, s.Detail = ReasonNearDuplicate, e.nearDetail
		}
	}
	s.Accepted = s.Reason == ""
	if s.Accepted {
		e.counts[pid]++
		e.accepted++
	}
	e.subs.push(s)
	e.persons = append(grow(e.persons), pid)
	e.items.put(item, hi, idx)
}

// hashKey hashes a platform and an ID, for the keyTables.
func (e *Entries) hashKey(platform cmkit.Platform, id string) uint64 {
	return maphash.String(e.seed, id) ^ maphash.String(e.seed, string(platform))*0x9E3779B97F4A7C15
}

// keyTable finds a submission or a person by the hash of its key: an
// open-addressing table of hashes and values with linear probing, in which
// a slot's hash and value share a cache line. It keeps no keys: find asks
// the caller whether a value with the hash sought is the key's, so that
// two keys whose hashes collide are never confused, and growing hashes no
// key again.
type keyTable struct {
	slots []keySlot
	n     int // values stored
}

type keySlot struct {
	hash uint64
	v    int32 // the value + 1; 0: free
}

// value returns the value stored in s.
func (s *keySlot) value() int32 { return s.v - 1 }

// find returns the slot of the key whose hash is h, recognized by is from
// its value, and true; or the free slot where the key goes, for put, and
// false. It makes room first, so that the slot stays valid until the next
// find.
func (t *keyTable) find(h uint64, is func(v int32) bool) (*keySlot, bool) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	m := uint64(len(t.slots) - 1)
	for i := h & m; ; i = (i + 1) & m {
		s := &t.slots[i]
		if s.v == 0 {
			return s, false
		}
		if s.hash == h && is(s.v-1) {
			return s, true
		}
	}
}

// put stores v in slot s, which find returned for hash h.
func (t *keyTable) put(s *keySlot, h uint64, v int32) {
	if s.v == 0 {
		t.n++
	}
	s.hash, s.v = h, v+1
}

func (t *keyTable) grow() {
	old := t.slots
	t.slots = make([]keySlot, max(64, 2*len(old)))
	m := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.v == 0 {
			continue
		}
		i := s.hash & m
		for t.slots[i].v != 0 {
			i = (i + 1) & m
		}
		t.slots[i] = s
	}
}

// revoke rejects submission i as a near duplicate, freeing its place.
func (e *Entries) revoke(i int32) {
	s := e.subs.at(int(i))
	if !s.Accepted {
		return
	}
	s.Accepted, s.Reason, s.Detail = false, ReasonNearDuplicate, e.nearDetail
	e.counts[e.persons[i]]--
	e.accepted--
}

// checkContent runs the checks that need only the mention: window, post,
// mechanics and excluded handles. It leaves sc holding the scanned text.
func (e *Entries) checkContent(s *Submission, ch *ChannelRef, m *cmkit.Mention, sc *scan) {
	sc.read(m.Text)
	mech := &e.p.Mechanics
	switch {
	case s.At.Before(e.start):
		s.Reason, s.Detail = ReasonOutsideWindow, fmt.Sprintf("made %s, before the opening at %s", s.At.In(e.start.Location()).Format(time.RFC3339), e.start.Format(time.RFC3339))
	case !s.At.Before(e.end):
		s.Reason, s.Detail = ReasonOutsideWindow, fmt.Sprintf("made %s, at or after the close at %s", s.At.In(e.end.Location()).Format(time.RFC3339), e.end.Format(time.RFC3339))
	case ch.Post != "" && (m.Kind == cmkit.KindMention || m.InReplyTo != ch.Post && m.ThreadID != ch.Post):
		s.Reason, s.Detail = ReasonNotOnPost, fmt.Sprintf("not a comment or reply on post %s", ch.Post)
	}
	if s.Reason != "" {
		return
	}
	for i, t := range e.tags {
		if !containsHash(sc.tags, t) {
			s.Reason, s.Detail = ReasonMissingHashtag, e.noTag[i]
			return
		}
	}
	if len(e.keywords) > 0 && !slices.ContainsFunc(e.keywords, func(k []byte) bool { return bytes.Contains(sc.content, k) }) {
		s.Reason, s.Detail = ReasonMissingKeyword, fmt.Sprintf("none of the words %q", mech.Keywords)
		return
	}
	if mech.MentionAccounts > 0 {
		self := hashFoldedHandle(s.AuthorHandle)
		n := 0
		for _, h := range sc.handles {
			if h != self && !containsHash(e.own, h) {
				n++
			}
		}
		if n < mech.MentionAccounts {
			s.Reason, s.Detail = ReasonMissingMentions, fmt.Sprintf("mentions %d other accounts, %d required", n, mech.MentionAccounts)
			return
		}
	}
	if mech.Question != "" && sc.words == 0 {
		s.Reason, s.Detail = ReasonMissingAnswer, "no answer besides hashtags, mentions and links"
		return
	}
	if len(e.excluded) > 0 {
		h := strings.ToLower(s.AuthorHandle)
		if e.excluded[handleKey{"", h}] || e.excluded[handleKey{s.Platform, h}] {
			s.Reason, s.Detail = ReasonExcluded, fmt.Sprintf("%s is excluded", s.AuthorHandle)
		}
	}
}

// lookup asks the product's links who the person is and what is known of
// the account.
func (e *Entries) lookup(ctx context.Context, s *Submission, a cmkit.Author) (string, AuthorFacts, error) {
	var person string
	var facts AuthorFacts
	var err error
	if e.links.Identities != nil {
		if person, err = e.links.Identities.Person(ctx, s.Platform, a); err != nil {
			return "", AuthorFacts{}, err
		}
	}
	if e.links.Authors != nil {
		if facts, err = e.links.Authors.LookupAuthor(ctx, s.Platform, a); err != nil {
			return "", AuthorFacts{}, err
		}
	}
	return person, facts, nil
}

// checkAuthor runs the checks on the entrant: excluded person, country,
// account age and the new-account signal.
func (e *Entries) checkAuthor(s *Submission, facts AuthorFacts) {
	switch {
	case s.Person != "" && e.exPersons[s.Person]:
		s.Reason, s.Detail = ReasonExcluded, fmt.Sprintf("person %s is excluded", s.Person)
	case facts.Country == "" && e.p.Eligibility.RequireKnownCountry:
		s.Reason, s.Detail = ReasonUnknownCountry, fmt.Sprintf("the entrant's country is not known; the promotion runs in %s", strings.Join(e.p.Countries, ", "))
	case facts.Country != "" && !slices.Contains(e.p.Countries, facts.Country):
		s.Reason, s.Detail = ReasonIneligibleCountry, fmt.Sprintf("from %s; the promotion runs in %s", facts.Country, strings.Join(e.p.Countries, ", "))
	case e.minAge > 0 && facts.CreatedAt.IsZero():
		s.Reason, s.Detail = ReasonUnknownAccountAge, "the account's creation time is not known"
	case e.minAge > 0 && s.At.Sub(facts.CreatedAt) < e.minAge:
		s.Reason, s.Detail = ReasonAccountTooNew, fmt.Sprintf("account created %s, less than %d days before the entry", facts.CreatedAt.Format(time.RFC3339), e.p.Eligibility.MinAccountAgeDays)
	case !e.newSince.IsZero() && facts.CreatedAt.After(e.newSince):
		s.Reason, s.Detail = ReasonBotNewAccount, fmt.Sprintf("account created %s, after the promotion opened or just before", facts.CreatedAt.Format(time.RFC3339))
	}
}

// AddBatch adds the mentions in order, as Add does, and stops at the first
// error, which names the mention's index. The mentions before it stay
// added; pass the rest to carry on.
func (e *Entries) AddBatch(ctx context.Context, ms []cmkit.Mention) error {
	for i := range ms {
		if _, err := e.Add(ctx, ms[i]); err != nil {
			return fmt.Errorf("promotion: mention %d (%q): %w", i, ms[i].ID, err)
		}
	}
	return nil
}

// ReadFrom reads r's mentions after the cursor, page by page until a page
// comes back empty, adds each as Add does, and returns the cursor to
// resume from next time. On an error it returns the cursor after the last
// page fully added, so that a later call resumes without a gap.
func (e *Entries) ReadFrom(ctx context.Context, r cmkit.MentionReader, after cmkit.Cursor) (cmkit.Cursor, error) {
	for {
		page, err := r.ReadMentions(ctx, after, 0)
		if err != nil {
			return after, err
		}
		if len(page.Mentions) == 0 {
			return after, nil
		}
		if err := e.AddBatch(ctx, page.Mentions); err != nil {
			return after, err
		}
		after = page.Next
	}
}

// Len returns how many submissions are kept.
func (e *Entries) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.subs.n
}

// Accepted returns how many submissions are accepted.
func (e *Entries) Accepted() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.accepted
}

// All yields every submission, in the order they arrived, as it stands when
// yielded (a later near-duplicate group may still reject an acceptance).
func (e *Entries) All() iter.Seq[Submission] {
	return func(yield func(Submission) bool) {
		for i := 0; ; i++ {
			e.mu.Lock()
			if i >= e.subs.n {
				e.mu.Unlock()
				return
			}
			s := *e.subs.at(i)
			e.mu.Unlock()
			if !yield(s) {
				return
			}
		}
	}
}

// Keys returns the keys (see Submission.Key) of the accepted submissions,
// in the order they arrived: the entry list to freeze when entries close.
// The draw sorts them itself.
func (e *Entries) Keys() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	keys := make([]string, 0, e.accepted)
	for i := range e.subs.n {
		if s := e.subs.at(i); s.Accepted {
			keys = append(keys, s.Key())
		}
	}
	return keys
}

// grow returns s with room for one more element: its capacity doubled
// when it is full. append grows a long slice by a quarter at a time, which
// copies each element about four times over; doubling copies it about
// once, and allocates less in all.
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	return slices.Grow(s, max(len(s), 16))
}

// list is a sequence that grows without moving what it holds: chunks of
// 64, 128, 256, ... elements, so that adding one never copies the others
// (a slice that doubles copies each element about once, and allocates
// about twice what it ends up holding).
type list[T any] struct {
	chunks [][]T
	n      int // elements held
}

// listFirst: the first chunk holds 1<<listFirst elements.
const listFirst = 6

// at returns the address of element i (0 <= i < n), which stays valid.
func (l *list[T]) at(i int) *T {
	j := uint(i) + 1<<listFirst
	k := bits.Len(j) - 1 - listFirst
	return &l.chunks[k][j-1<<(k+listFirst)]
}

// push appends *v.
func (l *list[T]) push(v *T) {
	j := uint(l.n) + 1<<listFirst
	k := bits.Len(j) - 1 - listFirst
	if k == len(l.chunks) {
		l.chunks = append(l.chunks, make([]T, 1<<(k+listFirst)))
	}
	l.chunks[k][j-1<<(k+listFirst)] = *v
	l.n++
}
