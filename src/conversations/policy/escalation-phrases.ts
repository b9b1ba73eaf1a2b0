/**
 * The word lists behind escalation detection, kept together so they can be reviewed and extended.
 * Everything here is folded (lower case, no accents, punctuation as spaces) because messages are folded
 * before matching: "Parler à quelqu'un" is matched as "parler a quelquun" (see REWRITES).
 */

/** Who a person asks for. Used after a verb ("talk to …") or an article; `someone` forms only after a verb. */
export const HUMAN_NOUNS = {
  en: [
    'human',
    'humans',
    'human being',
    'person',
    'people',
    'agent',
    'representative',
    'rep',
    'operator',
    'someone',
    'somebody',
    'anyone',
    'anybody',
    'staff',
    'staff member',
    'employee',
    'advisor',
    'adviser',
    'manager',
    'supervisor',
    'customer service',
    'customer support',
    'customer care',
    'support team',
    'support agent',
  ],
  fr: [
    'humain',
    'humaine',
    'etre humain',
    'personne',
    'conseiller',
    'conseillere',
    'conseillers',
    'agent',
    'operateur',
    'operatrice',
    'quelquun',
    'service client',
    'service clientele',
    'service apres vente',
    'sav',
    'responsable',
    'interlocuteur',
    'interlocutrice',
    'vendeur',
    'vendeuse',
    'technicien',
    'equipe',
    'support',
  ],
} as const;

/**
 * Words that make the role noun just before them describe a thing, not a request for someone: "a human size mannequin",
 * "a human-sized teddy bear", "a person shaped cake", "human hair extensions". Only in the same clause: "I want a human,
 * size M is wrong" still asks for one.
 */
export const THING_AFTER_NOUN = ['size', 'sized', 'sizes', 'scale', 'shaped', 'hair', 'version', 'limit', 'limits'];

/**
 * Nouns strong enough to mean "a person" after "I want / je veux" without a verb: "I need an agent", "je veux un
 * humain". `someone` is left out ("I want someone to explain" is not a request for the team).
 */
export const STRONG_HUMAN_NOUNS = [
  'human',
  'human being',
  'real person',
  'person',
  'agent',
  'representative',
  'operator',
  'customer service',
  'customer support',
  'humain',
  'vrai humain',
  'vraie personne',
  'personne',
  'conseiller',
  'conseillere',
  'operateur',
  'operatrice',
  'service client',
  'service clientele',
  'sav',
  'interlocuteur',
] as const;

/**
 * Whole messages that, once greetings, politeness and "I want" are dropped (see FILLER_PHRASES), are nothing but a
 * request for a person: "agent", "Human please!", "un humain svp", "service client". A role noun inside a longer
 * sentence ("I'm a real estate agent", "your customer service is slow") is not a request.
 */
export const SHORT_REQUESTS = [
  'human',
  'humans',
  'human being',
  'real human',
  'real person',
  'person',
  'live person',
  'live agent',
  'real agent',
  'human agent',
  'agent',
  'representative',
  'rep',
  'operator',
  'customer service',
  'customer support',
  'customer care',
  'support agent',
  'live chat',
  'live support',
  'someone',
  'somebody',
  'anyone',
  'anybody',
  'anyone there',
  'anybody there',
  'someone there',
  'humain',
  'humains',
  'humaine',
  'etre humain',
  'vrai humain',
  'personne',
  'vraie personne',
  'personne reelle',
  'personne physique',
  'conseiller',
  'conseillere',
  'operateur',
  'operatrice',
  'service client',
  'service clientele',
  'sav',
  'quelquun',
  'interlocuteur',
] as const;

/**
 * Short requests that are one only with an article or a please-word: "Personne." and "Personne, merci" are French
 * for "nobody (thanks)", while "une personne" and "personne svp" ask for a person.
 */
export const PERSON_QUALIFIERS: Readonly<Record<string, readonly string[]>> = {
  personne: ['une', 'la', 'svp', 'stp', 's il vous plait', 's il te plait', 'please', 'pls', 'plz'],
};

