import {
  FILLER_PHRASES,
  HUMAN_NOUNS,
  NOT_TYPOS,
  PERSON_QUALIFIERS,
  REWRITES,
  SHORT_REQUESTS,
  STRONG_HUMAN_NOUNS,
  THING_AFTER_NOUN,
  TYPO_TARGETS,
} from './escalation-phrases.ts';
import { editDistance, hasPhrase, memoized, words } from './fold.ts';

const alt = (list: readonly string[]) => `(?:${[...list].sort((a, b) => b.length - a.length).join('|')})`;

const WHO = alt([...HUMAN_NOUNS.en, ...HUMAN_NOUNS.fr]);
const STRONG_WHO = alt(STRONG_HUMAN_NOUNS);
const ART_EN = '(?:(?:a|an|the|some|any|your|one of your|one of the) )?';
const ART_FR = '(?:(?:a|au|aux|avec|un|une|le|la|l|les|des|du|votre|vos|ton|ta|tes) )*';
const REAL = '(?:(?:real|live|actual|proper|vrai|vraie|vrais|vraies|veritable) )?';
const FR_MODAL =
  '(?:veux|voudrais|aimerais|peux|pourrais|puis je|souhaite|souhaiterais|besoin de|faut que je|peut on|est ce qu on peut)';

/**
 * Sentences that ask for a person wherever they appear in a message (folded, typos corrected). Past tenses do not
 * match ("I talked to an agent", "j'ai parlé à un conseiller"): only the forms of a request are listed.
 */
