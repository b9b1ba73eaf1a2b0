import { editDistance, lightStem } from './word-similarity.ts';

/**
 * A small built-in vocabulary of what customers of an online shop commonly type, per language: fixed
 * expressions become one word ("have a nice day" → "bye", "à plus" → "aurevoir") and synonyms become
 * the first word of their group ("hiya" → "hello", "package" → "parcel"). Applied to examples and inputs
 * alike, so a flow's examples need not list every greeting or every word for a parcel.
 * Words are folded (lower case, no accents), as `tokenize` gives them.
 */

/** Rewrites folded words: expressions first (longest first), then single words, then their plurals. */
export interface Lexicon {
  /** Rewrites raw text before folding, for expressions made of symbols ("a+" in French). */
  prepare(text: string): string;
  rewrite(words: readonly string[]): string[];
  /** The canonical word of a synonym one typo away ("packge" → "parcel"): 6+ letters, same first letter. */
  nearest(word: string): string | undefined;
}

// Each line: the canonical word, then its synonyms. An entry with spaces is an expression.
const EN = `
not: dont didnt doesnt havent hasnt hadnt isnt arent wasnt werent wont cant couldnt wouldnt shouldnt aint | don t | didn t | doesn t | haven t | hasn t | hadn t | isn t | aren t | wasn t | weren t | won t | can t | couldn t | wouldn t | shouldn t | ain t
what: wat wot
problem: issue
hello: hi hey hiya heya hallo hullo howdy helo hai yo sup hola greetings bonjour | good morning | good afternoon | good evening
bye: goodbye byebye cya ciao farewell ttyl | good night | goodnight | see you | see ya | see u | talk later | talk soon | catch you later | have a nice day | have a good day | have a great day | have a lovely day | have a nice evening | have a good evening | have a nice weekend | have a good weekend | have a good one | have a nice one
thanks: thank thnk thx thnx thanx tnx tks ty tysm cheers ta | thank you | thank u
parcel: package pkg packet
order: purchase
late: delayed delay overdue
refund: reimburse reimbursement | money back
exchange: swap replace replacement
broken: damaged damage cracked chipped smashed shattered snapped faulty defective broke
wrong: incorrect
person: human agent operator representative rep staff someone somebody employee advisor adviser
support: | customer service | customer services | customer care | customer support
useless: unhelpful rubbish pointless stupid dumb
bot: robot chatbot ai
shop: store boutique
price: cost fee charge rate tariff pricing
abroad: overseas international internationally worldwide foreign
country: countries uk usa america canada australia ireland france germany spain portugal italy belgium netherlands holland switzerland austria sweden norway denmark finland poland greece japan china india singapore mexico brazil europe eu scotland wales england | new zealand | south africa | northern ireland | the us | the usa | the uk | the states
monday: tuesday wednesday thursday friday saturday sunday
discount: promo promotion coupon deal reduction
pay: payment paying paid
visa: mastercard amex maestro | american express
fast: quick quickly quicker faster speedy rapid
collect: | pick up | pickup | click and collect | click collect
stock: available availability
scent: smell fragrance perfume aroma
email: mail
close: shut closing closed
options: choices choice
catalogue: catalog
colour: color
cancel: cancellation cancelled canceled cancelling canceling
`;

const FR = `
pourquoi: pk pq
quand: qd
beaucoup: bcp
probleme: pb pbm souci
bonjour: salut coucou bonsoir bjr slt cc hello hey hi yo hola | bonne matinee
aurevoir: bye ciao tchao adieu | au revoir | a plus | a plus tard | a bientot | a tout a l heure | a la prochaine | bonne journee | bonne soiree | bonne nuit | bonne fin de journee | bon week end | bon weekend | bonne continuation
merci: mci mrc thx thanks remerciement
colis: paquet package
retard: retarde retardee
echange: echanger remplacer remplacement
casse: cassee abime abimee endommage endommagee fele felee ebreche ebrechee defectueux defectueuse brise brisee
personne: humain conseiller conseillere vendeur vendeuse agent operateur operatrice employe employee interlocuteur qqn qqun | quelqu un
support: | service client | service clients | service apres vente | sav
inutile: nul nulle
robot: bot chatbot ia
boutique: magasin shop
prix: cout coute coutent couter tarif frais
etranger: international internationale | monde entier | dans le monde
pays: belgique suisse allemagne espagne portugal italie autriche irlande suede norvege danemark pologne grece japon chine canada usa quebec luxembourg monaco maroc tunisie algerie senegal reunion martinique guadeloupe france europe angleterre ecosse | etats unis | royaume uni | pays bas | nouvelle zelande | dom tom
lundi: mardi mercredi jeudi vendredi samedi dimanche
reduction: reduc promo promotion remise coupon rabais
payer: paiement payement reglement regler
visa: mastercard amex maestro cb | american express | carte bleue
rapide: rapidement vite
retirer: recuperer retrait | click and collect | click collect
stock: disponible dispo disponibilite
parfum: senteur odeur fragrance
options: choix
email: mail courriel
annuler: annulation annule annulee
`;

interface Entry {
  from: string[];
  to: string;
}

function parse(source: string): Entry[] {
  return source
    .trim()
    .split('\n')
    .flatMap((line) => {
      const [to, rest] = line.split(':') as [string, string];
      const [words = '', ...expressions] = rest.split('|');
      return [
        ...words
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((w) => ({ from: [w], to })),
        ...expressions.map((e) => ({ from: e.trim().split(/\s+/), to })),
      ];
    });
}

function build(source: string, prepare: (text: string) => string = (text) => text): Lexicon {
  const entries = parse(source);
  const expressions = entries.filter((e) => e.from.length > 1).sort((a, b) => b.from.length - a.from.length);
  // Synonyms and canonical words, also by light stem so plurals meet ("deals" → "discount", "orders" → "order").
  const single = new Map<string, string>();
  const byStem = new Map<string, string>();
  for (const { from, to } of entries) {
    for (const word of from.length === 1 ? [from[0]!, to] : [to]) {
      single.set(word, to);
      byStem.set(lightStem(word), to);
    }
  }
  const long = [...single.keys()].filter((w) => w.length >= 6);
  return {
    prepare,
    nearest(word) {
      if (word.length < 6) return undefined;
      const near = long.find((w) => w[0] === word[0] && editDistance(w, word, 1) === 1);
      return near === undefined ? undefined : single.get(near);
    },
    rewrite(words) {
      const out: string[] = [];
      for (let i = 0; i < words.length; ) {
        const expression = expressions.find((e) => e.from.every((w, k) => words[i + k] === w));
        const word = words[i]!;
        out.push(expression?.to ?? single.get(word) ?? byStem.get(lightStem(word)) ?? word);
        i += expression ? expression.from.length : 1;
      }
      return out;
    },
  };
}

const BY_LANGUAGE: Record<string, Lexicon> = {
  en: build(EN),
  fr: build(FR, (text) => text.replace(/(^|\s)[aà] ?\+(?!\S)/giu, '$1a plus')),
};
const NONE: Lexicon = { prepare: (text) => text, rewrite: (words) => [...words], nearest: () => undefined };

/** The lexicon of a language ("en", "fr", "fr-CA" uses "fr"); other languages get none. */
export function lexiconFor(language: string): Lexicon {
  return BY_LANGUAGE[language.slice(0, 2).toLowerCase()] ?? NONE;
}
