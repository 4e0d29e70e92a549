// Package listen runs social listening queries over the community inbox:
// saved boolean queries about the brand, its products and its
// competitors, matched against every mention and counted per query and
// time bucket, so that a community manager sees how the conversation
// moves and what share of it is the brand's (share of voice).
//
// # Concepts
//
// A SavedQuery is a query as people save it: an ID, a name, the query
// text and, optionally, a Side (SideBrand, SideCompetitor). Compile
// turns a list of them into a Listener, which is immutable and safe for
// concurrent use. Listener.Match fills a Matches with the indexes of the
// queries a cmkit.Mention matches; reuse one Matches per goroutine and
// Match allocates nothing. A Tally counts those matches per time bucket,
// keeping a bounded number of recent buckets; Tally.Counts reads one
// query's buckets and Tally.ShareOfVoice compares the brand's query with
// its competitors'. Format checks and pretty-prints a query as typed.
//
// # The query language
//
//	acme                        the word "acme" (any case, any accents)
//	"acme corp"                 the phrase: these words in this order
//	refund*                     a word that starts with "refund"
//	acme refund                 both (juxtaposition is AND)
//	acme AND refund             the same
//	acme OR globex              either
//	acme NOT giveaway           acme, and no "giveaway"
//	acme -giveaway              the same: "-" right before a term,
//	                            phrase, group or filter excludes it
//	reembolso NEAR/2 tardío     both, at most 2 words between them,
//	                            in either order
//	(refund* OR "money back") NEAR/3 (late OR tarde)
//	                            NEAR between ORs of terms and phrases
//	acme lang:es                filters: the mention's language ("es"
//	acme platform:mastodon      covers "es-MX"), its channel's platform
//	acme channel:1234           (see WithChannels; "twitter" reads x),
//	                            its channel ID; quote a value with
//	                            spaces: channel:"my page"
//
// Operators are written in capitals: "and", "or", "not" and "near" in
// lower case are words to look for. Precedence, tightest first: NOT and
// "-", then NEAR, then AND (written or implied), then OR; parentheses
// group. So
//
//	acme OR globex refund*  -spam
//
// reads acme OR (globex AND refund* AND NOT spam); Format shows it as
// "acme OR globex AND refund* AND NOT spam", and ExampleFormat shows
// more. A NEAR joins a term or a phrase, or an OR of them in
// parentheses, on each side: "NOT a NEAR/3 b" and chains of NEAR are
// errors (write NOT (a NEAR/3 b)).
//
// A word is a run of letters and digits. A term is one or more words as
// typed, with the punctuation between them ("café-bar", "l'oréal",
// "iphone15"); quote anything with spaces, parentheses or a colon after
// letters ("http://..." would read as a filter named http). The "*" of a
// wildcard comes last, after at least MinPrefix letters or digits.
//
// Limits keep a query cheap to compile and to run: MaxQueryLen bytes,
// MaxDepth levels of parentheses and NOTs, NEAR/MaxNear at most,
// MaxTermLen bytes per term or phrase.
//
// A query must need something to be present: one that could match a
// mention that has none of its terms ("-spam", "lang:es", "acme OR NOT
// globex") is an error, because it would match most of the inbox.
//
// # Matching
//
// Text is compared after the normalization of internal/textnorm that
// moderation uses, without its evasion folds: case (Unicode folding),
// accents and other diacritics ("tardío" is "tardio", "ł" is "l", "ñ" is
// "n": Polish typed without diacritics matches, and so "año" matches
// "ano"), look-alike Cyrillic and Greek letters, full-width and other
// compatibility forms, invisible characters, and runs of white space.
// Moderation also reads l33t digits, repeated letters and separated
// letters, to catch people hiding insults; listening does not, because
// nobody hides a brand name and those folds merge product names: "A1"
// would read "ai", "3M" "em", "S3" "se".
//
// Terms and phrases match whole words: "ana" is not found in "mañana"
// nor "acme" in "acmecorp", while "#acme", "@acme" and "acme's" hold
// "acme". A phrase matches its words in order with exactly its
// punctuation between them and any white space: "zwrot pieniędzy"
// matches "ZWROT\n PIENIEDZY" but not "zwrot, pieniędzy". A wildcard
// matches a word that starts with it ("refund*": "refunds", not
// "nonrefundable").
//
// NEAR/n holds when an occurrence of one side and an occurrence of the
// other share no word and have at most n words between them, in either
// order: "reembolso NEAR/2 tardío" matches "el REEMBOLSO fue tardio".
// Punctuation is not a word; the words of a phrase count as one
// occurrence. "acme NEAR/3 acme" needs two occurrences of acme.
//
// Scripts written without spaces between words (Chinese, Japanese,
// Thai) are read as one word per run, so terms are rarely found in them.
//
// # Cost
//
// Compile puts every term and phrase of every query into one
// Aho–Corasick automaton (internal/match). Match then normalizes the
// text once and scans it once; the cost so far depends on the length of
// the text, not on the number of queries. Only the queries with a hit
// among their trigger terms are evaluated: for each query Compile picks
// terms one of which must be present for it to match (an OR needs one
// of each of its operands', an AND or a NEAR one of its operands', the
// one whose terms the fewest queries use, on the guess that the words
// many queries name, the brands, are also the most frequent in an
// inbox). A query that
// is a term or an OR of terms matches as soon as one is found, without
// an evaluation. The others pass a sieve first: the terms a query cannot
// match without (all those of an AND, one of each side of a NEAR, one of
// each operand of an OR), checked in a few instructions on a 64-bit
// signature of the terms found, which turns away most of the queries a
// trigger term woke but that need another term the text lacks. The
// sieve only turns away queries that cannot match; those it lets
// through run a program compiled from their tree: a
// few instructions on one boolean register, terms and filters first,
// NOTs and NEARs last, with jumps that stop as soon as the result is
// known; NEAR counts the words between pairs of occurrences, stopping
// at n+1. BenchmarkListen (500 queries, mentions of 40 to 280 bytes in
// English, Spanish and Polish) measures it.
//
// # Tally
//
// A Tally keeps, for each query, a ring of TallyConfig.Retain counters:
// memory is 8 bytes × queries × Retain, whatever the traffic. Buckets
// shorter than a day are aligned on the Unix epoch; day buckets are
// calendar days in a *time.Location, 23 or 25 hours long on the days the
// clocks change. The window of retained buckets ends at the newest
// bucket a mention was added to: a mention older than the window is not
// counted (Tally.Add says so), and one far ahead moves the window and
// drops what falls out of it. The Tally takes the instant from each
// mention; it has no clock of its own.
//
// Share of voice over a period is each compared query's count divided by
// the sum of their counts, so the shares add up to 1; a mention that two
// of the queries match counts for both. When no compared query matched
// anything, every share is 0.
//
// # Concurrency
//
// Listener is immutable; Match keeps its scratch space in the caller's
// Matches, one per goroutine. Tally is safe for concurrent use: Add holds
// a mutex while it counts, readers a read lock while they copy.
//
// # Errors
//
// Compile and Format return a *QuerySyntaxError for a query they cannot
// read, with the column (in characters) of the problem:
//
//	listen: queries[3].query: column 15: ")" without "("
//
// It wraps a *cmkit.ValidationError (rule "syntax"), and so
// cmkit.ErrInvalid. Other bad input (an ID missing or given twice, an
// unknown Side, a bad TallyConfig) is a *cmkit.ValidationError naming
// the field; an unknown query ID asked of a Tally wraps cmkit.ErrNotFound.
package listen
