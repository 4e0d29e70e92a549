package roles

import "context"

type actorKey struct{}

// WithActor returns a copy of ctx that carries the acting member's ID.
// Services read it with ActorFrom, so their methods need no extra
// parameter: a product sets it once per request, after authentication.
func WithActor(ctx context.Context, member string) context.Context {
	return context.WithValue(ctx, actorKey{}, member)
}

// ActorFrom returns the acting member carried by ctx, and false when there
// is none (or it is empty).
func ActorFrom(ctx context.Context) (string, bool) {
	m, ok := ctx.Value(actorKey{}).(string)
	return m, ok && m != ""
}
