package roles

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// TokenIssuer makes and checks approval tokens for approvers without an
// account, such as an agency's client. A token is bound to one item at one
// version and one approval step, expires, is signed with HMAC-SHA256, and
// can be redeemed once: a post edited after the link was sent needs a new
// token.
//
// A TokenIssuer is safe for concurrent use.
type TokenIssuer struct {
	key   []byte
	used  TokenStore
	clock cmkit.Clock
}

// TokenStore remembers redeemed tokens until they expire, so that none is
// redeemed twice, even by two processes at once.
type TokenStore interface {
	// Use marks token id as redeemed until expires. It returns an error
	// wrapping cmkit.ErrConflict when id was already used.
	Use(ctx context.Context, id uuid.UUID, expires time.Time) error
}

// NewTokenIssuer returns an issuer signing with key (at least 32 bytes; keep
// it secret and the same across processes), remembering redeemed tokens in
// used, dated by clock (nil means cmkit.SystemClock()).
func NewTokenIssuer(key []byte, used TokenStore, clock cmkit.Clock) (*TokenIssuer, error) {
	if len(key) < 32 {
		return nil, cmkit.Invalid("key", "min_length", "a signing key needs at least 32 bytes, got %d", len(key))
	}
	if used == nil {
		return nil, cmkit.Invalid("used", "required", "nil TokenStore")
	}
	if clock == nil {
		clock = cmkit.SystemClock()
	}
	return &TokenIssuer{key: append([]byte(nil), key...), used: used, clock: clock}, nil
}

type tokenClaims struct {
	ID       uuid.UUID `json:"id"`
	Item     uuid.UUID `json:"item"`
	Version  int64     `json:"v"`
	Rule     string    `json:"rule"`
	Step     string    `json:"step"`
	Approver string    `json:"by"`
	Expires  int64     `json:"exp"`
}

var b64 = base64.RawURLEncoding

// Issue returns a token that lets approver approve step of rule for item at
// its current version, valid for ttl. The item must be complete (an ID,
// authors and resources, as ApprovalStatus requires), else the error wraps
// cmkit.ErrInvalid.
func (ti *TokenIssuer) Issue(item Item, rule, step, approver string, ttl time.Duration) (string, error) {
	if err := item.validate(); err != nil {
		return "", err
	}
	switch {
	case rule == "" || step == "":
		return "", cmkit.Invalid("step", "required", "name the rule and the step")
	case strings.TrimSpace(approver) == "":
		return "", cmkit.Invalid("approver", "required", "")
	case ttl <= 0:
		return "", cmkit.Invalid("ttl", "positive", "got %s", ttl)
	}
	c := tokenClaims{ID: cmkit.NewID(), Item: item.ID, Version: item.Version, Rule: rule, Step: step,
		Approver: approver, Expires: ti.clock.Now().Add(ttl).Unix()}
	body, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	payload := b64.EncodeToString(body)
	return payload + "." + b64.EncodeToString(ti.sign(payload)), nil
}

func (ti *TokenIssuer) sign(payload string) []byte {
	m := hmac.New(sha256.New, ti.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// Redeem checks token against item and, once, turns it into an external
// Approval, which ApprovalStatus counts for the token's step when that step
// allows External approvals. An incomplete item (see Issue) or a malformed
// token wraps cmkit.ErrInvalid; a bad signature, an
// expired token or one for another item or version wraps
// cmkit.ErrForbidden; a token already used wraps cmkit.ErrConflict. The
// token's text never appears in an error.
func (ti *TokenIssuer) Redeem(ctx context.Context, token string, item Item) (Approval, error) {
	if err := item.validate(); err != nil {
		return Approval{}, err
	}
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return Approval{}, cmkit.Invalid("token", "format", "not an approval token")
	}
	got, err := b64.DecodeString(sig)
	if err != nil {
		return Approval{}, cmkit.Invalid("token", "format", "not an approval token")
	}
	if !hmac.Equal(got, ti.sign(payload)) {
		return Approval{}, forbidden("the approval token's signature does not verify")
	}
	body, err := b64.DecodeString(payload)
	if err != nil {
		return Approval{}, cmkit.Invalid("token", "format", "not an approval token")
	}
	var c tokenClaims
	if err := json.Unmarshal(body, &c); err != nil {
		return Approval{}, cmkit.Invalid("token", "format", "not an approval token")
	}
	now := ti.clock.Now()
	switch {
	case now.Unix() >= c.Expires:
		return Approval{}, forbidden("the approval token expired at %s", time.Unix(c.Expires, 0).UTC().Format(time.RFC3339))
	case c.Item != item.ID:
		return Approval{}, forbidden("the approval token is for another item")
	case c.Version != item.Version:
		return Approval{}, forbidden("the approval token is for version %d; the item changed since (version %d) and needs a new approval", c.Version, item.Version)
	}
	if err := ti.used.Use(ctx, c.ID, time.Unix(c.Expires, 0)); err != nil {
		return Approval{}, err
	}
	return Approval{Item: c.Item, Version: c.Version, Rule: c.Rule, Step: c.Step, Approver: c.Approver,
		External: true, At: now}, nil
}

// MemoryTokenStore is a TokenStore held in memory; it forgets tokens once
// they expire. It is safe for concurrent use, and complete for a single
// process; processes that share approvals need a shared TokenStore.
type MemoryTokenStore struct {
	mu        sync.Mutex
	used      map[uuid.UUID]time.Time
	clock     cmkit.Clock
	pruneSize int // prune expired tokens when the map grows past this
}

var _ TokenStore = (*MemoryTokenStore)(nil)

// NewMemoryTokenStore returns an empty store that prunes by clock (nil means
// cmkit.SystemClock()).
func NewMemoryTokenStore(clock cmkit.Clock) *MemoryTokenStore {
	if clock == nil {
		clock = cmkit.SystemClock()
	}
	return &MemoryTokenStore{used: map[uuid.UUID]time.Time{}, clock: clock}
}

// Use implements TokenStore.
func (s *MemoryTokenStore) Use(ctx context.Context, id uuid.UUID, expires time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if len(s.used) >= s.pruneSize {
		for k, exp := range s.used {
			if !now.Before(exp) {
				delete(s.used, k)
			}
		}
		s.pruneSize = max(2*len(s.used), 64) // amortized: O(1) per Use
	}
	if exp, ok := s.used[id]; ok && now.Before(exp) {
		return cmkit.Errorf(cmkit.ErrConflict, "roles: the approval token was already used")
	}
	s.used[id] = expires
	return nil
}
