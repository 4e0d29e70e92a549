package inbox

import (
	"encoding/binary"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation"
)

// storedMessage is a Message as MemoryStore keeps it. It holds no
// pointers, so that the collector neither scans nor marks the stored
// messages, however many the store holds: the strings (and the triage,
// encoded) live in the store's byte arena, the times as seconds and a
// location's index, and what only outbound, edited or moderated
// messages hold in a side table (messageRest).
type storedMessage struct {
	ID           uuid.UUID
	Conversation uuid.UUID
	Version      uint64
	Seq          int
	Rating       float64
	Reactions    int64
	Followers    int64
	times        [msgTimes]storedTime
	data         arenaString        // the strings, in msgStrings order, then the triage's encoding
	lens         [msgStrings]uint32 // the length of each string in data
	verified     bool               // Mention.Author.Verified
	rest         uint32             // 1 + index in messageSpace.rests; 0 when none
}

// The strings of a stored message, in the order data holds them.
const (
	sDirection = iota
	sID
	sChannel
	sKind
	sAuthorID
	sHandle
	sDisplayName
	sText
	sLanguage
	sURL
	sInReplyTo
	sThreadID
	msgStrings
)

// The times of a stored message.
const (
	tCreated = iota
	tEdited
	tAuthorCreated
	tReceived
	msgTimes
)

// storedTime is a time without a monotonic reading: seconds and
// nanoseconds since the zero time (so that the zero time is zero) and
// its location (an index in messageSpace.locs, 0 for UTC).
type storedTime struct {
	sec  int64
	nsec int32
	loc  uint32
}

// messageRest is the part of a stored message that is usually zero, and
// the times as given when one of them has a monotonic reading (which a
// storedTime does not keep).
type messageRest struct {
	Edits    []Edit
	By       string
	Delivery Delivery
	Receipt  cmkit.Receipt
	Attempts int
	Waiting  bool
	Action   ModAction
	mono     *[msgTimes]time.Time // the times as given when a storedTime does not keep one of them; else nil
}

// messageFields is how many fields storedMessage carries: a test checks
// that Message has no others.
const messageFields = 15

// messageSpace is where MemoryStore keeps what its stored messages
// point to: the arena of their strings, the locations of their times
// and the rests. It is used under the store's lock.
type messageSpace struct {
	texts keyArena
	locs  []*time.Location // locs[0] is UTC
	rests slab[messageRest]
	buf   []byte // set's working space
}

// setMessage stores m in s, sharing only what m.Edits holds.
func (sp *messageSpace) setMessage(s *storedMessage, m *Message) {
	mn := &m.Mention
	s.ID, s.Conversation, s.Version, s.Seq = m.ID, m.Conversation, m.Version, m.Seq
	s.Rating, s.Reactions, s.Followers, s.verified = mn.Rating, mn.Reactions, mn.Author.Followers, mn.Author.Verified
	mono := sp.putTime(&s.times[tCreated], mn.CreatedAt)
	mono = sp.putTime(&s.times[tEdited], mn.EditedAt) || mono
	mono = sp.putTime(&s.times[tAuthorCreated], mn.Author.CreatedAt) || mono
	mono = sp.putTime(&s.times[tReceived], m.ReceivedAt) || mono
	s.lens = [msgStrings]uint32{uint32(len(m.Direction)), uint32(len(mn.ID)), uint32(len(mn.ChannelID)), uint32(len(mn.Kind)),
		uint32(len(mn.Author.ID)), uint32(len(mn.Author.Handle)), uint32(len(mn.Author.DisplayName)), uint32(len(mn.Text)),
		uint32(len(mn.Language)), uint32(len(mn.URL)), uint32(len(mn.InReplyTo)), uint32(len(mn.ThreadID))}
	b := append(sp.buf[:0], m.Direction...)
	b = append(append(append(b, mn.ID...), mn.ChannelID...), mn.Kind...)
	b = append(append(append(b, mn.Author.ID...), mn.Author.Handle...), mn.Author.DisplayName...)
	b = append(append(append(b, mn.Text...), mn.Language...), mn.URL...)
	b = append(append(b, mn.InReplyTo...), mn.ThreadID...)
	b = appendTriage(b, &m.Triage)
	sp.buf = b
	// An update that changes no string (a new version, an action, a
	// delivery) keeps the bytes it had rather than leaving them unused.
	if s.data.n != uint32(len(b)) || string(sp.texts.bytes(s.data)) != string(b) {
		s.data = sp.texts.addBytes(b)
	}
	if !mono && m.Edits == nil && m.By == "" && m.Delivery == "" && m.Attempts == 0 && !m.Waiting &&
		m.Action == (ModAction{}) && m.Receipt == (cmkit.Receipt{}) {
		if s.rest != 0 {
			*sp.rests.at(s.rest - 1) = messageRest{} // kept for the message's next rest
		}
		return
	}
	var r *messageRest
	if s.rest == 0 {
		var i uint32
		r, i = sp.rests.next()
		s.rest = i + 1
	} else {
		r = sp.rests.at(s.rest - 1)
	}
	*r = messageRest{Edits: m.Edits, By: m.By, Delivery: m.Delivery, Receipt: m.Receipt, Attempts: m.Attempts, Waiting: m.Waiting, Action: m.Action}
	if mono {
		r.mono = &[msgTimes]time.Time{mn.CreatedAt, mn.EditedAt, mn.Author.CreatedAt, m.ReceivedAt}
	}
}