/** Dropped before comparing a message with SHORT_REQUESTS. Longest phrases are removed first. */
export const FILLER_PHRASES = [
  'please',
  'pls',
  'plz',
  'pleas',
  'now',
  'right now',
  'asap',
  'hi',
  'hello',
  'hey',
  'ok',
  'okay',
  'thanks',
  'thank you',
  'thx',
  'just',
  'a',
  'an',
  'the',
  'i want',
  'i need',
  'i d like',
  'i would like',
  'give me',
  'talk to',
  'talk with',
  'speak to',
  'speak with',
  'chat with',
  'need',
  'want',
  'me',
  'merci',
  'svp',
  'stp',
  's il vous plait',
  's il te plait',
  'bonjour',
  'bonsoir',
  'salut',
  'coucou',
  'allo',
  'un',
  'une',
  'le',
  'la',
  'l',
  'du',
  'je veux',
  'je voudrais',
  'j aimerais',
  'il me faut',
  'donnez moi',
  'parler',
  'parler avec',
  'juste',
  'moi',
  'vite',
  'maintenant',
] as const;

/**
 * Spellings and contractions rewritten before matching (folded word → folded words). "quelqu'un" folds to
 * "quelqu un" and is then joined into the single word "quelquun", so "un" can be dropped as a filler elsewhere.
 */
export const REWRITES: Record<string, string> = {
  quelqun: 'quelquun',
  qqun: 'quelquun',
  qqn: 'quelquun',
  qq1: 'quelquun',
  qlqn: 'quelquun',
  kelkun: 'quelquun',
  quelqu1: 'quelquun',
  jveux: 'je veux',
  veu: 'veux',
  voudrai: 'voudrais',
  aimerai: 'aimerais',
  silvousplait: 's il vous plait',
  sil: 's il',
  wanna: 'want to',
  id: 'i d',
  im: 'i m',
  u: 'you',
  ppl: 'people',
  costumer: 'customer',
};

/**
 * Words a typo is corrected to (one edit from five letters, two from nine: "represntative", "conseilé", "humian").
 * Verbs are not corrected: "parlé" (I talked) is one letter from "parler".
 */
export const TYPO_TARGETS = [
  'human',
  'humain',
  'humaine',
  'person',
  'personne',
  'people',
  'agent',
  'representative',
  'conseiller',
  'conseillere',
  'operator',
  'operateur',
  'operatrice',
  'someone',
  'somebody',
  'anyone',
  'anybody',
  'customer',
  'service',
  'client',
  'clientele',
  'advisor',
  'interlocuteur',
  'speak',
  'please',
] as const;

/** Real words one letter away from a typo target, never corrected ("je veux mon argent" is about money). */
export const NOT_TYPOS = ['argent', 'urgent', 'parent', 'perso', 'personal', 'personnel', 'steak', 'sneak'];

/** Insults and swear words (whole folded words; a trailing "s" is ignored). Mild words like "damn" are left out. */
export const STRONG_WORDS = {
  en: [
    'fuck',
    'fucking',
    'fuckin',
    'fucked',
    'fucker',
    'fck',
    'motherfucker',
    'wtf',
    'stfu',
    'shit',
    'shitty',
    'bullshit',
    'crap',
    'crappy',
    'asshole',
    'arsehole',
    'bastard',
    'bitch',
    'cunt',
    'idiot',
    'moron',
    'imbecile',
    'scum',
    'scammer',
    'thief',
    'thieve',
  ],
  fr: [
    'merde',
    'merdique',
    'putain',
    'ptn',
    'connard',
    'connasse',
    'conasse',
    'salaud',
    'salop',
    'salope',
    'encule',
    'enculer',
    'enfoire',
    'batard',
    'fdp',
    'pute',
    'bordel',
    'foutre',
    'foutez',
    'tg',
    'abruti',
    'cretin',
    'debile',
    'escroc',
    'voleur',
    'arnaqueur',
  ],
} as const;

// Casser, péter, défoncer, exploser, éclater: infinitive, present, past participle, future and conditional.
const VIOLENT_VERB =
  '(?:cass|pet|defonc|explos|eclat)(?:er|e|es|ez|ons|ent|erai|eras|era|erons|erez|eront|erais|erait)';

/**
 * A reflexive verb, which is a fall and not a threat: the pronoun is the subject's own ("je me", "j'ai failli me",
 * "tu t'es", "nous nous sommes", "se"), with a word or two before the verb ("je me suis encore pété"). "je vais te
 * casser", "je vais vous casser", "il m'a cassé" are not reflexive, and "tu vas te faire péter la gueule" is a threat.
 */
