package promotion

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestScan(t *testing.T) {
	var sc scan
	sc.read("¡Quiero GANAR! #Sorteo_Acme #Café @Ana_G, @bob.m. @ana_g @user@mastodon.social https://x.co/abc www.acme.com Óla")
	assert.Equal(t, " quiero ganar ola ", string(sc.content)) // hmm
	assert.Equal(t, []uint64{hash64([]byte("sorteo_acme")), hash64([]byte("cafe"))}, sc.tags)
	assert.Equal(t, []uint64{hash64([]byte("ana_g")), hash64([]byte("bob.m")), hash64([]byte("user@mastodon.social"))}, sc.handles)
}

// TestSignatureSeparates: a text with a word changed, punctuation or an
// emoji added agrees with the original on at least nearAgree bins; other
// texts, and a thousand random ones, do not.
func TestSignatureSeparates(t *testing.T) {
	var a, b scan
	a.read("me encanta esta marca y quiero ganar el premio para mi madre que lo merece")
	near := []string{
		"me encanta esta marca y quiero ganar el premio para mi madre que lo merece!!",
		"Me encanta esta marca y quiero ganar el premio para mi mamá que lo merece",
		"me encanta esta marca, quiero ganar el premio para mi madre que lo merece 🙏",
		"me encanta esta marca y quiero ganar el premio para mi padre que lo merece @ana @bob",
	}
	for _, v := range near {
		b.read(v)
		sign(a.content, &a.sig)
		sign(b.content, &b.sig)
		assert.GreaterOrEqual(t, agree(&a.sig, &b.sig, nearAgree), nearAgree, v)
	}
	far := []string{
		"el sorteo de hoy es para los fans que siguen la cuenta desde hace años",
		"me encanta esta marca",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		far = append(far, fmt.Sprintf("texto %d distinto %d de %d otro %d", r.IntN(1e6), r.IntN(1e6), r.IntN(1e6), r.IntN(1e6)))
	}
	for _, v := range far {
		b.read(v)
		sign(b.content, &b.sig)
		assert.Less(t, agree(&a.sig, &b.sig, nearAgree), nearAgree, v)
	}
}
