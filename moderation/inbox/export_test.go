package inbox

import (
	"context"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation"
)

// What the external tests (package inbox_test) need from inside. They are
// external because they use cmkittest, which imports this package for
// TestInboxStore.

const (
	MaxLabels      = maxLabels
	MaxReplyBytes  = maxReplyBytes
	MaxReasonBytes = maxReasonBytes
	MaxNoteBytes   = maxNoteBytes
	MaxMemberLen   = maxMemberLen
	MaxCannedBytes = maxCannedBytes
	TicketMessages = ticketMessages
)

var (
	ItemKey  = itemKey
	ReplyKey = replyKey
	PickText = pickText
	Subject  = subject
	Conflict = conflict
)

// FillForTest fills text as a reply to c would be.
func FillForTest(c *Conversation, info cmkit.ChannelInfo, agent string, values map[string]string, text string) string {
	v := newFillVars(c, info, agent, values)
	return v.fill(text)
}

func (ib *Inbox) AgentForTest(ctx context.Context, member string) (Agent, error) {
	return ib.agent(ctx, member)
}

func (ib *Inbox) EngineForTest() *moderation.Engine { return ib.engine.Load() }

func (ib *Inbox) TicketForTest(ctx context.Context, c *Conversation) (Ticket, error) {
	return ib.ticket(ctx, c)
}

func (r HandoffRetry) WaitForTest(n int, err error) time.Duration { return r.wait(n, err) }