// putTime stores t in st and reports whether st does not keep all of
// it: a monotonic reading, or a location beyond the few that
// messageSpace.locs holds.
func (sp *messageSpace) putTime(st *storedTime, t time.Time) bool {
	if t == (time.Time{}) {
		*st = storedTime{}
		return false
	}
	var loc uint32
	kept := true
	if l := t.Location(); l != time.UTC {
		loc, kept = sp.locIndex(l)
	}
	*st = storedTime{sec: t.Unix() - zeroUnix, nsec: int32(t.Nanosecond()), loc: loc}
	return !kept || t != t.Round(0)
}

// zeroUnix is the Unix time of the zero time, which a storedTime keeps
// as zero.
const zeroUnix = -62135596800

// maxLocs is how many locations messageSpace.locs holds: time.Parse
// makes a new one for each offset it reads that is not Local's, so
// their number is not bounded; times in others are kept whole in the
// message's rest.
const maxLocs = 16

// locIndex returns the index of loc in sp.locs, adding it if there is
// room, and whether it is there.
func (sp *messageSpace) locIndex(loc *time.Location) (uint32, bool) {
	if loc == time.UTC {
		return 0, true
	}
	if len(sp.locs) == 0 {
		sp.locs = append(sp.locs, time.UTC)
	}
	for i, l := range sp.locs {
		if l == loc {
			return uint32(i), true
		}
	}
	if len(sp.locs) == maxLocs {
		return 0, false
	}
	sp.locs = append(sp.locs, loc)
	return uint32(len(sp.locs) - 1), true
}

// time returns the stored time t.
func (sp *messageSpace) time(t storedTime) time.Time {
	if t == (storedTime{}) {
		return time.Time{}
	}
	u := time.Unix(t.sec+zeroUnix, int64(t.nsec))
	if t.loc == 0 {
		return u.UTC()
	}
	return u.In(sp.locs[t.loc])
}

// message returns the message stored in s, sharing nothing with the
// store.
func (sp *messageSpace) message(s *storedMessage) Message {
	data := string(sp.texts.bytes(s.data)) // one copy: the strings below are parts of it
	var strs [msgStrings]string
	at := 0
	for i, n := range s.lens {
		if n > 0 {
			strs[i] = data[at : at+int(n)]
			at += int(n)
		}
	}
	m := Message{ID: s.ID, Version: s.Version, Conversation: s.Conversation, Seq: s.Seq, Direction: Direction(strs[sDirection]),
		Mention: cmkit.Mention{ID: strs[sID], ChannelID: strs[sChannel], Kind: cmkit.MentionKind(strs[sKind]),
			Author: cmkit.Author{ID: strs[sAuthorID], Handle: strs[sHandle], DisplayName: strs[sDisplayName],
				Followers: s.Followers, Verified: s.verified, CreatedAt: sp.time(s.times[tAuthorCreated])},
			Text: strs[sText], Language: strs[sLanguage], URL: strs[sURL], InReplyTo: strs[sInReplyTo], ThreadID: strs[sThreadID],
			Rating: s.Rating, Reactions: s.Reactions, CreatedAt: sp.time(s.times[tCreated]), EditedAt: sp.time(s.times[tEdited])},
		ReceivedAt: sp.time(s.times[tReceived])}
	if at < len(data) {
		m.Triage = readTriage(data[at:])
	}
	if s.rest != 0 {
		r := sp.rests.at(s.rest - 1)
		m.By, m.Delivery, m.Receipt, m.Action, m.Attempts, m.Waiting = r.By, r.Delivery, r.Receipt, r.Action, r.Attempts, r.Waiting
		m.Edits = slices.Clone(r.Edits)
		for i := range m.Edits {
			m.Edits[i].Triage = cloneTriage(m.Edits[i].Triage)
		}
		if t := r.mono; t != nil {
			m.Mention.CreatedAt, m.Mention.EditedAt, m.Mention.Author.CreatedAt, m.ReceivedAt =
				t[tCreated], t[tEdited], t[tAuthorCreated], t[tReceived]
		}
	}
	return m
}

