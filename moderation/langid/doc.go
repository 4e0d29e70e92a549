// Package langid detects the language of short social texts (20 to 280
// characters): English, Spanish and Polish, or unknown, with a confidence.
//
// Most callers want [Resolve], which trusts the language a platform declared
// for a mention and otherwise asks a [Detector]; [New] returns the default
// detector, [Profiles].
//
// # Method
//
// Text is cut into tokens at white space. Tokens that start with '@' or '#'
// and links (http://, https://, www.) are skipped whole; digits, emoji and
// punctuation end a word. Letters are folded to a..z (case and accents
// removed, ł to l, ß to s), so that "dziekuje" and "dziękuję" score alike,
// and each word w yields the letter trigrams of "  w " (its first letter,
// its inner trigrams and its last two letters before the boundary).
// Function words are covered this way: " el", "el ", " w ", " i ", "nie",
// "sie", "the", "que" are among the most telling trigrams.
//
// Each language has a profile: for every one of the 27³ trigrams, the
// negative log-probability of the trigram in that language, quantized to a
// byte. Detection adds the bytes of the text's trigrams per language (eight
// languages in two machine words, one table load per byte, without a branch
// on the byte for ASCII text), then adds the cues of accented letters: each
// one costs every language that does not write it (ñ ¿ ¡ mark Spanish,
// ą ć ę ł ń ś ź ż mark Polish, á é í ó ú point to Spanish and its
// neighbours, ã ç è ß to others).
// The cheapest language wins; the confidence is a softmax over the tempered
// costs, scaled down for texts of fewer than 20 letters.
//
// Besides en, es and pl the profiles model Portuguese, Italian, French,
// German and Catalan. They are never reported: a text that scores best as
// one of them is unknown, which keeps "grazie mille" from becoming Spanish.
// The guess is also unknown when the text has fewer than 10 letters, when
// the two best languages are too close (confidence below [MinConfidence]),
// when letters no modelled language writes (ș ř ı, Cyrillic, Greek, CJK...)
// make up 4% of the letters or more, or when even the best profile explains
// the text badly (an average cost per trigram above what real text scores),
// which catches many texts in Dutch, Turkish or Swedish.
//
// The profiles are trained on text written for this package (data/train,
// about 1,500 words for each of en, es and pl and 550 for each of the
// others, in the register of comments to brands); the trigram estimates are
// smoothed with a bigram chain so that a trigram the short training text
// lacks still costs what its letters suggest. `go generate` rebuilds
// profiles.bin (157 KB, embedded) from it, and a test fails when the two
// disagree; the first detection lays it out in a 256 KB table. The labelled test sets in testdata are separate texts: 322
// comments each in en, es and pl, and 73 in other languages.
//
// # Accuracy and limits
//
// On the test sets: English 99.7%, Spanish 99.1%, Polish 100%, and 98.6% of
// other-language texts come out unknown. Mixed-language texts get the
// language of most of their letters. Limits: a short Spanish comment built
// around an English word ("Tienen newsletter para suscribirme?") can come
// out English; Dutch, Scandinavian or Czech texts without telling letters
// can be taken for a modelled language; names and brand words count like
// any other word. Languages and scripts outside the eight profiles are
// unknown at best, never their own tag; use Resolve with the platform's
// declared language when there is one.
//
// # Concurrency
//
// A [Profiles] is immutable; Detect allocates nothing and is safe for
// concurrent use.
package langid
