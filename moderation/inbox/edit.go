package inbox

import "strconv"

// edit stores a later version of a stored inbound message: the engine
// judges the new text, the old version (text, EditedAt, triage) goes onto
// Message.Edits, and the conversation takes what the new judgement says,
// as it would for a new message, except what only arrivals change (the
// count, the times owed, reopening). An edit that turns clean text into
// abuse is hidden or deleted like a new item; a conversation whose only
// message it is becomes Hidden. The item's author stays the one first
// stored.
func (b *ingestBatch) edit(i int, msg *Message) error {
	m := &b.j.items[i]
	reg := b.channel(m.ChannelID) // add checked it is registered
	c, err := b.conv(msg.Conversation)
	if err != nil {
		return err
	}
	person := b.ib.person(msg.Mention.ChannelID, msg.Mention.Author.ID)
	old := *msg
	msg = b.changed(msg)
	msg.Edits = append(msg.Edits, Edit{Text: msg.Mention.Text, EditedAt: msg.Mention.EditedAt, Triage: msg.Triage})
	msg.Mention = *m
	if m.Author.ID != old.Mention.Author.ID {
		// An edit does not change who wrote the item (a platform never
		// does; a forged delivery must not move the blame).
		msg.Mention.Author = old.Mention.Author
	}
	msg.Triage = *b.j.of(b.ib, i)
	t := &msg.Triage
	if msg.Seq == c.Messages {
		c.Triage = *t
		if t.Language != "" {
			c.Language = t.Language
		}
	}
	c.UpdatedAt = b.now
	wasClean := !old.Triage.Hide && !old.Triage.Delete
	if c.Messages == 1 && wasClean && (t.Hide || t.Delete) && !c.Status.Closed() {
		b.status(c, StatusHidden)
	}
	b.judged(c, msg, reg, false)
	if err := b.credit(reg, person, msg, &old, ""); err != nil {
		return err
	}
	b.activity(c.ID, ActivityEdited, "message "+strconv.Itoa(msg.Seq)+" edited, judged again ("+firedRules(t)+")")
	b.edits++
	b.pending = append(b.pending, pendingEvent{kind: EventEdited, conv: c.ID, msg: msg.ID})
	return nil
}