export const ASK_FOR_HUMAN_PATTERNS: readonly RegExp[] = [
  // talk to a human · can I speak with someone · chat with a real person · speaking to your manager (not "I was
  // talking to someone at your store")
  `(?<!(?:was|were|been) )(?:talk|speak|chat|talking|speaking|chatting) (?:to|with) ${ART_EN}${REAL}${WHO}`,
  // is there someone I can talk to? · can a human help me?
  '(?:is|are) there (?:someone|anyone|somebody|anybody) (?:i|we) can (?:talk|speak|chat) (?:to|with)',
  `(?:can|could) (?:a|an) ${REAL}(?:human|person|agent) help`,
  // real person please · a live agent · an actual human
  '(?:real|actual) (?:human|humans|person|people|someone|somebody)',
  'live (?:agent|operator|representative|person|human|support|chat)',
  // get me a human · put me through to someone · transfer me to an agent · connect me with customer service
  `(?:connect|transfer|put|pass|forward|redirect|get|escalate|bring) me (?:(?:to|through to|over to|with) )?${ART_EN}${REAL}${WHO}`,
  // I need help from a human · can I get some assistance from a real person (not "I got help from an agent")
  `(?:need|want|like|get|have) (?:some )?(?:help|assistance|support) from ${ART_EN}${REAL}${STRONG_WHO}`,
  // transfer to an agent · send me to a human (not "send me the manager's email")
  `(?:transfer|connect) to ${ART_EN}${REAL}${WHO}`,
  `send me (?:to|through to|over to) ${ART_EN}${REAL}${WHO}`,
  `send me ${ART_EN}${REAL}(?:human|human being|real person|agent|representative|operator)`,
  // I want a human · I need an agent · can I have a representative
  `(?:i want|i need|i d like|i would like|can i have|can i get|could i have|could i get|may i have|give me) ${ART_EN}${REAL}${STRONG_WHO}`,
  // contact customer service · reach a human
  `(?:contact|reach|call|get hold of|get in touch with) ${ART_EN}${REAL}(?:human|agent|representative|operator|customer service|customer support|support team|someone|somebody)`,
  // is there a human? my order is late · are there any agents available (not "is there a person limit?")
  `(?:is|are) there (?:a|an|any) ${REAL}(?:human|humans|person|agent|agents|operator|operators)(?! (?:limit|limits|size|sized|version|near|in|at|per|max|maximum|minimum|fee|charge)(?: |$))`,
  // anyone there? · is anybody there
  '^(?:is )?(?:there )?(?:anyone|anybody|someone|somebody) (?:there|here|alive|real)(?: please)?$',
  // parler à un conseiller · discuter avec quelqu'un · je veux parle a un humain (typo after a modal verb)
  `(?:parler|discuter|echanger|dialoguer|communiquer|${FR_MODAL} (?:parle|parlez)) (?:a|avec|au|aux) ${ART_FR}${REAL}${WHO}`,
  // un vrai humain · une vraie personne · une personne réelle
  '(?:un|une|des) (?:vrai|vraie|vrais|vraies|veritable) (?:humain|humaine|personne|conseiller|conseillere|agent|interlocuteur)',
  '(?:personne|humain) (?:reelle|reel|physique|en chair)',
  // mettez-moi en relation avec un conseiller · pouvez-vous me passer le service client
  `(?:mettez moi|mets moi|passez moi|passe moi|transferez moi|transfere moi|redirigez moi|me mettre|me mettez|me passer|me passez|me transferer|me rediriger)(?: en (?:relation|contact|ligne) avec)? ${ART_FR}${REAL}${WHO}`,
  // je souhaite être mis en relation avec un conseiller
  `etre (?:mis|mise) en (?:relation|contact) avec ${ART_FR}${REAL}${WHO}`,
  // j'ai besoin d'un conseiller · besoin d'un humain · je peux avoir quelqu'un au téléphone
  `besoin (?:d|de) ${ART_FR}${REAL}${STRONG_WHO}`,
  '(?:avoir|parler a) quelquun (?:au telephone|en ligne|au bout du fil)',
  // je veux un humain · je voudrais le service client · il me faut un conseiller
  `(?:je veux|je voudrais|j aimerais|je souhaite|je souhaiterais|je demande|il me faut|donnez moi|je prefere|je desire) ${ART_FR}${REAL}${STRONG_WHO}`,
  // joindre le service client · avoir un conseiller · contacter un humain
  `(?:joindre|contacter|appeler|avoir) ${ART_FR}${REAL}${STRONG_WHO}`,
  // il y a quelqu'un ? · y a personne ?
  '^(?:il )?(?:y )?(?:a|a t il) (?:quelquun|personne)(?: (?:la|ici|svp|stp))?$',
  '^(?:quelquun) (?:est )?(?:la|ici)(?: (?:svp|stp))?$',
  // est-ce qu'il y a un humain ? · y a-t-il un conseiller
  `(?:il )?y a (?:t il )?(?:un|une) ${REAL}(?:humain|humaine|personne|conseiller|conseillere|agent|operateur)(?: (?:la|ici|svp|stp))?$`,
].map((source) => new RegExp(`(?:^| )${source}(?= |$)`, 'gu'));

/**
 * A refusal that governs the request right after it: "I don't want to | talk to a human", "never | connect me to an
 * agent", "I'd rather not | talk to a person", "no need to | speak to someone", "is it possible to avoid | talking to
 * an agent", "je ne veux pas | parler à un conseiller", "pas la peine de | parler à un conseiller", with a word that
 * only stresses it ("I don't really want to", "I'm not going to", "I won't", "I no longer need to", "je ne veux
 * surtout pas"). Only at the very end of what comes before in the sentence, so that a complaint before a request ("it
 * doesn't work, connect me to an agent", "ça marche pas, je veux un humain") and "why can't I talk to someone?" stay
 * requests. "without" and "sans" are checked apart (WITHOUT).
 */
