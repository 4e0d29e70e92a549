// Package moderation decides, for every incoming comment, reply, mention,
// direct message and review, what a community manager would: hide spam and
// insults, hold what needs a look, route complaints, suggest a reply, flag
// an opinion leader, raise a crisis. It is the engine the inbox calls on
// each item: exact, explainable and cheap enough for a firehose.
//
// # Concepts
//
// A RuleSet is a policy as people write it, in Go or in JSON (ParseRules):
// lexicons (TermList: named lists of words and phrases), author lists, and
// ModRules in order. A ModRule has an ID, a condition (Cond) and actions
// (Actions). Compile validates a set and builds an Engine, immutable and
// safe for concurrent use; Engine.Evaluate fills a Verdict for one
// cmkit.Mention: the merged actions of every rule that fired, each fired
// rule with its evidence (the lexicon, the term and the byte span in the
// original text of every hit that made it fire), and the language and
// sentiment used. The Verdict is the caller's and is reused, so that
// evaluation allocates nothing in the steady state.
//
// # Lexicons
//
// Every term of every lexicon of an engine goes into one automaton, run
// once per text over its normalized form: case, accents, full-width and
// other compatibility forms, invisible characters (zero-width spaces),
// Cyrillic and Greek look-alike letters, l33t digits and symbols ("1d10t4",
// a "1" read as "i" or "l"), runs of three or more of a letter ("idiiiota";
// doubles are kept, so "as" is not "ass" and "pera" is not "perra"),
// letters separated one by one ("i.d.i.o.t.a", "i d i o t a") and
// syllables separated by dashes or dots ("i-dio-ta") are all folded, and
// each hit is mapped back to the bytes of the original text. Terms are
// whole words by default: "ass" is not found in "class", "hell" in "hello",
// "ana" in "mañana" or "zwrot" in "zwrotnica"; a list marked substring
// finds its terms inside words too.
//
// A list may be for one language ("es"): it counts in mentions of that
// language ("es" covers "es-MX") and in those whose language is unknown.
// Lists of different languages may share a name, and a condition on the
// name reads them all. BuiltinLexicons ships starting lists in English,
// Spanish and Polish: insults, spam, scam, complaints and urgency; a set
// includes them by name ("builtin": ["insults"]).
//
// # Rules in JSON
//
//	{
//	  "builtin": ["insults", "complaints", "spam"],
//	  "lexicons": [{"name": "product", "terms": ["RoboMop", "AquaBot"]},
//	               {"name": "crisis", "lang": "es", "terms": ["intoxicación"]}],
//	  "author_lists": [{"name": "blocked", "authors": ["1234", "@spammer"]}],
//	  "rules": [
//	    {"id": "block", "when": {"author_list": "blocked"}, "then": {"delete": true, "stop": true}},
//	    {"id": "insults", "when": {"lexicon": "insults"}, "then": {"hide": true, "flag": ["insult"]}},
//	    {"id": "complaint",
//	     "when": {"all": [{"lexicon": "complaints"}, {"not": {"kinds": ["review"]}}]},
//	     "then": {"support": true, "queue": "care", "priority": 2,
//	              "reply": {"es": "Hola {author}, te escribimos por privado.", "*": "Hi {author}, we'll DM you."}}},
//	    {"id": "wave", "when": {"links": {"min": 1},
//	                            "wave": {"within": "10m", "min_count": 5, "min_authors": 3}},
//	     "then": {"delete": true, "flag": ["spam-wave"]}}
//	  ]
//	}
//
// A condition is an object whose keys are tests; it holds when all of them
// hold. "all", "any" and "not" compose conditions. The tests:
//
//	lexicon, min_hits, terms   terms of a lexicon found, at least min_hits times (default 1), of terms only if given
//	regex, normalized          an RE2 expression over the text (or its normalized form)
//	followers, account_age_days  ranges {"min": x, "max": y} over the author
//	verified, first_time       true or false; first_time asks the AuthorHistory
//	author_list                the author's ID or "@handle" is in the named list
//	kinds, platforms, channels, languages   the mention's kind, its channel's platform, its channel, its language
//	sentiment, sentiment_labels  a score range in [-1, 1]; "negative", "neutral", "positive"
//	links, domains, shortened  how many links; a link to a domain or its subdomains; a link to a URL shortener
//	caps_ratio, emoji, length  share of capitals among letters; emoji; characters
//	wave                       a spam wave (see below)
//
// Actions: "hide", "delete", "hold" (wait for approval), "flag" (labels),
// "priority" (the verdict keeps the highest), "queue" (the first wins),
// "support" (route to customer service), "reply" (a template per
// language, with {author}, {name} and {LEXICON} placeholders),
// "opinion_leader", "crisis" (signals the CrisisSignaler) and "stop" (no
// later rule is evaluated).
//
// ParseRules is strict: unknown or misspelled keys (names are
// case-sensitive), repeated keys, values of the wrong type and data after
// the set are refused, and validation names the rule and the field:
//
//	cmkit: invalid rules[3].when.any[1].lexicon: unknown: rule "x": no lexicon "insultos"
//
// Every error wraps cmkit.ErrInvalid through a *cmkit.ValidationError.
//
// # Evaluation order and cost
//
// Rules run in order; within a condition, tests run cheapest first, and
// all and any stop as soon as their answer is known, so an expensive test
// runs only when the cheap ones pass. From cheapest: the author's fields,
// the kind and the channel; author lists and platforms; lexicons (one
// shared scan of the text, done the first time a lexicon test runs);
// length and caps ratio (one pass), emoji; links and domains (one pass);
// the language (Mention.Language, else the detector); sentiment; spam
// waves; regular expressions, longer patterns last. Language and
// sentiment are computed only when a rule (or a wave's guard) needs them, unless
// WithAnnotations asks for them on every mention. A regex that holds costs
// one small allocation for its span (the regexp package's).
//
// Two shortcuts never change a decision (tests and a fuzz target compare
// the engine with a frozen copy that has neither): once the text is scanned, a rule whose lexicon tests
// found nothing is passed over without evaluating its other tests (unless
// a test before them has an effect, such as detecting the language); and a
// regular expression on the text as written runs only when the text holds
// the characters and literals that every match needs, as read from the
// pattern.
//
// # Spam waves
//
// A wave condition remembers mentions: each one has its own memory, a
// ring of the last WithWaveMemory fingerprints (10,000 by default), and
// records in it only the mentions that pass its guard, the other tests of
// the same Cond (its other keys and its "all" list; not the siblings of
// an "any" it belongs to, nor the conditions around its Cond). In
//
//	{"links": {"min": 1}, "wave": {"within": "10m", "min_count": 5, "min_authors": 3}}
//
// the memory holds the mentions with a link, so the ordinary traffic in
// between, however heavy, never pushes the first copies of a wave out of
// it, and two wave conditions with different guards never count each
// other's mentions. For every mention, before the rules, the engine
// evaluates the guard of every wave condition, whatever the rules
// decide and whichever rule stops, so what a memory holds does not depend
// on the order of the rules; a guard's tests run as a rule's would (a
// lexicon test scans the text, and the Verdict lists the hits), but leave
// no evidence. When the guard holds, the mention's fingerprint is
// recorded with its author and the engine's clock, and the wave test
// counts in the memory; when it fails, nothing is recorded and the wave
// test is false. A wave condition without a guard records every mention
// of three words or more.
//
// The fingerprint, computed once per mention, is a 64-bit SimHash of the
// normalized words (so case, accents, l33t, repeated letters, emoji and
// punctuation do not change it, and a changed or added word moves it a
// few bits); texts of fewer than three words get none and never count. A
// wave condition holds when at least min_count fingerprints (this one
// included) within distance bits of this one were seen within the
// window, from at least min_authors distinct authors (or only from this
// author with same_author). A memory is indexed by bands of the
// fingerprint (four bands of 16 bits up to distance 7: two fingerprints
// at most d bits apart differ by at most one bit in some band), so a
// query reads the fingerprints whose band is equal or one bit away
// rather than all of them, and finds exactly what reading them all
// would; it never grows past its bound. Short texts repeat innocently:
// gate a wave condition behind links or a spam lexicon, which also keeps
// the fingerprinting off the hot path.
//
// # Dry run
//
// DryRun evaluates a set over past mentions (an iter.Seq) and reports, for
// each rule, how many mentions it fired on with a few examples, and how
// many mentions each action was taken on. Compare does this for two sets
// and lists the mentions whose outcome changed: test a rule before
// enabling it. Both build their own engines, whose clock reads each
// mention's CreatedAt, and never signal a crisis or touch the live
// AuthorHistory.
//
// # Concurrency
//
// An Engine is safe for concurrent use. Every wave memory, and the
// default author memory, is behind its own mutex, held for one insertion
// or one query. A Verdict belongs to one goroutine at a time.
package moderation
