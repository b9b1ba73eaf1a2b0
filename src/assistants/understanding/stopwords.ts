/**
 * Function words per language, already folded (no accents). Single letters left by elisions and
 * contractions (l', j', qu', it's) are dropped in every language.
 */

/** The word lists of one language. */
export interface LanguageWords {
  /** Words that say little about what a person wants: left out when weighing what a text is about. */
  stopwords: ReadonlySet<string>;
  /** Stop words dropped even from a text made only of stop words ("please", "guys", "euh"). */
  fillers: ReadonlySet<string>;
  /**
   * Question words (where, when, how, où, quand): they appear in every kind of request, so they count
   * for little, but not for nothing: "where" leans towards an order or an address, "how much" towards a price.
   */
  questionWords: ReadonlySet<string>;
  /**
   * Greetings, thanks, farewells and "I have a question", as the lexicon writes them ("hiya" → "hello"): they make a
   * text social when they are all it says, and are mere politeness next to a request ("hi, where is my order?").
   */
  courtesyWords: ReadonlySet<string>;
}

// Wanting and asking verbs in any tense (want, needed, veux, voulais, faire) are stop words: every request has them.
// So are the remnants of contractions typed with or without the apostrophe (I've → "ve", "youre", "jsuis", "ya" for
// "il y a").
const EN = `a an the is are am was were be been being i im me my mine myself you your yours u ur we us our ours
it its this that these those there here to of for in on at by with from about into and or but so if then
do does did doing done can could would will shall should may might must have has had having
please pls plz just some any also too very really ok okay
want wanna wants wanted wanting need needs needed needing would like id know tell let lets give get got gonna gotta lemme gimme
ve re ll ive youre theyre weve youve theyve ill youll thats theres heres shouldve couldve wouldve`;
// Chat noise too: laughter, interjections, "btw".
const EN_FILLERS = `please pls plz ok okay k guys folks yall everyone everybody hmm um uh er oh well just so
lol haha hahaha hehe xd omg btw tbh idk oops ah wow yeah yep sorry apologies
actually basically literally exactly anyway maybe perhaps`;
const EN_QUESTIONS = `what whats which how who whom whose why where wheres when`;
const EN_COURTESY = `hello thanks bye question`;

// "ou" is both "or" and "où" once accents are folded: it counts as a question word.
const FR = `le la les un une des de du au aux a et est sont suis es etes sommes ete etre ai as avez avons ont
je tu il elle on nous vous ils elles me te se moi toi lui mon ma mes ton ta tes son sa ses notre nos votre vos
leur leurs ce cet cette ces ca cela ceci que qu quoi dont en y ne pour par sur dans avec chez
svp stp sil plait bien tres trop vraiment alors donc voila juste
veux voudrais voudrait veut voulais voulait voulez voulu peux pouvez peut puis pourriez pourrais pourrait
dois doit faut savoir dire aimerais aimerait comme
souhaite souhaiterais souhaiterait souhaitons souhaitez serai sera serait
jsuis chui jveux jpeux jsais jvoudrais jai jsp ya
faire fais fait faites font`;
const FR_FILLERS = `svp stp sil plait ok okay euh heu ben bah hum alors donc voila juste
mdr ptdr lol haha xd oups ah oh bref hein ouais dsl desole desolee pardon
exactement finalement franchement`;
const FR_QUESTIONS = `quel quelle quels quelles comment qui ou quand pourquoi`;
const FR_COURTESY = `bonjour merci aurevoir question`;

const set = (...lists: string[]) => new Set(lists.join(' ').split(/\s+/));

const BY_LANGUAGE: Record<string, LanguageWords> = {
  en: {
    stopwords: set(EN, EN_FILLERS),
    fillers: set(EN_FILLERS),
    questionWords: set(EN_QUESTIONS),
    courtesyWords: set(EN_COURTESY),
  },
  fr: {
    stopwords: set(FR, FR_FILLERS),
    fillers: set(FR_FILLERS),
    questionWords: set(FR_QUESTIONS),
    courtesyWords: set(FR_COURTESY),
  },
};

const NONE: LanguageWords = {
  stopwords: new Set(),
  fillers: new Set(),
  questionWords: new Set(),
  courtesyWords: new Set(),
};

/**
 * The word lists of a language ("en", "fr", "fr-CA" uses "fr"). Unknown languages get none,
 * which only makes matching a little noisier.
 */
export function languageWordsFor(language: string): LanguageWords {
  return BY_LANGUAGE[language.slice(0, 2).toLowerCase()] ?? NONE;
}

/** True for words to leave out when weighing what a text is about. */
export function isStopword(word: string, stopwords: ReadonlySet<string>): boolean {
  return word.length < 2 || stopwords.has(word);
}