const REFLEXIVE =
  '(?:^| )(?:(?:je|j)(?: [^ ]+){0,2} (?:me|m)|tu(?: [^ ]+){0,2} (?:te|t)|nous(?: [^ ]+){0,2} nous|' +
  'vous(?: [^ ]+){0,2} vous|se|s)(?: (?!(?:faire|fais|fait|ferai|feras|fera)(?: |$))[^ ]+){0,2} ';

/**
 * Insults and threats with "gueule", which alone is in "amuse-gueule", "casse-gueule", "faire la gueule": "ta gueule",
 * "fermez votre gueule", "je vais te casser la gueule". Falling is not a threat (REFLEXIVE): "je me suis cassé la
 * gueule", "j'ai failli me casser la gueule", "le site se casse la gueule". Matched on the folded text.
 */
export const STRONG_PHRASES = new RegExp(
  '(?<=^| )(?:' +
    ['(?:ta|votre|vos|tes) gueules?', `(?<!${REFLEXIVE})${VIOLENT_VERB} (?:la|les) gueules?`].join('|') +
    ')(?= |$)',
  'u',
);

/** Masked swearing ("f*ck", "sh!t", "p*tain"), matched on the lower-cased text before folding drops the symbols. */
export const MASKED_STRONG_WORDS =
  /\b(?:f[*#@!]+c?k|f[*#@]+k|sh[*#@!1]+t|b[*#@!1]+tch|p[*#@]+tain|m[*#@]+rde|c[*#@]+nnard)/u;

/** Thanks, joy and greetings: a message of these (and GLAD_FILLERS) in capitals or with "!!!" is not anger. */
export const GLAD_WORDS = [
  'thanks',
  'thank',
  'thx',
  'great',
  'perfect',
  'awesome',
  'super',
  'cool',
  'nice',
  'good',
  'yes',
  'yay',
  'wow',
  'ok',
  'okay',
  'love',
  'merci',
  'genial',
  'parfait',
  'top',
  'bravo',
  'oui',
  'youpi',
  'hello',
  'hi',
  'hey',
  'morning',
  'evening',
  'bonjour',
  'bonsoir',
  'salut',
  'coucou',
  'journee',
  'soiree',
  'amazing',
  'excited',
  'exciting',
  'happy',
  'glad',
  'lovely',
  'beautiful',
  'gorgeous',
  'wonderful',
  'fantastic',
  'excellent',
  'brilliant',
  'congrats',
  'congratulations',
  'adore',
  'magnifique',
  'felicitations',
];

/** Joy said in more than one word, counted as one of GLAD_WORDS: "Can't wait!!!", "J'ai hâte !!!". */
export const GLAD_PHRASES = ['can t wait', 'cant wait', 'looking forward', 'j ai hate'];

/**
 * Short words that may go with GLAD_WORDS without making the message anything else: "Thanks a lot!!!", "Thank u for
 * your help", "Merci à vous !!!", "Bonne journée !!!", "I'm so excited!!!", "This is amazing!!!". No negation and no
 * question word ("Not happy!!!", "Why is nobody answering!!!" are frustration). Kept to what a thanks or a greeting is made of, so that
 * "WHERE IS MY ORDER!!! thanks" and "THANKS FOR NOTHING" still count as shouting.
 */
export const GLAD_FILLERS = [
  'you',
  'u',
  'it',
  'got',
  'so',
  'much',
  'very',
  'a',
  'lot',
  'for',
  'your',
  'help',
  'the',
  'all',
  'again',
  'have',
  'day',
  'beaucoup',
  'pour',
  'tout',
  'trop',
  'bien',
  'tres',
  'votre',
  'ton',
  'aide',
  'vous',
  'toi',
  'bonne',
  'i',
  'm',
  'am',
  'we',
  're',
  'are',
  'this',
  'is',
  's',
  'to',
  'j',
];

/** Replies too common to count as "the same message again": "yes", "ok", "merci"... */
export const TOO_COMMON_TO_REPEAT = [
  'yes',
  'no',
  'ok',
  'okay',
  'k',
  'yep',
  'yeah',
  'nope',
  'thanks',
  'thank you',
  'thx',
  'hi',
  'hello',
  'oui',
  'non',
  'si',
  'merci',
  'd accord',
  'dac',
  'ok merci',
  'bonjour',
  'salut',
];