// deepenMessage replaces what m's slices hold with copies.
func deepenMessage(m *Message) {
	m.Triage = cloneTriage(m.Triage)
	m.Edits = slices.Clone(m.Edits)
	for i := range m.Edits {
		m.Edits[i].Triage = cloneTriage(m.Edits[i].Triage)
	}
}

// The flags of an encoded triage.
const (
	fHide = 1 << iota
	fDelete
	fHold
	fSupport
	fOpinionLeader
	fCrisis
	fSentimentKnown
)

// appendTriage appends the encoding of t, nothing when t is zero:
// flags, Priority, Queue, Language, SentimentLabel, Sentiment's bits,
// then Rules (with their Hits), Flags and Replies, each slice as 0 when
// nil, else 1 + its length, then its elements.
func appendTriage(b []byte, t *Triage) []byte {
	var flags byte
	for i, on := range [...]bool{t.Hide, t.Delete, t.Hold, t.Support, t.OpinionLeader, t.Crisis, t.SentimentKnown} {
		if on {
			flags |= 1 << i
		}
	}
	bits := math.Float64bits(t.Sentiment)
	if flags == 0 && t.Priority == 0 && t.Queue == "" && t.Language == "" && t.SentimentLabel == "" && bits == 0 &&
		t.Rules == nil && t.Flags == nil && t.Replies == nil {
		return b
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, int64(t.Priority))
	b = appendString(appendString(appendString(b, t.Queue), t.Language), t.SentimentLabel)
	b = binary.LittleEndian.AppendUint64(b, bits)
	b = appendLen(b, t.Rules == nil, len(t.Rules))
	for i := range t.Rules {
		r := &t.Rules[i]
		b = appendLen(appendString(b, r.Rule), r.Hits == nil, len(r.Hits))
		for _, h := range r.Hits {
			b = appendString(appendString(b, h.Lexicon), h.Term)
			b = binary.AppendVarint(binary.AppendVarint(b, int64(h.Start)), int64(h.End))
		}
	}
	b = appendLen(b, t.Flags == nil, len(t.Flags))
	for _, f := range t.Flags {
		b = appendString(b, f)
	}
	b = appendLen(b, t.Replies == nil, len(t.Replies))
	for _, r := range t.Replies {
		b = appendString(appendString(appendString(b, r.Rule), r.Lang), r.Template)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendLen(b []byte, isNil bool, n int) []byte {
	if isNil {
		return append(b, 0)
	}
	return binary.AppendUvarint(b, uint64(n)+1)
}

// triageReader reads what appendTriage wrote; its strings are parts of
// the encoding.
type triageReader struct {
	s  string
	at int
}

func (r *triageReader) uvarint() uint64 {
	var x uint64
	for shift := 0; ; shift += 7 {
		c := r.s[r.at]
		r.at++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
}

func (r *triageReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (r *triageReader) str() string {
	n := int(r.uvarint())
	r.at += n
	return r.s[r.at-n : r.at]
}

// length returns a slice's length and whether it is nil.
func (r *triageReader) length() (int, bool) {
	n := r.uvarint()
	return max(int(n)-1, 0), n == 0
}

// readTriage decodes what appendTriage wrote, which is not empty.
func readTriage(s string) Triage {
	r := triageReader{s: s}
	flags := r.s[0]
	r.at = 1
	t := Triage{Hide: flags&fHide != 0, Delete: flags&fDelete != 0, Hold: flags&fHold != 0, Support: flags&fSupport != 0,
		OpinionLeader: flags&fOpinionLeader != 0, Crisis: flags&fCrisis != 0, SentimentKnown: flags&fSentimentKnown != 0}
	t.Priority = int(r.varint())
	t.Queue, t.Language, t.SentimentLabel = r.str(), r.str(), r.str()
	var bits uint64
	for i := range 8 {
		bits |= uint64(r.s[r.at+i]) << (8 * i)
	}
	r.at += 8
	t.Sentiment = math.Float64frombits(bits)
	if n, isNil := r.length(); !isNil {
		t.Rules = make([]FiredRule, n)
		for i := range t.Rules {
			rule := &t.Rules[i]
			rule.Rule = r.str()
			if n, isNil := r.length(); !isNil {
				rule.Hits = make([]moderation.Hit, n)
				for j := range rule.Hits {
					h := &rule.Hits[j]
					h.Lexicon, h.Term = r.str(), r.str()
					h.Start, h.End = int(r.varint()), int(r.varint())
				}
			}
		}
	}
	if n, isNil := r.length(); !isNil {
		t.Flags = make([]string, n)
		for i := range t.Flags {
			t.Flags[i] = r.str()
		}
	}
	if n, isNil := r.length(); !isNil {
		t.Replies = make([]moderation.Reply, n)
		for i := range t.Replies {
			rp := &t.Replies[i]
			rp.Rule, rp.Lang, rp.Template = r.str(), r.str(), r.str()
		}
	}
	return t
}