const TURNED_DOWN = new RegExp(
  [
    '(?:^| )(?:don t|dont|do not|didn t|didnt|did not|doesn t|doesnt|does not|won t|will not|never|rather not|' +
      'no longer|not)(?: (?:really|even|actually|necessarily|particularly|ever))?' +
      '(?: (?:want|wanna|need|wish|like|mean|intend|ask|asked|asking|have|trying|looking|going|gonna|planning))?' +
      '(?: to)?(?: have to)?$',
    // "no" alone is not enough: "No, I want a human" is a request.
    '(?:^| )no need(?: to)?$',
    '(?:^| )(?:avoid|avoiding|eviter (?:de|d))$',
    '(?:^| )(?:ne |n )?(?:veux|voulais|voudrais|souhaite|souhaiterais|desire|aimerais|ai)' +
      '(?: (?:vraiment|surtout|absolument|franchement))? (?:pas|jamais|plus)(?: (?:vraiment|du tout))?' +
      '(?: (?:besoin|envie) (?:de|d))?$',
    '(?:^| )pas (?:besoin|la peine) (?:de|d)$',
  ].join('|'),
  'u',
);

/** "without | speaking to someone": a refusal, unless its clause says it cannot be done (NEGATED). */
const WITHOUT = /(?:^| )(?:without|sans)$/u;

/**
 * A negation or an impossibility, which makes "without" a complaint: "I can't fix this without | talking to a human",
 * "it won't let me cancel without", "not possible without", "je ne peux rien régler sans | parler à un conseiller",
 * "j'arrive pas à le faire sans", "impossible sans". "ne" is often dropped and "peux" misspelt "peu".
 */
const NEGATED = new RegExp(
  [
    '(?:^| )(?:can t|cant|cannot|can not|couldn t|couldnt|could not|won t|wont|will not|unable|impossible|not possible|no way|pas possible)(?= |$)',
    // At most six words between "ne" and "pas": an unbounded gap made a long text cost its length cubed.
    '(?:^| )(?:ne|n)(?: [^ ]+){0,6}? (?:pas|rien|plus)(?= |$)',
    '(?:^| )(?:peux|peu|peut|pouvez|pourrai|pourrais|arrive|arrivons|arrivez|sais|sait|savons|savez) (?:pas|rien|plus)(?= |$)',
  ].join('|'),
  'u',
);

/** Everything up to the last "but"/"mais": what the clause before "without" starts after (commas split clauses). */
const BEFORE_CLAUSE = /^.*(?:^| )(?:but|mais) /u;

/**
 * Whether what comes before a request in its clause (`before`) turns the request (`request`) down. A refusal in an
 * earlier sentence or clause does not: "I don't understand. Talk to a human", and a negation governs "without" only
 * in its own clause: "I can't wait on hold, can I fix this without talking to someone?" is a refusal.
 */
function turnedDown(before: string, request: string): boolean {
  // The clause's end is what turns a request down: only that is read, however long what came before.
  const head = before.trimEnd().slice(-300);
  if (WITHOUT.test(head)) return !NEGATED.test(head.replace(BEFORE_CLAUSE, ''));
  // "pas besoin d'un conseiller": the request starts at "besoin".
  return TURNED_DOWN.test(head) || (/(?:^| )pas$/u.test(head) && request.trimStart().startsWith('besoin'));
}

const SHORT = new Set<string>(SHORT_REQUESTS);
/** Longest first, padded with spaces as they are looked for (built once: this runs on every message). */
const PADDED_FILLERS = [...FILLER_PHRASES].sort((a, b) => b.length - a.length).map((filler) => ` ${filler} `);
const TARGETS = new Set<string>(TYPO_TARGETS);
const NEVER_CORRECTED = new Set<string>(NOT_TYPOS);

/**
 * Where clauses end in a message, before folding drops the punctuation: commas and sentence ends. Ellipses and runs of
 * dots are a pause ("I don't want to... talk to a human"), and a line break ends a sentence only before a capital.
 */
const CLAUSE_END = /[,!?;]+|(?<!\.)\.(?!\.)|\n(?=\p{Lu})/u;

