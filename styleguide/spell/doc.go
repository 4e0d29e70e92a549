// Package spell checks spelling with Hunspell dictionaries, the format of
// LibreOffice, Firefox and the hunspell-* packages of Linux
// distributions, and agrees with the hunspell program on them.
//
// cmkit ships no dictionary. Load one from its .aff and .dic files:
//
//	d, err := spell.Open(os.DirFS("/usr/share/hunspell"), "es_ES")
//	...
//	d.Check("comunidad")        // true
//	d.Suggest("comunidat", 5)   // [comunidad ...]
//	d.Add("cmkit", "TikTok")    // the brand's own words
//
// A Dictionary is read-only after loading (Add copies on write) and safe
// for concurrent use. Tokens splits a text into the words hunspell would
// check.
//
// # What is supported
//
// Everything the Debian en_US, es_ES (hunspell-es) and pl_PL
// (hunspell-pl) dictionaries use, and the common rest of the format:
//
//   - SET UTF-8, ISO8859-1 to -15, KOI8-R, KOI8-U and microsoft-cp1251,
//     converted to UTF-8 with the tables in this package; FLAG char, long,
//     num and UTF-8; AF flag aliases; AM is read and ignored.
//   - PFX and SFX with strip strings, conditions ([abc], [^abc], .) and
//     cross products (Y/N); continuation classes: a suffix on a suffix
//     (twofold, as es_ES's clitics), a prefix with a suffix, affixes that
//     enable others.
//   - NEEDAFFIX (PSEUDOROOT), FORBIDDENWORD, KEEPCASE, ONLYINCOMPOUND,
//     CIRCUMFIX, NOSUGGEST, FULLSTRIP, ICONV and OCONV, IGNORE, BREAK (by
//     default words split at hyphens, as hunspell does).
//   - Compounds: COMPOUNDFLAG, COMPOUNDBEGIN, COMPOUNDMIDDLE, COMPOUNDEND,
//     COMPOUNDMIN, COMPOUNDWORDMAX, COMPOUNDRULE (en_US's 21st, 104th),
//     COMPOUNDPERMITFLAG, COMPOUNDFORBIDFLAG, CHECKCOMPOUNDDUP,
//     CHECKCOMPOUNDCASE, CHECKCOMPOUNDTRIPLE and CHECKCOMPOUNDREP.
//   - Capitalization as hunspell has it: a lower-case dictionary word is
//     also correct Capitalized and in ALL CAPS; a capitalized one in all
//     caps but not lowered; mixed case ("iPhone", "OpenOffice.org") as
//     written and in all caps, unless KEEPCASE; "NASA'S" through the
//     affixes of "NASA"; trailing periods ("etc."), leading spaces,
//     numbers ("1,000.50", "2024-01-31").
//   - Suggestions: capitalization, REP, MAP (several replacements at a
//     time), adjacent swaps, KEY neighbours, a letter dropped, a TRY
//     letter inserted or substituted, a letter moved, a split into two
//     words, then similar dictionary words (an n-gram search over the
//     stems, expanded with their affixes). Table suggestions come first,
//     then single edits ranked by n-gram similarity weighted by the kind
//     of edit, then splits, then n-gram matches.
//
// # What is not
//
// Morphological analysis and generation (the fields after the flags, AM
// contents, stem and analyze), PHONE suggestions, CHECKCOMPOUNDPATTERN,
// COMPOUNDSYLLABLE and the Hungarian-specific rules, COMPLEXPREFIXES,
// CHECKSHARPS, FORCEUCASE, WARN, the Turkish and Azeri dotted i, and
// hunspell's "simple suggestion" veto on compounds of three or more
// words. Suggestions are hunspell-like, not hunspell's exact list or
// order. Where hunspell 1.7.1 and later versions differ (a circumfix
// prefix alone), this package follows 1.7.1, the version Debian ships.
// Letter case follows Go's unicode package, which can differ from
// hunspell's own tables for rare letters. A word with a character that
// the dictionary's 8-bit SET cannot represent is misspelled; the hunspell
// program instead checks the part before that character (its iconv stops
// there), which is most of the disagreement on pl_PL below.
//
// # Agreement with hunspell
//
// The integration test (go test -tags integration) checks every word of
// testdata/corpus/{en,es,pl}.txt (posts in each language with deliberate
// misspellings) with this package and with the hunspell 1.7.1 program
// (hunspell -l, one word per line), prints every disagreement, and
// requires agreement on 99.5% of the words. Measured: en_US 100% of 5,802
// words, es_ES 100% of 5,535, pl_PL 100% of 5,345. On a larger sample, the
// translated messages of Debian packages (386,567 Spanish and 213,818
// Polish words), es_ES agrees on 100% and pl_PL on 99.84%: every one of
// the 134 distinct words in disagreement has a letter outside ISO-8859-2
// ("Kırıkkale"), which the hunspell program truncates (see above).
//
// # Speed
//
// Check allocates nothing for a correct word. On one core of the
// development machine (medians of five runs over the corpus words, the
// misspelled ones included): en_US 6.4 million words/s, es_ES 2.7
// million, pl_PL 1.2 million; a misspelled word costs more, as every
// affix and compound split is tried. Loading takes 33 ms (en_US), 40 ms
// (es_ES) and 190 ms (pl_PL, 308,000 stems), and the loaded dictionaries
// hold 4.6, 7.6 and 22 MB of heap. Stems are in a map behind a Bloom
// filter; affixes are indexed by their text and grouped by strip string,
// so a word tries only the affixes it ends (or starts) with, and each
// candidate stem is looked up once. Suggest is much slower: 30 ms
// (en_US), 60 ms (es_ES) and 300 ms (pl_PL) per word when its n-gram pass
// runs, since that pass reads every stem; call it for misspelled words
// only, and off the hot path.
//
// # Errors
//
// A bad .aff or .dic file is an error naming the file, line and directive
// ("es_ES.aff:123: SFX: want 4 fields ..."); it wraps cmkit.ErrInvalid.
// Load refuses files over 64 MiB, lines over 64 KiB, more than 4 million
// stems, 65,000 flags or 200,000 affix entries, and bounds the work one
// word can cause (word breaks, compound splits), so hostile input cannot
// exhaust memory or time.
package spell
