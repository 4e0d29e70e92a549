// Package styleguide checks drafts against a brand's style guide: the words
// it uses and avoids, how it writes hashtags, emoji and links, what a
// promotion must disclose, how it addresses readers in each language, what
// it never says during a crisis, how readable it is, whether the post fits
// the platform, and its spelling.
//
// # Concepts
//
// A Layer is one JSON document of the guide: the company's, a brand's, a
// campaign's. It holds Settings (the brand's person, its form of address
// per language, an accept list of product names) and StyleRules. Compile
// stacks layers in order — a later layer replaces a rule with the same ID,
// Disable removes earlier rules — and returns a Guide, immutable and safe
// for concurrent use.
//
// Check takes a Draft (text, title, language, platform, labels, campaign
// kind, whether a crisis is on) and appends an Alert for every place the
// draft breaks a rule that applies to it: rule, severity, a message in the
// draft's language (English, Spanish and Polish built in; a rule may give
// its own per language), the byte span in the original text and its line
// and column, and Fixes. A Fix marked Auto can be applied without a person
// looking: ApplyFixes applies them once, Guide.Fix until nothing automatic
// is left. The others are suggestions.
//
// A rule's Scope says where it applies: languages ("es" covers "es-MX"),
// platforms, labels, campaign kinds, and crisis on, off or any.
//
// # Rule kinds
//
// Each kind reads some parameters of StyleRule and refuses the others when
// the layer is loaded. In JSON:
//
//	banned          {"terms": ["cheap", "barato"], "match_case": false,
//	                 "match_accents": false, "inside_words": false, "evasions": false}
//	                Words and phrases never used. Found whole-word, without
//	                regard to case, accents or look-alike letters (Cyrillic
//	                "с" in "сheap") unless match_case or match_accents say
//	                otherwise; evasions also finds "ch3ap", "cheeeap", "c.h.e.a.p".
//	substitution    {"replace": [{"avoid": ["email", "e-mail"], "use": "correo",
//	                 "gender": "m", "number": "sg", "avoid_gender": "m", "avoid_number": "sg"}]}
//	                The preferred term for a discouraged one. The fix keeps
//	                the original's case ("Email" → "Correo", "EMAIL" →
//	                "CORREO"); see Agreement for when it is automatic.
//	conditional     {"when": {"campaign_kinds": ["promotion"], "labels": ["sponsored"],
//	                 "terms": ["giveaway"]}, "require": {"terms": ["#ad", "#publi"],
//	                 "link": "acme.com/terms*"}}
//	                When any condition holds, the text must contain one of
//	                the terms (the alert suggests appending the first) and a
//	                link matching the pattern. With "when": {"domains":
//	                ["acme.com"]} and "require": {"params": ["utm_source",
//	                "utm_medium", "utm_campaign"]} every link to those
//	                domains (and their subdomains) must carry the parameters.
//	count           {"count": "hashtags", "max": 3}
//	                hashtags, mentions, links, emoji, exclamations ("!"),
//	                caps_words (3 or more letters, no lower-case, not in the
//	                accept list) or sentence_words (words of each sentence,
//	                links, hashtags and mentions aside; a sentence ends at
//	                . ! ? … before white space, or at a line break). A max of
//	                0 allows none. The alert points at the first one over.
//	hashtags        {"camel_case": true, "max": 3, "terms": ["#f4f"], "words": ["acme"], "max_lower": 15}
//	                Banned tags, at most max (0: no cap), and multi-word tags
//	                in CamelCase for screen readers (see Hashtags).
//	consistency     {"variants": [["Wi-Fi", "wifi"], ["e-mail", "email"]]}
//	                One spelling per text: the variant used most (on a tie,
//	                the first used) wins; the others get an automatic fix.
//	repetition      {"exceptions": ["that"]}
//	                The same word twice in a row, with only white space
//	                between (line breaks too): "the the", "de de", "w w".
//	                The automatic fix deletes the second.
//	capitalization  {"terms": ["iPhone", "WhatsApp"], "headline": "title"}
//	                Product names as the brand writes them (automatic fix),
//	                and the style of Draft.Title: "title" (English title
//	                case) or "sentence" (Spanish and Polish). A headline
//	                alert covers the title, with the recased title as a
//	                suggestion, since a capital may belong to a name.
//	voice           {"aspect": "person", "exceptions": ["mi"]}
//	                Reads Settings: with "person": "we", first person
//	                singular forms (I, my, I'm; yo, mi, creo; ja, mój,
//	                jestem); with "address": {"es": "informal", "pl":
//	                "formal"}, the other form of address (see Voice).
//	crisis          {"terms": ["sale", "oferta"], "laughter": true, "emoji": true}
//	                Only while Draft.Crisis: promotional words, laughter
//	                ("haha", "jajaja", "xD", "lol") and emoji.
//	readability     {"formula": "szigriszt-pazos", "min_score": 55, "max_score": 80, "min_words": 30}
//	                The score of package readability (Flesch for English,
//	                Szigriszt-Pazos/INFLESZ or Fernández Huerta for Spanish,
//	                Pisarek for Polish, which grows harder, hence max_score).
//	                Scope it to platforms for per-platform thresholds.
//	platform        {}
//	                Draft.Limits, or cmkit.PlatformLimits(Draft.Platform),
//	                checked with cmkit.Limits.CheckPost: the alert spans from
//	                the cut point to the end of the text (or title).
//	spelling        {"suggestions": 3, "exceptions": ["lol"]}
//	                Words the language's Speller (WithSpeller) does not
//	                know, with its suggestions as fixes, best first.
//	                Hashtags, mentions, links, e-mail addresses, words with
//	                digits, all-capital words (acronyms) and the accept list
//	                are never checked.
//
// Every kind takes "id", "kind", "severity" (suggestion, warning, error),
// "message", "messages" ({"es": "...", "pl": "..."}) and "scope". Messages
// may say {match}, {use}, {count}, {max} and {score}. testdata/acme.json is
// a complete layer with every kind in English, Spanish and Polish.
//
// # Agreement
//
// In Spanish and Polish, replacing a noun may break the agreement of the
// words around it ("la newsletter nueva" → "la boletín nueva"). A
// substitution's fix is therefore automatic in those languages only when
// the gender and the number of both terms are known and equal; otherwise
// it is a suggestion. Each is taken from the replacement's gender, number,
// avoid_gender and avoid_number, or else inferred from the ending of the
// head word (the first word in Spanish, the last in Polish):
//
//	es  -ción -sión -dad -tad -tud: f sg; -ciones -siones -dades: f pl;
//	    -os: m pl; -as: f pl; -o: m sg; -a: f sg; other -es: pl, gender unknown
//	pl  -ść: f sg; -a: f sg; -o -e -ę -um: n sg; -y -i: pl, gender unknown;
//	    a consonant: m sg
//
// Nouns the endings get wrong (día, mapa, problema; mężczyzna, noc) must be
// declared. In other languages fixes are always automatic.
//
// # Voice
//
// Forms are matched as whole words, case aside but accents kept ("sé" is
// not "se"). Spanish under formal address flags tú, te, ti, tu, contigo and
// second-person verbs (puedes, tienes, eres...); under informal address it
// flags usted and ustedes, and su, sus, puede, tiene... only in a sentence
// that also says usted or ustedes, since they are also he, she and they.
// Polish under formal address flags ty, cię, ciebie, twój..., jesteś,
// możesz, masz... and imperatives (zobacz, sprawdź, kup), and "ci" only
// next to another of them; under informal address it flags Pan, Pani,
// Państwo in all their cases. English has no address forms. A term inside
// a longer listed form ("I" in "I'm") is reported once.
//
// # Hashtags
//
// A hashtag is "flat" when no letter after its first is a capital, or
// none is lower-case. A flat tag is multi-word when it splits into two or
// more known words (a built-in list of common English, Spanish and Polish
// words of brand hashtags plus the rule's words, compared without
// accents; digits separate words): "#blackfriday" → "#BlackFriday" is
// offered as a suggestion, never applied, because a split can be wrong.
// A flat tag of more than max_lower letters (default 15) is flagged too,
// without a fix.
//
// # Fixes
//
// Automatic fixes: substitutions that keep agreement, product names,
// consistency and repetition. ApplyFixes applies the first automatic fix
// of each alert, leaves out fixes that overlap one already taken, and
// replaces bytes that are not valid UTF-8, so its result is valid UTF-8.
// A round of fixes may make work for another ("email correo" → "correo
// correo"); Guide.Fix repeats check and fix (at most eight rounds) and
// returns the edits in the original's coordinates. Substitution,
// capitalization and consistency ignore a match joined by a hyphen to a
// letter ("mail" in "e-mail"), and Compile refuses a substitution or
// product name whose text holds a term another substitution replaces, so
// fixing ends.
//
// # Performance
//
// Every term of every term-based rule (banned, substitution, product
// names, consistency, crisis words, voice lists, conditional terms, banned
// hashtags) is compiled into one automaton of package internal/match (a
// second one only for terms with evasions), which scans the normalized
// text once whatever the number of terms. Rules' scopes are deduplicated
// and tested once per check; a term rule costs nothing until one of its
// terms is found. Working memory is pooled: Check allocates only for the
// alerts it returns (messages and fixes), and a draft that breaks no rule
// allocates nothing. BENCHMARKS.md has the figures.
//
// # Errors
//
// ParseLayer, ReadLayer and Compile return errors wrapping cmkit.ErrInvalid;
// a *cmkit.ValidationError names the field as a path into the JSON
// ("rules[12].replace", "layers[1].disable[0]") and the rule it broke
// ("required", "unknown", "duplicate", "loop"...). Alerts are values, not
// errors.
package styleguide
