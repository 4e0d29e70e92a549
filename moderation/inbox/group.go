package inbox

import (
	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// This file groups messages into conversations. The keys it binds in the
// store:
//
//	item/<channel>/<platform ID>    a stored item: its conversation and message
//	dm/<channel>/<author ID>        the direct messages of one author
//	thread/<channel>/<thread ID>    a thread: by Mention.ThreadID, or the ID of
//	                                the item that started the conversation
//	parent/<channel>/<platform ID>  an item not seen yet, that a reply which
//	                                arrived before it answers

// storeKey is a key in parts, "<kind>/<channel>/<id>", so that looking it
// up builds it in the batch's buffer rather than allocating it (see
// ingestBatch.keyString for the key as a string); the zero storeKey is no
// key.
type storeKey struct{ kind, ch, id string }

// itemPartsKey is the key of a stored item.
func itemPartsKey(channel, id string) storeKey { return storeKey{"item", channel, id} }

// threadPartsKey is the key of a thread.
func threadPartsKey(channel, id string) storeKey { return storeKey{"thread", channel, id} }

// appendTo appends the key to buf.
func (k storeKey) appendTo(buf []byte) []byte {
	buf = append(append(append(buf, k.kind...), '/'), k.ch...)
	return append(append(buf, '/'), k.id...)
}

// bindsParent reports whether an item of kind k that answers an item not
// seen yet binds the parent's key, so that the parent joins it when it
// comes: replies and mentions do; comments (whose InReplyTo is the brand's
// own post, shared by every comment on it) do not.
func bindsParent(k cmkit.MentionKind) bool {
	return k == cmkit.KindReply || k == cmkit.KindMention
}

// group finds the conversation m belongs to, or starts one, and binds the
// keys that let later items find it. It reports whether it started one.
func (b *ingestBatch) group(m *cmkit.Mention, reg *registered, person string) (*Conversation, bool, error) {
	ch := m.ChannelID
	if m.Kind == cmkit.KindDirectMessage {
		return b.join(storeKey{"dm", ch, m.Author.ID}, KindDirect, m, reg, person)
	}
	tid := m.ThreadID
	if m.Kind == cmkit.KindComment && tid == m.InReplyTo {
		// A comment whose thread is the post it answers hangs right under
		// the brand's post: every comment on the post shares that thread.
		tid = ""
	}
	var thread, parentItem, parentKey, own storeKey
	if tid != "" {
		thread = threadPartsKey(ch, tid)
	}
	if m.InReplyTo != "" {
		parentItem = itemPartsKey(ch, m.InReplyTo)
		if bindsParent(m.Kind) {
			parentKey = storeKey{"parent", ch, m.InReplyTo}
		}
	}
	// The evidence, strongest first: the thread, the parent stored, a
	// sibling that arrived before the parent, a reply that arrived before
	// this item, a reply that named this item as its thread.
	// The last two are made only when the others find nothing.
	candidates := [...]storeKey{thread, parentItem, parentKey, {}, {}}
	var c *Conversation
	via := -1
	for i, key := range candidates {
		switch i {
		case 3:
			key = storeKey{"parent", ch, m.ID}
		case 4:
			own = threadPartsKey(ch, m.ID)
			key = own
		}
		if key.kind == "" {
			continue
		}
		st, err := b.lookup(key)
		if err != nil {
			return nil, false, err
		}
		if st.bound {
			if c, err = b.conv(st.ref.Conversation); err != nil {
				return nil, false, err
			}
			via = i
			break
		}
	}
	created := c == nil
	var name string // the key of the conversation created, made once
	if created {
		key := own
		if thread.kind != "" {
			key = thread
		}
		name = b.keyString(key)
		var err error
		if c, err = b.create(name, KindThread, m, reg, person); err != nil {
			return nil, false, err
		}
	}
	ref := Ref{Conversation: c.ID}
	// Bind what is still unbound: the thread; the parent not stored yet;
	// and this item's own thread when it started the conversation or
	// arrived after its replies (its later replies may name it as their
	// thread). A key bound to another conversation stays as it is.
	// The loop found every candidate before via unbound (every one when
	// via is -1), and nothing bound them since: those are bound without
	// looking them up again.
	unbound := func(i int) bool { return via == -1 || i < via }
	if thread.kind != "" && unbound(0) {
		b.bindName(b.nameOf(thread, name), ref)
	}
	switch {
	case parentKey.kind == "" || via == 1 || via == 2: // bound, or the parent stored
	case unbound(2):
		b.bindName(b.nameOf(parentKey, ""), ref)
	default: // via 0: neither was looked up
		st, err := b.lookup(parentItem)
		if err == nil && !st.bound {
			err = b.bindFree(parentKey, "", ref)
		}
		if err != nil {
			return nil, false, err
		}
	}
	if created && thread.kind == "" || via == 3 {
		if !created || thread.kind != "" { // name is another key's
			name = ""
		}
		if via == 3 { // the loop stopped before own
			if err := b.bindFree(threadPartsKey(ch, m.ID), name, ref); err != nil {
				return nil, false, err
			}
		} else {
			b.bindName(b.nameOf(own, name), ref)
		}
	}
	return c, created, nil
}

// nameOf returns name, or key made in the batch's buffer when name is
// "".
func (b *ingestBatch) nameOf(key storeKey, name string) string {
	if name == "" {
		name = b.keyString(key)
	}
	return name
}

// bindFree binds key to ref unless it is bound already; name, when not
// "", is the key made already.
func (b *ingestBatch) bindFree(key storeKey, name string, ref Ref) error {
	st, err := b.lookup(key)
	if err == nil && !st.bound {
		if name == "" {
			name = b.keyString(key)
		}
		b.bindName(name, ref)
	}
	return err
}

// join returns the conversation key is bound to, or starts one bound to
// it.
func (b *ingestBatch) join(key storeKey, kind ConversationKind, m *cmkit.Mention, reg *registered, person string) (*Conversation, bool, error) {
	st, err := b.lookup(key)
	if err != nil {
		return nil, false, err
	}
	if st.bound {
		c, err := b.conv(st.ref.Conversation)
		return c, false, err
	}
	name := b.keyString(key)
	c, err := b.create(name, kind, m, reg, person)
	if err != nil {
		return nil, false, err
	}
	b.bindName(name, Ref{Conversation: c.ID})
	return c, true, nil
}

// create starts a conversation for m, keyed key.
func (b *ingestBatch) create(key string, kind ConversationKind, m *cmkit.Mention, reg *registered, person string) (*Conversation, error) {
	id, err := b.ib.mintID()
	if err != nil {
		return nil, err
	}
	return b.addConv(Conversation{ID: id, Kind: kind, Key: key, Channel: m.ChannelID, Resource: roles.ResourceOf(reg.info),
		Person: person, Author: m.Author, Status: StatusNew, CreatedAt: b.now, UpdatedAt: b.now}), nil
}