/**
 * Says whether a message asks for a person. Two rules, both on the folded text with typos corrected:
 * - a request sentence anywhere in the message (ASK_FOR_HUMAN_PATTERNS: "can I speak to someone about my order"),
 *   unless the words before it turn it down ("I don't want to talk to a human");
 * - a message that is nothing but a role noun once greetings, politeness and "I want" are dropped
 *   ("agent", "Human please!", "un humain svp"), so "I'm a real estate agent" does not count.
 */
export function asksForHuman(text: string): boolean {
  const clauses = text
    // Blank runs as one space or one line break first: a run of line breaks not before a capital made the split cubic.
    .replace(/\s+/g, (blank) => (blank.includes('\n') ? '\n' : ' '))
    .split(CLAUSE_END)
    .map((clause) => canonicalWords(clause).join(' '))
    .filter((clause) => clause !== '');
  const canonical = clauses.join(' ');
  if (canonical === '') return false;
  if (isShortRequest(canonical)) return true;
  const starts = clauseStarts(clauses);
  return ASK_FOR_HUMAN_PATTERNS.some((pattern) => {
    // The patterns are global so that a request turned down can be followed by one that is not; exec, unlike
    // matchAll, copies no pattern (this runs on every message).
    pattern.lastIndex = 0;
    for (let match = pattern.exec(canonical); match; match = pattern.exec(canonical)) {
      // A match starts with the space before its first word, unless it starts the text.
      const at = match.index + (match[0].startsWith(' ') ? 1 : 0);
      const clauseStart = starts.findLast((start) => start <= at) ?? 0;
      if (describesAThing(canonical, at + match[0].trimStart().length, starts)) continue;
      if (!turnedDown(canonical.slice(clauseStart, at), match[0])) return true;
    }
    return false;
  });
}

const THING_WORDS = new Set(THING_AFTER_NOUN);

/**
 * Whether the word after a request that ends at `end` makes its noun describe a thing ("can I get a human | size
 * mannequin"), in the same clause (`starts`: where the clauses start).
 */
function describesAThing(canonical: string, end: number, starts: readonly number[]): boolean {
  if (canonical[end] !== ' ' || starts.includes(end + 1)) return false;
  const next = canonical.slice(end + 1).split(' ', 1)[0] ?? '';
  return THING_WORDS.has(next);
}

/** Where each clause starts in the clauses joined by one space. */
function clauseStarts(clauses: readonly string[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const clause of clauses) {
    starts.push(at);
    at += clause.length + 1;
  }
  return starts;
}

/** Folded words with contractions rewritten and typos of the key nouns corrected. */
export function canonicalWords(text: string): string[] {
  const rewritten = words(text).flatMap((word) => (REWRITES[word] ?? word).split(' '));
  const joined: string[] = [];
  for (const word of rewritten) {
    if (word === 'un' && joined.at(-1) === 'quelqu') joined[joined.length - 1] = 'quelquun';
    else joined.push(word);
  }
  return joined.map(correctTypo);
}

const correctTypo = memoized(correctTypoOnce);

function correctTypoOnce(word: string): string {
  if (word.length < 4 || TARGETS.has(word) || NEVER_CORRECTED.has(word) || /\d/.test(word)) return word;
  for (const target of TARGETS) {
    const allowed = target.length >= 9 ? 2 : target.length >= 5 ? 1 : 0;
    if (allowed > 0 && editDistance(word, target, allowed) <= allowed) return target;
  }
  return word;
}

/** Nothing but a role noun once fillers are dropped; "personne" only with an article or a please-word. */
function isShortRequest(canonical: string): boolean {
  const noun = withoutFillers(canonical);
  if (!SHORT.has(noun)) return false;
  const qualifiers = PERSON_QUALIFIERS[noun];
  return qualifiers === undefined || qualifiers.some((word) => hasPhrase(canonical, word));
}

function withoutFillers(canonical: string): string {
  let rest = ` ${canonical} `;
  for (const padded of PADDED_FILLERS) {
    while (rest.includes(padded)) rest = rest.replaceAll(padded, ' ');
  }
  return rest.trim();
}
