package promotion_test

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"github.com/cmkit/cmkit/promotion"
)

// A giveaway's draw from open to verification, with the values a
// participant's developer friend can recompute with sha256sum (see the
// package doc). The seed here is the bytes 00, 01, ..., 1f so the output is
// fixed; a real promotion calls promotion.NewSeed(nil). The beacon value is
// illustrative, not drand's real round 5000000.
func ExampleDraw() {
	// When the promotion opens: make the secret seed, name the beacon
	// round, publish the commitment.
	var counting [32]byte
	for i := range counting {
		counting[i] = byte(i)
	}
	seed, _ := promotion.NewSeed(bytes.NewReader(counting[:]))
	beacon := &promotion.Beacon{Name: "drand quicknet", Round: 5000000}
	commitment, _ := promotion.Commit(seed, beacon)
	fmt.Println("commitment:", commitment)

	// When entries close: freeze the list and publish its hash.
	entries, _ := promotion.FreezeEntries([]string{
		"x:pedro_r", "instagram:ana.garcia", "facebook:marta.p", "x:jkowalski",
		"tiktok:zofia_k", "instagram:lucia", "mastodon:@olek@mastodon.social",
	})
	fmt.Println("entries hash:", entries.Hash())
	fmt.Println("entries.txt:")
	entries.WriteTo(os.Stdout)

	// When the round is out: fill in its value, draw, reveal the seed.
	beacon.Value = []byte{0xde, 0xad, 0xbe, 0xef}
	rec, _ := promotion.Draw(seed, entries, beacon, 1, 2)
	fmt.Println("seed:", rec.Seed)
	fmt.Println("key:", rec.Key)
	fmt.Println("winners:", rec.Winners)
	fmt.Println("alternates:", rec.Alternates)

	// Anyone: verify from what was published.
	published := slices.Collect(entries.Keys())
	fmt.Println("verify:", promotion.Verify(rec, published))
	rec.Winners[0] = "x:pedro_r"
	fmt.Println("verify a forged winner:", promotion.Verify(rec, published))
	// Output:
	// commitment: d297df669fb4fa8fa959b9422e0e3ffe654a2e9f3c36d5d03613a20aa2ee04f8
	// entries hash: 0e22eda21d73a87fe75bd3c4a1729c9201b887e706fe71052db0b96fa435c872
	// entries.txt:
	// facebook:marta.p
	// instagram:ana.garcia
	// instagram:lucia
	// mastodon:@olek@mastodon.social
	// tiktok:zofia_k
	// x:jkowalski
	// x:pedro_r
	// seed: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
	// key: 2d27d8930df38efed3fd03e59501d0d337bb382d45c6910972b72737cb074a5a
	// winners: [facebook:marta.p]
	// alternates: [x:pedro_r mastodon:@olek@mastodon.social]
	// verify: <nil>
	// verify a forged winner: cmkit: invalid winners[0]: mismatch: the record says "x:pedro_r", the draw gives "facebook:marta.p"
}
