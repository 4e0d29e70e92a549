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

// storeItemKey is the key of a stored item.
func storeItemKey(channel, id string) string { return "item/" + channel + "/" + id }

// storeThreadKey is the key of a thread.
func storeThreadKey(channel, id string) string { return "thread/" + channel + "/" + id }

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
		key := "dm/" + ch + "/" + m.Author.ID
		return b.join(key, KindDirect, m, reg, person)
	}
	tid := m.ThreadID
	if m.Kind == cmkit.KindComment && tid == m.InReplyTo {
		// A comment whose thread is the post it answers hangs right under
		// the brand's post: every comment on the post shares that thread.
		tid = ""
	}
	var threadKey, parentItem, parentKey, own string
	if tid != "" {
		threadKey = storeThreadKey(ch, tid)
	}
	if m.InReplyTo != "" {
		parentItem = storeItemKey(ch, m.InReplyTo)
		if bindsParent(m.Kind) {
			parentKey = "parent/" + ch + "/" + m.InReplyTo
		}
	}
	// The evidence, strongest first: the thread, the parent stored, a
	// sibling that arrived before the parent, a reply that arrived before
	// this item, a reply that named this item as its thread.
	// The last two are made only when the others find nothing.
	candidates := [...]string{threadKey, parentItem, parentKey, "", ""}
	var c *Conversation
	via := -1
	for i, key := range candidates {
		switch i {
		case 3:
			key = "parent/" + ch + "/" + m.ID
		case 4:
			own = storeThreadKey(ch, m.ID)
			key = own
		}
		if key == "" {
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
	if created {
		key := own
		if threadKey != "" {
			key = threadKey
		}
		var err error
		if c, err = b.create(key, KindThread, m, reg, person); err != nil {
			return nil, false, err
		}
	}
	ref := Ref{Conversation: c.ID}
	// Bind what is still unbound: the thread; the parent not stored yet;
	// and this item's own thread when it started the conversation or
	// arrived after its replies (its later replies may name it as their
	// thread). A key bound to another conversation stays as it is.
	if threadKey != "" {
		if err := b.bindFree(threadKey, ref); err != nil {
			return nil, false, err
		}
	}
	if parentKey != "" && via != 1 {
		st, err := b.lookup(parentItem)
		if err == nil && !st.bound {
			err = b.bindFree(parentKey, ref)
		}
		if err != nil {
			return nil, false, err
		}
	}
	if created && threadKey == "" || via == 3 {
		if own == "" { // via 3 stopped before it
			own = storeThreadKey(ch, m.ID)
		}
		if err := b.bindFree(own, ref); err != nil {
			return nil, false, err
		}
	}
	return c, created, nil
}

// bindFree binds key to ref unless it is bound already.
func (b *ingestBatch) bindFree(key string, ref Ref) error {
	st, err := b.lookup(key)
	if err == nil && !st.bound {
		b.bind(key, ref)
	}
	return err
}

// join returns the conversation key is bound to, or starts one bound to
// it.
func (b *ingestBatch) join(key string, kind ConversationKind, m *cmkit.Mention, reg *registered, person string) (*Conversation, bool, error) {
	st, err := b.lookup(key)
	if err != nil {
		return nil, false, err
	}
	if st.bound {
		c, err := b.conv(st.ref.Conversation)
		return c, false, err
	}
	c, err := b.create(key, kind, m, reg, person)
	if err != nil {
		return nil, false, err
	}
	b.bind(key, Ref{Conversation: c.ID})
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
